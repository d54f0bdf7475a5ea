"""The hub's wall clock, which tests can move forward (time travel)."""

from __future__ import annotations

import time
from datetime import UTC, datetime


class Clock:
    """Wall-clock time in UTC, plus an offset that only tests set."""

    __slots__ = ("_offset",)

    def __init__(self) -> None:
        self._offset = 0.0

    def time(self) -> float:
        """Seconds since the epoch, as ``time.time()``."""
        return time.time() + self._offset

    def now(self) -> datetime:
        """The current time as an aware UTC datetime."""
        return datetime.fromtimestamp(self.time(), UTC)

    def travel_to(self, when: datetime) -> None:
        """Make ``now()`` return ``when`` (then run on from there)."""
        if when.tzinfo is None:
            raise ValueError(f"travel_to needs an aware datetime, got naive {when!r}")
        self._offset = when.timestamp() - time.time()


def utc_from_timestamp(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)
