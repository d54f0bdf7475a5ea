"""Alarms in the database: each change queued to the database worker the moment it
happens (not batched with the recorder's history), read back at start and for queries."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..registry.store import upsert_statement
from ..storage.alarms_schema import alarms
from .model import Alarm, AlarmState, Severity

if TYPE_CHECKING:
    from ..storage.database import Database


class AlarmStore:
    def __init__(self, database: Database) -> None:
        self._database = database

    def save(self, alarm: Alarm) -> None:
        """Queue an insert-or-update of ``alarm``; the worker commits it with whatever else
        is queued right now (``await database.flush()`` waits for the commit)."""
        row = alarm.as_dict()

        def upsert(session: Session) -> None:
            session.execute(upsert_statement(alarms, session.get_bind().dialect.name), row)

        self._database.write(upsert, f"alarm {alarm.id} ({alarm.alarm_type})")

    async def load_open(self) -> list[Alarm]:
        """The alarms that still need someone (every state but cleared and acknowledged)."""
        return await self.query(states=[state for state in AlarmState if state.open])

    async def get(self, alarm_id: str) -> Alarm | None:
        query = sa.select(alarms).where(alarms.c.id == alarm_id)
        row = await self._database.read(lambda session: session.execute(query).mappings().first())
        return None if row is None else Alarm.from_dict(dict(row))

    async def query(
        self,
        *,
        states: Collection[AlarmState] = (),
        household_ids: Collection[str | None] | None = None,
        severities: Collection[Severity] = (),
    ) -> list[Alarm]:
        """Alarms matching every filter given (an empty one matches all), newest first;
        ``household_ids`` None: any household or none; None among them: the community's."""
        query = sa.select(alarms).order_by(alarms.c.raised_at.desc())
        if states:
            query = query.where(alarms.c.state.in_([state.value for state in states]))
        if household_ids is not None:
            named = alarms.c.household_id.in_([id_ for id_ in household_ids if id_ is not None])
            if None in household_ids:
                named = sa.or_(named, alarms.c.household_id.is_(None))
            query = query.where(named)
        if severities:
            query = query.where(alarms.c.severity.in_([severity.value for severity in severities]))
        rows = await self._database.read(lambda session: session.execute(query).mappings().all())
        return [Alarm.from_dict(dict(row)) for row in rows]
