"""Retention: delete old states and events, sooner for data the law protects.

Runs on the recorder's thread. Long-term statistics are never purged here.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..storage.recorder_schema import event_data, events, state_attributes, states

if TYPE_CHECKING:
    from ..hub import Hub

# Data categories (manifest ``data_categories``) whose history is kept for the shorter time.
PROTECTED_CATEGORIES: Final = frozenset({"health", "location"})

_CHUNK = 500  # entity ids per IN (…) list


@dataclass(frozen=True, slots=True)
class PurgeResult:
    """How many rows one purge deleted."""

    states: int
    events: int
    state_attributes: int
    event_data: int


def protected_entity_ids(hub: Hub) -> set[str]:
    """Registered entities whose integration declares a protected data category."""
    protected = {
        integration.domain
        for integration in hub.integrations.catalog.all()
        if PROTECTED_CATEGORIES.intersection(integration.manifest.data_categories)
    }
    if not protected:
        return set()
    return {entry.entity_id for entry in hub.entities if entry.platform in protected}


def purge(
    session: Session,
    cutoff: float,
    protected_cutoff: float,
    protected_ids: Collection[str],
) -> PurgeResult:
    """Delete states and events older than ``cutoff`` (epoch seconds), states of
    ``protected_ids`` older than ``protected_cutoff``, then rows nothing refers to."""
    state_count = session.execute(sa.delete(states).where(states.c.last_updated_ts < cutoff))
    removed_states = state_count.rowcount
    ids = sorted(protected_ids)
    for start in range(0, len(ids), _CHUNK):
        result = session.execute(
            sa.delete(states).where(
                states.c.entity_id.in_(ids[start : start + _CHUNK]),
                states.c.last_updated_ts < protected_cutoff,
            )
        )
        removed_states += result.rowcount
    removed_events = session.execute(
        sa.delete(events).where(events.c.time_fired_ts < cutoff)
    ).rowcount
    unused_attributes = session.execute(
        sa.delete(state_attributes).where(
            ~sa.exists().where(states.c.attributes_id == state_attributes.c.id)
        )
    ).rowcount
    unused_data = session.execute(
        sa.delete(event_data).where(~sa.exists().where(events.c.data_id == event_data.c.id))
    ).rowcount
    return PurgeResult(removed_states, removed_events, unused_attributes, unused_data)
