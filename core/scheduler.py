"""Timers on the hub's clock, so tests can run them by moving the clock.

One heap of timers, one asyncio handle armed for the earliest. Timers are due by the
hub's :class:`Clock`, not by the loop's monotonic time, which is what lets
``fire_time_changed`` in :mod:`linli.testing` run everything due at a given moment.

A cancelled timer stays in the heap until it would have been due; once they are most of
it, the heap is rebuilt without them (as asyncio does): a watchdog re-armed on every
message (a detector silent for four hours raises a warning) cancels thousands of timers a
second, which would otherwise pile up for hours.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from collections.abc import Callable
from typing import Any, Final

from .clock import Clock

_LOGGER = logging.getLogger(__name__)

COMPACT_AFTER: Final = 100  # cancelled timers in the heap before rebuilding it may pay


class Timer:
    """A scheduled call; ``cancel()`` it to take it back."""

    __slots__ = ("args", "callback", "cancelled", "scheduler", "when")

    def __init__(
        self,
        when: float,
        callback: Callable[..., Any],
        args: tuple[Any, ...],
        scheduler: Scheduler | None = None,
    ) -> None:
        self.when = when
        self.callback = callback
        self.args = args
        self.cancelled = False
        self.scheduler = scheduler  # told of a cancel while the timer is in its heap

    def cancel(self) -> None:
        if not self.cancelled:
            self.cancelled = True
            if self.scheduler is not None:
                self.scheduler._timer_cancelled()

    def __repr__(self) -> str:
        name = getattr(self.callback, "__qualname__", repr(self.callback))
        return f"<Timer {name} at {self.when:.3f}{' cancelled' if self.cancelled else ''}>"


class Scheduler:
    """Runs callbacks at points in time of one hub's clock."""

    def __init__(self, loop: asyncio.AbstractEventLoop, clock: Clock) -> None:
        self._loop = loop
        self._clock = clock
        self._heap: list[tuple[float, int, Timer]] = []
        self._sequence = itertools.count()
        self._wakeup: asyncio.TimerHandle | None = None
        self._wakeup_at = float("inf")
        self._cancelled = 0  # cancelled timers still in the heap

    def call_at(self, when: float, callback: Callable[..., Any], *args: Any) -> Timer:
        """Call ``callback(*args)`` when the clock reaches ``when`` (epoch seconds)."""
        timer = Timer(when, callback, args, self)
        heapq.heappush(self._heap, (when, next(self._sequence), timer))
        if when < self._wakeup_at:
            self._arm(when)
        return timer

    def call_later(self, delay: float, callback: Callable[..., Any], *args: Any) -> Timer:
        return self.call_at(self._clock.time() + delay, callback, *args)

    @property
    def pending(self) -> list[Timer]:
        """Timers not yet run nor cancelled, earliest first."""
        return [timer for _, _, timer in sorted(self._heap) if not timer.cancelled]

    def run_due(self) -> int:
        """Run every timer due by the clock now; return how many ran."""
        now = self._clock.time()
        ran = 0
        while self._heap and self._heap[0][0] <= now:
            _, _, timer = heapq.heappop(self._heap)
            timer.scheduler = None  # out of the heap
            if timer.cancelled:
                self._cancelled -= 1
                continue
            timer.cancelled = True  # a timer runs once
            ran += 1
            try:
                timer.callback(*timer.args)
            except Exception:
                _LOGGER.exception("Error in timer %r", timer)
        self._rearm()
        return ran

    def cancel_all(self) -> None:
        for _, _, timer in self._heap:
            timer.scheduler = None
            timer.cancel()
        self._heap.clear()
        self._cancelled = 0
        self._disarm()

    def _on_wakeup(self) -> None:
        self._wakeup = None
        self._wakeup_at = float("inf")
        self.run_due()

    def _rearm(self) -> None:
        while self._heap and self._heap[0][2].cancelled:
            heapq.heappop(self._heap)[2].scheduler = None
            self._cancelled -= 1
        if self._heap:
            self._arm(self._heap[0][0])
        else:
            self._disarm()

    def _timer_cancelled(self) -> None:
        self._cancelled += 1
        if self._cancelled > COMPACT_AFTER and self._cancelled * 2 > len(self._heap):
            for _, _, timer in self._heap:
                if timer.cancelled:
                    timer.scheduler = None
            self._heap = [item for item in self._heap if not item[2].cancelled]
            heapq.heapify(self._heap)
            self._cancelled = 0

    def _arm(self, when: float) -> None:
        self._disarm()
        delay = max(0.0, when - self._clock.time())
        self._wakeup = self._loop.call_later(delay, self._on_wakeup)
        self._wakeup_at = when

    def _disarm(self) -> None:
        if self._wakeup is not None:
            self._wakeup.cancel()
            self._wakeup = None
        self._wakeup_at = float("inf")
