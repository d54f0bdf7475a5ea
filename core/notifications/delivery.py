"""One notification through one channel: retried with doubling delays on the hub's clock
(so tests move through the retries with ``fire_time_changed``).

A delivery waiting for its retry is a pending hub task: ``hub.block_till_done()`` waits for
it, in real time, unless the test moves the clock past the retries.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from .model import Address

if TYPE_CHECKING:
    from ..hub import Hub
    from ..plugins.hookspecs import NotificationChannel

_LOGGER = logging.getLogger(__name__)

ATTEMPT_TIMEOUT: Final = 30.0  # seconds one attempt may take, whatever the channel does


async def sleep(hub: Hub, delay: float) -> None:
    """Wait ``delay`` seconds of the hub's clock."""
    woken = hub.loop.create_future()
    timer = hub.scheduler.call_later(delay, _wake, woken)
    try:
        await woken
    finally:
        timer.cancel()


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


async def deliver(
    hub: Hub,
    channel: NotificationChannel,
    address: Address,
    message: str,
    still_wanted: Callable[[], bool],
) -> bool:
    """Send ``message`` to ``address``; retry a failure ``alarms.retries`` times, the first
    after ``alarms.retry_delay`` seconds and each later one after twice the delay before.
    Stops early, as done, once ``still_wanted()`` is false (the alarm was acknowledged).
    Returns whether the message got through."""
    settings = hub.config.alarms
    delay = settings.retry_delay
    for attempt in range(1, settings.retries + 2):
        try:
            async with asyncio.timeout(ATTEMPT_TIMEOUT):
                await channel.send(hub, address.to, message)
        except Exception as error:
            reason = str(error) or type(error).__name__
            _LOGGER.warning(
                "Notification to %s failed (attempt %d of %d): %s",
                address,
                attempt,
                settings.retries + 1,
                reason,
            )
        else:
            return True
        if attempt > settings.retries:
            break
        await sleep(hub, delay)
        delay *= 2
        if not still_wanted():
            return True
    _LOGGER.error("Could not notify %s after %d attempts", address, settings.retries + 1)
    return False
