"""The hub's wall clock, which tests can move forward (time travel)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime


class Clock:
    """Wall-clock time in UTC, plus an offset that only tests set.

    ``time`` is ``time.time`` itself until :meth:`travel_to` is called, so production
    pays nothing for time travel; read it as ``clock.time()`` each time, never keep it.
    """

    __slots__ = ("time",)

    def __init__(self) -> None:
        self.time: Callable[[], float] = time.time

    def now(self) -> datetime:
        """The current time as an aware UTC datetime."""
        return datetime.fromtimestamp(self.time(), UTC)

    def travel_to(self, when: datetime) -> None:
        """Make ``now()`` return ``when`` (then run on from there)."""
        if when.tzinfo is None:
            raise ValueError(f"travel_to needs an aware datetime, got naive {when!r}")
        offset = when.timestamp() - time.time()
        self.time = lambda: time.time() + offset


def utc_from_timestamp(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)
