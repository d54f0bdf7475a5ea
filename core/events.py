"""The event bus: fire events, listen for them.

Hot path. Listener lists are tuples rebuilt on (rare) subscription changes, so firing
never copies; a listener's filter sees the raw ``data`` dict before any :class:`Event` is
built, and an event nobody accepts is never built at all.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable, Coroutine, Mapping
from enum import StrEnum
from typing import Any

from .clock import Clock, utc_from_timestamp
from .const import MATCH_ALL
from .context import Context

_LOGGER = logging.getLogger(__name__)

EventData = Mapping[str, Any]
EventFilter = Callable[[EventData], bool]
EventCallback = Callable[["Event"], Any]
TaskFactory = Callable[[Coroutine[Any, Any, Any], str], asyncio.Task[Any]]
Unsubscribe = Callable[[], None]

_EMPTY: Mapping[str, Any] = {}


class EventOrigin(StrEnum):
    """Whether an event happened on this hub or was passed in from outside."""

    local = "local"
    remote = "remote"


class Event:
    """Something that happened, with the context that caused it."""

    __slots__ = ("_context", "data", "event_type", "origin", "time_fired_timestamp")

    def __init__(
        self,
        event_type: str,
        data: EventData,
        context: Context | None,
        time_fired_timestamp: float,
        origin: EventOrigin = EventOrigin.local,
    ) -> None:
        self.event_type = event_type
        self.data = data
        self.origin = origin
        self.time_fired_timestamp = time_fired_timestamp
        self._context = context

    @property
    def context(self) -> Context:
        """The cause; an event fired without one gets a fresh context on first access."""
        if self._context is None:
            self._context = Context(origin="hub")
        return self._context

    @property
    def time_fired(self):  # noqa: ANN201 - datetime; kept lazy for the hot path
        return utc_from_timestamp(self.time_fired_timestamp)

    def as_dict(self) -> dict[str, Any]:
        return {
            "event_type": self.event_type,
            "data": dict(self.data),
            "origin": self.origin.value,
            "time_fired": self.time_fired.isoformat(),
            "context": self.context.as_dict(),
        }

    def __repr__(self) -> str:
        return f"<Event {self.event_type}[{self.origin.value[0]}]: {dict(self.data)}>"


class _Listener:
    __slots__ = ("callback", "event_filter", "is_coroutine", "name")

    def __init__(self, callback: EventCallback, event_filter: EventFilter | None) -> None:
        self.callback = callback
        self.event_filter = event_filter
        self.is_coroutine = inspect.iscoroutinefunction(callback)
        self.name = getattr(callback, "__qualname__", None) or repr(callback)


class EventBus:
    """Delivers events to the listeners of their type and to match-all listeners."""

    def __init__(self, clock: Clock, create_task: TaskFactory) -> None:
        self._clock = clock
        self._create_task = create_task
        self._listeners: dict[str, tuple[_Listener, ...]] = {}
        # event type -> its listeners followed by the match-all ones; rebuilt lazily
        self._dispatch: dict[str, tuple[_Listener, ...]] = {}

    def fire(
        self,
        event_type: str,
        data: EventData | None = None,
        context: Context | None = None,
        origin: EventOrigin = EventOrigin.local,
        time_fired: float | None = None,
    ) -> None:
        """Deliver an event now: sync listeners run inline, coroutines become tasks.

        ``time_fired`` (epoch seconds) defaults to the hub's clock now.
        """
        listeners = self._dispatch.get(event_type)
        if listeners is None:
            listeners = self._build_dispatch(event_type)
        if not listeners:
            return
        if data is None:
            data = _EMPTY
        event: Event | None = None
        for listener in listeners:
            try:
                event_filter = listener.event_filter
                if event_filter is not None and not event_filter(data):
                    continue
                if event is None:
                    if time_fired is None:
                        time_fired = self._clock.time()
                    event = Event(event_type, data, context, time_fired, origin)
                if listener.is_coroutine:
                    self._create_task(listener.callback(event), listener.name)
                else:
                    listener.callback(event)
            except Exception:
                _LOGGER.exception("Error in listener %s for event %s", listener.name, event_type)

    def listen(
        self,
        event_type: str,
        callback: EventCallback,
        event_filter: EventFilter | None = None,
    ) -> Unsubscribe:
        """Call ``callback(event)`` for every event of ``event_type`` (or ``"*"``: all).

        ``event_filter(data)`` runs first on the raw event data; returning False skips
        the listener without building an Event. Returns a function that unsubscribes.
        """
        listener = _Listener(callback, event_filter)
        self._add(event_type, listener)
        return lambda: self._remove(event_type, listener)

    def listen_once(
        self,
        event_type: str,
        callback: EventCallback,
        event_filter: EventFilter | None = None,
    ) -> Unsubscribe:
        """Like :meth:`listen`, but unsubscribe after the first delivered event."""
        removed = False

        def remove() -> None:
            nonlocal removed
            if not removed:
                removed = True
                unsubscribe()

        name = getattr(callback, "__qualname__", None) or repr(callback)
        is_coroutine = inspect.iscoroutinefunction(callback)

        def deliver_once(event: Event) -> None:
            remove()  # before delivering, so a second event fired meanwhile misses it
            if is_coroutine:
                self._create_task(callback(event), name)
            else:
                callback(event)

        deliver_once.__qualname__ = name
        unsubscribe = self.listen(event_type, deliver_once, event_filter)
        return remove

    def listener_counts(self) -> dict[str, int]:
        """Number of listeners per event type (``"*"`` for match-all)."""
        return {key: len(value) for key, value in self._listeners.items()}

    def _add(self, event_type: str, listener: _Listener) -> None:
        self._listeners[event_type] = (*self._listeners.get(event_type, ()), listener)
        self._dispatch.clear()

    def _remove(self, event_type: str, listener: _Listener) -> None:
        current = self._listeners.get(event_type, ())
        remaining = tuple(item for item in current if item is not listener)
        if len(remaining) == len(current):
            return  # already removed: unsubscribing twice is harmless
        if remaining:
            self._listeners[event_type] = remaining
        else:
            del self._listeners[event_type]
        self._dispatch.clear()

    def _build_dispatch(self, event_type: str) -> tuple[_Listener, ...]:
        listeners = self._listeners.get(event_type, ())
        if event_type != MATCH_ALL:
            listeners += self._listeners.get(MATCH_ALL, ())
        self._dispatch[event_type] = listeners
        return listeners
