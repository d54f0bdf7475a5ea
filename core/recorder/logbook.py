"""The logbook: what happened, in words, and who or what caused it (from the Context).

A state change reads "sensor.kitchen_smoke changed to on"; its cause is what the recorded
contexts tell: the event of the same context ("call_service lock.unlock"), or of the parent
context ("triggered by call_service automation.trigger", "triggered by
binary_sensor.door changed to on"), the user, else the context's origin ("device").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

import orjson
import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..clock import utc_from_timestamp
from ..const import (
    EVENT_CALL_SERVICE,
    EVENT_HUB_STARTED,
    EVENT_HUB_STOP,
    EVENT_SERVICE_REGISTERED,
    EVENT_SERVICE_REMOVED,
)
from ..storage.recorder_schema import event_data, events, states

if TYPE_CHECKING:
    from ..hub import Hub

# Recorded, and used to explain causes, but not entries of their own.
NOT_IN_LOGBOOK: Final = frozenset(
    {
        EVENT_CALL_SERVICE,
        EVENT_SERVICE_REGISTERED,
        EVENT_SERVICE_REMOVED,
        "area_registry_updated",
        "device_registry_updated",
        "entity_registry_updated",
    }
)
_DESCRIBED: Final = {EVENT_HUB_STARTED: "hub started", EVENT_HUB_STOP: "hub stopping"}
_CHUNK = 500  # context ids per IN (…) list


@dataclass(frozen=True, slots=True)
class LogbookEntry:
    """One thing that happened."""

    when: datetime
    message: str
    entity_id: str | None
    cause: str | None
    context_id: str | None
    context_user_id: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "when": self.when.isoformat(),
            "message": self.message,
            "entity_id": self.entity_id,
            "cause": self.cause,
            "context_id": self.context_id,
            "context_user_id": self.context_user_id,
        }


def _describe_event(event_type: str, data: str | None) -> str:
    if event_type == EVENT_CALL_SERVICE and data is not None:
        fields = orjson.loads(data)
        return f"call_service {fields.get('domain')}.{fields.get('service')}"
    return _DESCRIBED.get(event_type, event_type)


def _describe_state(entity_id: str, state: str | None) -> str:
    return f"{entity_id} was removed" if state is None else f"{entity_id} changed to {state}"


class _Causes:
    """What each context id in the window is known for: its first event or state change."""

    def __init__(self, session: Session, context_ids: set[str]) -> None:
        self.by_context: dict[str, tuple[float, str, Any]] = {}
        ids = sorted(context_ids)
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            found_events = session.execute(
                sa.select(
                    events.c.context_id,
                    events.c.time_fired_ts,
                    events.c.id,
                    events.c.event_type,
                    event_data.c.shared_data,
                )
                .outerjoin(event_data, event_data.c.id == events.c.data_id)
                .where(events.c.context_id.in_(chunk))
            )
            for row in found_events:
                self._keep(row.context_id, row.time_fired_ts, ("event", row.id), row)
            found_states = session.execute(
                sa.select(
                    states.c.context_id,
                    states.c.last_updated_ts,
                    states.c.id,
                    states.c.entity_id,
                    states.c.state,
                ).where(states.c.context_id.in_(chunk))
            )
            for row in found_states:
                self._keep(row.context_id, row.last_updated_ts, ("state", row.id), row)

    def _keep(self, context_id: str, when: float, key: tuple[str, int], row: Any) -> None:
        known = self.by_context.get(context_id)
        if known is None or when < known[0]:
            self.by_context[context_id] = (when, key, row)

    def describe(self, context_id: str, own: tuple[str, int]) -> str | None:
        """What happened first in ``context_id``, unless it is the entry itself."""
        known = self.by_context.get(context_id)
        if known is None or known[1] == own:
            return None
        row = known[2]
        if known[1][0] == "event":
            return _describe_event(row.event_type, row.shared_data)
        return _describe_state(row.entity_id, row.state)


def _cause(causes: _Causes, row: Any, own: tuple[str, int]) -> str | None:
    parts = []
    if row.context_id and (same := causes.describe(row.context_id, own)):
        parts.append(same)
    elif row.context_parent_id and (parent := causes.describe(row.context_parent_id, own)):
        parts.append(f"triggered by {parent}")
    if row.context_user_id:
        parts.append(f"user {row.context_user_id}")
    if parts:
        return ", ".join(parts)
    return row.context_origin


def _query(
    session: Session, start: float, end: float, entity_ids: list[str] | None
) -> list[LogbookEntry]:
    changes = sa.select(states).where(
        states.c.last_updated_ts >= start,
        states.c.last_updated_ts < end,
        # a change of the state itself, or a removal; not a change of attributes only
        sa.or_(states.c.last_changed_ts == states.c.last_updated_ts, states.c.state.is_(None)),
    )
    if entity_ids is not None:
        changes = changes.where(states.c.entity_id.in_(entity_ids))
    state_rows = session.execute(changes).all()
    event_rows = []
    if entity_ids is None:
        event_rows = session.execute(
            sa.select(events, event_data.c.shared_data)
            .outerjoin(event_data, event_data.c.id == events.c.data_id)
            .where(
                events.c.time_fired_ts >= start,
                events.c.time_fired_ts < end,
                events.c.event_type.not_in(NOT_IN_LOGBOOK),
            )
        ).all()
    context_ids = {
        context_id
        for row in (*state_rows, *event_rows)
        for context_id in (row.context_id, row.context_parent_id)
        if context_id
    }
    causes = _Causes(session, context_ids)
    entries = [
        (
            row.last_updated_ts,
            row.id,
            LogbookEntry(
                utc_from_timestamp(row.last_updated_ts),
                _describe_state(row.entity_id, row.state),
                row.entity_id,
                _cause(causes, row, ("state", row.id)),
                row.context_id,
                row.context_user_id,
            ),
        )
        for row in state_rows
    ]
    entries += [
        (
            row.time_fired_ts,
            row.id,
            LogbookEntry(
                utc_from_timestamp(row.time_fired_ts),
                _describe_event(row.event_type, row.shared_data),
                None,
                _cause(causes, row, ("event", row.id)),
                row.context_id,
                row.context_user_id,
            ),
        )
        for row in event_rows
    ]
    entries.sort(key=lambda item: item[:2])
    return [entry for _, _, entry in entries]


async def entries(
    hub: Hub,
    start: datetime,
    end: datetime | None = None,
    entity_ids: str | Iterable[str] | None = None,
) -> list[LogbookEntry]:
    """What happened from ``start`` to ``end`` (default: now), oldest first.

    Without ``entity_ids`` the logbook also holds events (hub started, alarms, …); with
    them only those entities' changes of state.
    """
    ids = [entity_ids] if isinstance(entity_ids, str) else entity_ids
    ids = None if ids is None else list(ids)
    first = start.timestamp()
    last = (end or hub.clock.now()).timestamp()
    return await hub.recorder.run(lambda session: _query(session, first, last, ids))
