"""Event entities: things that happen (a doorbell ring, an SOS press), not lasting states.

The state is the time of the last event; the ``event_type`` attribute says which it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Final

from .entity import Entity, EntityDescription

DOMAIN = "event"

ATTR_EVENT_TYPE: Final = "event_type"
ATTR_EVENT_TYPES: Final = "event_types"


class EventDeviceClass(StrEnum):
    button = "button"
    doorbell = "doorbell"
    motion = "motion"


@dataclass(frozen=True, kw_only=True)
class EventEntityDescription(EntityDescription):
    event_types: tuple[str, ...] = field(default=())


class EventEntity(Entity):
    """An event entity; declare ``_attr_event_types`` and call :meth:`trigger_event`."""

    platform_domain: ClassVar[str | None] = DOMAIN

    entity_description: EventEntityDescription
    _attr_should_poll = False
    _attr_event_types: tuple[str, ...]
    _last_event: tuple[datetime, str, Mapping[str, Any]] | None = None

    @property
    def event_types(self) -> tuple[str, ...]:
        return tuple(self._described("event_types", ()))

    @property
    def capability_attributes(self) -> Mapping[str, Any] | None:
        return {ATTR_EVENT_TYPES: list(self.event_types)}

    @property
    def state(self) -> str | None:
        return None if self._last_event is None else self._last_event[0].isoformat()

    @property
    def state_attributes(self) -> Mapping[str, Any] | None:
        if self._last_event is None:
            return {ATTR_EVENT_TYPE: None}
        _, event_type, attributes = self._last_event
        return {**attributes, ATTR_EVENT_TYPE: event_type}

    def trigger_event(self, event_type: str, attributes: Mapping[str, Any] | None = None) -> None:
        """Record that ``event_type`` happened now, and write the state if added to a hub."""
        if event_type not in self.event_types:
            raise ValueError(
                f"{event_type!r} is not an event type of {self!r}; "
                f"expected one of {', '.join(self.event_types)}"
            )
        self._last_event = (self._now(), event_type, dict(attributes or {}))
        if self.hub is not None:
            self.write_state()
