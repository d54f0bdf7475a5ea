"""History: the recorded states of entities over a window of time.

Queries run on the recorder's thread, after everything queued before them is committed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

import orjson
import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..clock import utc_from_timestamp
from ..context import Context
from ..states import State
from ..storage.recorder_schema import state_attributes, states

if TYPE_CHECKING:
    from ..hub import Hub


class StateChange(NamedTuple):
    """A change of state in minimal history: the new state and when it changed."""

    state: str
    last_changed: datetime


_COLUMNS = (
    states.c.entity_id,
    states.c.state,
    states.c.last_changed_ts,
    states.c.last_updated_ts,
    states.c.context_id,
    states.c.context_user_id,
    states.c.context_parent_id,
    states.c.context_origin,
    state_attributes.c.shared_attrs,
)


def window_rows(
    session: Session, query: sa.Select[Any], entity_id: str, start: float, end: float
) -> list[Any]:
    """``query``'s rows of ``entity_id``: the one it was in at ``start`` (if any), then
    every row until ``end``, oldest first."""
    query = query.where(states.c.entity_id == entity_id)
    at_start = session.execute(
        query.where(states.c.last_updated_ts < start)
        .order_by(states.c.last_updated_ts.desc())
        .limit(1)
    ).first()
    rows = session.execute(
        query.where(states.c.last_updated_ts >= start, states.c.last_updated_ts < end).order_by(
            states.c.last_updated_ts
        )
    ).all()
    return rows if at_start is None else [at_start, *rows]


def _select() -> sa.Select[Any]:
    return sa.select(*_COLUMNS).outerjoin(
        state_attributes, state_attributes.c.id == states.c.attributes_id
    )


def _state(row: Any, attributes: dict[str | None, dict[str, Any]]) -> State:
    shared = row.shared_attrs
    if shared not in attributes:
        attributes[shared] = {} if shared is None else orjson.loads(shared)
    context = Context(
        user_id=row.context_user_id,
        parent_id=row.context_parent_id,
        origin=row.context_origin,
        id=row.context_id,
    )
    return State(
        row.entity_id,
        row.state,
        attributes[shared],
        row.last_changed_ts,
        row.last_updated_ts,
        context,
    )


def _query(
    session: Session, entity_ids: list[str], start: float, end: float, minimal: bool
) -> dict[str, list[State | StateChange]]:
    attributes: dict[str | None, dict[str, Any]] = {}  # parsed once per distinct row
    found: dict[str, list[State | StateChange]] = {}
    for entity_id in entity_ids:
        rows = window_rows(session, _select(), entity_id, start, end)
        history: list[State | StateChange] = []
        previous: str | None = None
        for row in rows:
            if row.state is None:  # the entity was removed here
                previous = None
                continue
            if not history or not minimal:
                history.append(_state(row, attributes))
            elif row.state != previous:
                history.append(StateChange(row.state, utc_from_timestamp(row.last_changed_ts)))
            previous = row.state
        if history:
            found[entity_id] = history
    return found


async def state_changes(
    hub: Hub,
    entity_ids: str | Iterable[str],
    start: datetime,
    end: datetime | None = None,
    *,
    minimal: bool = False,
) -> dict[str, list[State | StateChange]]:
    """The states of each entity from ``start`` to ``end`` (default: now), oldest first.

    The first entry is the state the entity was in at ``start``, if it had one. With
    ``minimal`` the first entry is a full :class:`State` and the rest are
    :class:`StateChange` (state and last_changed), one per change of the state itself:
    writes that only changed attributes are left out. Entities without history are left
    out.
    """
    ids = [entity_ids] if isinstance(entity_ids, str) else list(dict.fromkeys(entity_ids))
    first = start.timestamp()
    last = (end or hub.clock.now()).timestamp()
    return await hub.recorder.run(lambda session: _query(session, ids, first, last, minimal))
