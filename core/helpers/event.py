"""Track state changes of given entities, and points in time.

:func:`track_state_change` shares one ``state_changed`` listener per hub, whose filter
looks the entity up in an index: a write costs the same with 10 or 100,000 entities,
and a write to an untracked entity builds no Event.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from types import CoroutineType
from typing import TYPE_CHECKING, Any

from ..const import EVENT_STATE_CHANGED
from ..events import Event, EventData, Unsubscribe

if TYPE_CHECKING:
    from ..hub import Hub

_LOGGER = logging.getLogger(__name__)

_STATE_INDEX = "helpers.event.state_index"

StateChangeCallback = Callable[[Event], Any]


class _StateChangeIndex:
    """entity_id -> callbacks, behind one bus listener."""

    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        # tuples, rebuilt on (rare) changes, so delivery never copies
        self._callbacks: dict[str, tuple[StateChangeCallback, ...]] = {}
        self._unsubscribe: Unsubscribe | None = None

    def add(self, entity_ids: Iterable[str], callback: StateChangeCallback) -> Unsubscribe:
        entity_ids = [entity_id.lower() for entity_id in entity_ids]
        for entity_id in entity_ids:
            self._callbacks[entity_id] = (*self._callbacks.get(entity_id, ()), callback)
        if self._unsubscribe is None:
            self._unsubscribe = self._hub.bus.listen(
                EVENT_STATE_CHANGED, self._dispatch, self._is_tracked
            )

        def remove() -> None:
            for entity_id in entity_ids:
                callbacks = list(self._callbacks.get(entity_id, ()))
                if callback in callbacks:
                    callbacks.remove(callback)
                    if callbacks:
                        self._callbacks[entity_id] = tuple(callbacks)
                    else:
                        del self._callbacks[entity_id]
            if not self._callbacks and self._unsubscribe is not None:
                self._unsubscribe()
                self._unsubscribe = None

        return remove

    def _is_tracked(self, data: EventData) -> bool:
        return data["entity_id"] in self._callbacks

    def _dispatch(self, event: Event) -> None:
        for callback in self._callbacks.get(event.data["entity_id"], ()):
            try:
                result = callback(event)
                if result is not None and type(result) is CoroutineType:
                    self._hub.create_task(result, f"state change of {event.data['entity_id']}")
            except Exception:
                _LOGGER.exception(
                    "Error in state listener %s for %s",
                    getattr(callback, "__qualname__", callback),
                    event.data["entity_id"],
                )


def track_state_change(
    hub: Hub, entity_ids: str | Iterable[str], callback: StateChangeCallback
) -> Unsubscribe:
    """Call ``callback(event)`` on every ``state_changed`` of the given entities.

    The event's data holds ``entity_id``, ``old_state`` and ``new_state`` (None when the
    entity was removed). Returns a function that stops the tracking.
    """
    index = hub.data.get(_STATE_INDEX)
    if index is None:
        index = hub.data[_STATE_INDEX] = _StateChangeIndex(hub)
    if isinstance(entity_ids, str):
        entity_ids = [entity_ids]
    return index.add(entity_ids, callback)


def track_point_in_time(
    hub: Hub, callback: Callable[[datetime], Any], when: datetime
) -> Unsubscribe:
    """Call ``callback(now)`` once the hub's clock reaches ``when``."""

    def run() -> None:
        result = callback(hub.clock.now())
        if inspect.iscoroutine(result):
            hub.create_task(result, getattr(callback, "__qualname__", "timer"))

    return hub.scheduler.call_at(when.timestamp(), run).cancel


def call_later(
    hub: Hub, delay: float | timedelta, callback: Callable[[datetime], Any]
) -> Unsubscribe:
    """Call ``callback(now)`` after ``delay`` (seconds or a timedelta)."""
    seconds = delay.total_seconds() if isinstance(delay, timedelta) else delay
    return track_point_in_time(hub, callback, hub.clock.now() + timedelta(seconds=seconds))


def track_time_interval(
    hub: Hub, callback: Callable[[datetime], Any], interval: timedelta
) -> Unsubscribe:
    """Call ``callback(now)`` every ``interval`` until unsubscribed.

    Runs keep their phase; after a jump of the clock (or a stalled loop) the missed runs
    are skipped, not replayed.
    """
    if interval.total_seconds() <= 0:
        raise ValueError(f"track_time_interval needs a positive interval, got {interval}")
    next_run = hub.clock.now() + interval
    cancel: Unsubscribe | None = None

    def tick(now: datetime) -> Any:
        nonlocal cancel, next_run
        while next_run <= now:
            next_run += interval
        cancel = track_point_in_time(hub, tick, next_run)
        return callback(now)

    cancel = track_point_in_time(hub, tick, next_run)

    def stop() -> None:
        if cancel is not None:
            cancel()

    return stop
