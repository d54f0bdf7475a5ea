"""The state machine: the current state of every entity.

Hot path. A write that changes nothing updates ``last_reported`` and fires nothing;
entity ids are validated once, when an entity first appears; a state's JSON is built
once (:attr:`State.json`) and shared by every subscriber that sends it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

from .clock import Clock, utc_from_timestamp
from .const import EVENT_STATE_CHANGED, MAX_STATE_LENGTH
from .context import Context
from .events import EventBus
from .exceptions import InvalidEntityIdError, InvalidStateError

_ENTITY_ID = re.compile(r"^(?!.+__)(?!_)[\da-z_]+(?<!_)\.(?!_)[\da-z_]+(?<!_)$")


def valid_entity_id(entity_id: str) -> bool:
    """Whether ``entity_id`` is of the form ``domain.object_id``."""
    return isinstance(entity_id, str) and _ENTITY_ID.match(entity_id) is not None


def split_entity_id(entity_id: str) -> tuple[str, str]:
    """Split and validate an entity id into ``(domain, object_id)``."""
    if not valid_entity_id(entity_id):
        raise InvalidEntityIdError(entity_id)
    domain, _, object_id = entity_id.partition(".")
    return domain, object_id


class State:
    """The state of one entity at one moment. Treat it as immutable."""

    __slots__ = (
        "_json",
        "attributes",
        "context",
        "entity_id",
        "last_changed_timestamp",
        "last_reported_timestamp",
        "last_updated_timestamp",
        "state",
    )

    def __init__(
        self,
        entity_id: str,
        state: str,
        attributes: Mapping[str, Any],
        last_changed_timestamp: float,
        last_updated_timestamp: float,
        context: Context | None = None,
    ) -> None:
        self.entity_id = entity_id
        self.state = state
        self.attributes = attributes
        self.last_changed_timestamp = last_changed_timestamp
        self.last_updated_timestamp = last_updated_timestamp
        self.last_reported_timestamp = last_updated_timestamp
        self.context = context or Context(origin="hub")
        self._json: bytes | None = None

    @property
    def domain(self) -> str:
        return self.entity_id.partition(".")[0]

    @property
    def object_id(self) -> str:
        return self.entity_id.partition(".")[2]

    @property
    def last_changed(self) -> datetime:
        return utc_from_timestamp(self.last_changed_timestamp)

    @property
    def last_updated(self) -> datetime:
        return utc_from_timestamp(self.last_updated_timestamp)

    @property
    def last_reported(self) -> datetime:
        return utc_from_timestamp(self.last_reported_timestamp)

    def as_dict(self) -> dict[str, Any]:
        """The state as plain JSON-ready data."""
        data = self._fields()
        data["last_changed"] = data["last_changed"].isoformat()
        data["last_updated"] = data["last_updated"].isoformat()
        return data

    @property
    def json(self) -> bytes:
        """The state serialised to JSON, built on first use and then reused."""
        if self._json is None:
            fields = self._fields()  # orjson writes the datetimes as isoformat() would
            try:
                self._json = orjson.dumps(fields)
            except TypeError:  # attributes with non-string keys
                self._json = orjson.dumps(fields, option=orjson.OPT_NON_STR_KEYS)
        return self._json

    def _fields(self) -> dict[str, Any]:
        last_updated = datetime.fromtimestamp(self.last_updated_timestamp, UTC)
        last_changed = (
            last_updated
            if self.last_changed_timestamp == self.last_updated_timestamp
            else datetime.fromtimestamp(self.last_changed_timestamp, UTC)
        )
        context = self.context  # fields inline, not as_dict(): a call less per state
        return {
            "entity_id": self.entity_id,
            "state": self.state,
            "attributes": self.attributes,
            "last_changed": last_changed,
            "last_updated": last_updated,
            "context": {
                "id": context.id,
                "user_id": context.user_id,
                "parent_id": context.parent_id,
                "origin": context.origin,
            },
        }

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, State)
            and self.entity_id == other.entity_id
            and self.state == other.state
            and self.attributes == other.attributes
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<State {self.entity_id}={self.state}>"


class StateMachine:
    """Holds the current :class:`State` of every entity and announces changes."""

    def __init__(self, bus: EventBus, clock: Clock) -> None:
        self._bus = bus
        self._clock = clock
        self._states: dict[str, State] = {}
        # domain -> its entity ids, in the order they first appeared
        self._domain_index: dict[str, dict[str, None]] = {}

    def get(self, entity_id: str) -> State | None:
        return self._states.get(entity_id)

    def all(self, domain: str | None = None) -> list[State]:
        """Every current state, or those of one domain."""
        if domain is None:
            return list(self._states.values())
        states = self._states
        return [states[entity_id] for entity_id in self._domain_index.get(domain, ())]

    def entity_ids(self, domain: str | None = None) -> list[str]:
        if domain is None:
            return list(self._states)
        return list(self._domain_index.get(domain, ()))

    def __len__(self) -> int:
        return len(self._states)

    def __iter__(self) -> Iterator[State]:
        return iter(list(self._states.values()))

    def set(
        self,
        entity_id: str,
        new_state: str,
        attributes: Mapping[str, Any] | None = None,
        *,
        force_update: bool = False,
        context: Context | None = None,
    ) -> State:
        """Write an entity's state; fire ``state_changed`` unless nothing changed."""
        if type(new_state) is not str:
            raise InvalidStateError(
                f"State of {entity_id} must be a string, got {type(new_state).__name__} "
                f"{new_state!r}"
            )
        if len(new_state) > MAX_STATE_LENGTH:
            raise InvalidStateError(
                f"State of {entity_id} is {len(new_state)} characters long; "
                f"at most {MAX_STATE_LENGTH} are allowed (put long text in an attribute)"
            )
        if attributes is None:
            attributes = {}
        elif type(attributes) is not dict and not isinstance(attributes, Mapping):
            raise InvalidStateError(
                f"Attributes of {entity_id} must be a mapping, got {type(attributes).__name__}"
            )
        now = self._clock.time()
        old_state = self._states.get(entity_id)
        if old_state is None:
            domain, _ = split_entity_id(entity_id)
            self._domain_index.setdefault(domain, {})[entity_id] = None
            last_changed = now
            attributes = dict(attributes)
        else:
            same_attributes = old_state.attributes == attributes
            if not force_update and same_attributes and old_state.state == new_state:
                old_state.last_reported_timestamp = now
                return old_state
            # equal attributes are shared with the old state: no copy, less memory
            attributes = old_state.attributes if same_attributes else dict(attributes)
            last_changed = old_state.last_changed_timestamp if old_state.state == new_state else now
        if context is None:
            context = Context(origin="hub")  # the state and its event share one cause
        state = State(entity_id, new_state, attributes, last_changed, now, context)
        self._states[entity_id] = state
        self._bus.fire(
            EVENT_STATE_CHANGED,
            {"entity_id": entity_id, "old_state": old_state, "new_state": state},
            context,
            time_fired=now,
        )
        return state

    def remove(self, entity_id: str, *, context: Context | None = None) -> bool:
        """Forget an entity's state; fire ``state_changed`` with ``new_state`` None."""
        old_state = self._states.pop(entity_id, None)
        if old_state is None:
            return False
        domain_ids = self._domain_index[old_state.domain]
        del domain_ids[entity_id]
        if not domain_ids:
            del self._domain_index[old_state.domain]
        self._bus.fire(
            EVENT_STATE_CHANGED,
            {"entity_id": entity_id, "old_state": old_state, "new_state": None},
            context,
        )
        return True
