"""Whose each entity is, as far as permissions go: its household, its data subject, and
whether it is protected data (``hub.ownership``).

An entity belongs to its registry entry's household, else its device's; protected data (an
entity of an integration declaring health or location) to the household of its data subject.
An entity with no registry entry but a state is the community's; of one with neither the hub
knows nothing. The facts are kept per entity_id until a registry, a member, a user or a data
subject changes; :attr:`Ownership.generation` changes with them, so that whoever keeps
decisions made from them (a WebSocket connection) knows when to forget them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from ..community.consent import EVENT_SUBJECT_REGISTRY_UPDATED
from ..community.households import EVENT_MEMBER_REGISTRY_UPDATED
from ..events import Event
from ..registry.devices import EVENT_DEVICE_REGISTRY_UPDATED
from ..registry.entities import EVENT_ENTITY_REGISTRY_UPDATED
from .users import EVENT_USER_REGISTRY_UPDATED

if TYPE_CHECKING:
    from ..hub import Hub

# Changes after which what anyone may see must be worked out again.
WATCHED_EVENTS: Final = (
    EVENT_ENTITY_REGISTRY_UPDATED,
    EVENT_DEVICE_REGISTRY_UPDATED,
    EVENT_SUBJECT_REGISTRY_UPDATED,
    EVENT_MEMBER_REGISTRY_UPDATED,
    EVENT_USER_REGISTRY_UPDATED,
)


@dataclass(frozen=True, slots=True)
class EntityFacts:
    household_id: str | None
    subject_id: str | None  # the member whose data it collects
    protected: bool


COMMUNITY_ENTITY: Final = EntityFacts(None, None, False)


class Ownership:
    """The facts of the hub's entities, and a generation that changes whenever they, the
    users or their memberships may have."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.generation = 0
        self._entities: dict[str, EntityFacts] = {}
        for event_type in WATCHED_EVENTS:
            hub.bus.listen(event_type, self._changed)

    def _changed(self, _event: Event) -> None:
        self.generation += 1
        self._entities.clear()

    def entity(self, entity_id: str) -> EntityFacts | None:
        """The facts of ``entity_id``; None if the hub knows nothing of it."""
        facts = self._entities.get(entity_id)
        if facts is None:
            facts = self._find(entity_id)
            if facts is not None:  # an unknown one is not kept: it may come
                self._entities[entity_id] = facts
        return facts

    def _find(self, entity_id: str) -> EntityFacts | None:
        hub = self.hub
        entry = hub.entities.get(entity_id)
        if entry is None:
            return COMMUNITY_ENTITY if hub.states.get(entity_id) is not None else None
        household_id = entry.household_id
        if household_id is None and entry.device_id is not None:
            device = hub.devices.get(entry.device_id)
            household_id = None if device is None else device.household_id
        subject = hub.consent.subject_of(entity_id)
        protected = bool(hub.consent.protected_categories(entry.platform))
        if protected and subject is not None:
            household_id = subject.household_id
        return EntityFacts(household_id, None if subject is None else subject.id, protected)
