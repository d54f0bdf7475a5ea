"""Messages and discovery configs the hub cannot use: logged with topic and reason, counted.

A device that sends garbage every second must not flood the log: the first drop of each
(topic, reason) is a warning, the following ones are logged at debug level. The counts by
reason are what the diagnostics sensor and the tests read.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from typing import Final

_LOGGER = logging.getLogger(__name__)

MAX_WARNED: Final = 10_000  # (topic, reason) pairs remembered for the warn-once rule
MAX_LOGGED_DETAIL: Final = 200  # characters of the detail put in a log line


class BadInput:
    """Counts of dropped input by reason; ``on_change`` is called after each drop."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._warned: set[tuple[str, str]] = set()
        self.on_change: Callable[[], None] | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def drop(self, topic: str, reason: str, detail: str = "") -> None:
        """Count and log one dropped message or config: where it came from, and why."""
        self.counts[reason] += 1
        key = (topic, reason)
        level = logging.DEBUG if key in self._warned else logging.WARNING
        if len(self._warned) < MAX_WARNED:
            self._warned.add(key)
        _LOGGER.log(
            level,
            "Dropped MQTT message on %s: %s%s",
            topic,
            reason,
            f": {detail}"[:MAX_LOGGED_DETAIL] if detail else "",
        )
        if self.on_change is not None:
            self.on_change()
