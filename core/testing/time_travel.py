"""Move a hub's clock and run the timers that become due."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..hub import Hub


def fire_time_changed(hub: Hub, when: datetime | timedelta) -> int:
    """Set the hub's clock to ``when`` (or forward by a timedelta) and run due timers.

    Returns how many timers ran. Coroutines they started are tasks: ``await
    hub.block_till_done()`` to let them finish.
    """
    if isinstance(when, timedelta):
        when = hub.clock.now() + when
    hub.clock.travel_to(when)
    return hub.scheduler.run_due()


async def settle(hub: Hub, rounds: int = 50) -> None:
    """Let the hub's tasks go as far as they can now. Unlike ``hub.block_till_done``, it
    does not wait for tasks that sleep on the hub's clock (an automation's delay) until the
    test moves it."""
    for _ in range(rounds):
        await asyncio.sleep(0)
