"""What an integration keeps between restarts: JSON records by kind and key.

Home Assistant's integrations keep such things in ``.storage`` files; here they live in
the hub's database, so a community on PostgreSQL backs them up with everything else. An
integration reads its records once at setup and writes each change through (queued, off
the loop); ``await hub.database.flush()`` when the answer to a device must wait for the
record to be safe.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .metering_schema import integration_data

if TYPE_CHECKING:
    from ..hub import Hub


class IntegrationData:
    """The records of integration ``domain``: ``kind`` ("charge_point", "parcel"…) → key →
    a JSON object."""

    def __init__(self, hub: Hub, domain: str) -> None:
        self.hub = hub
        self.domain = domain

    async def load(self, kind: str) -> dict[str, dict[str, Any]]:
        """Every record of ``kind``, by key."""
        table = integration_data
        query = sa.select(table.c.key, table.c.data).where(
            table.c.domain == self.domain, table.c.kind == kind
        )
        rows = await self.hub.database.read(lambda session: session.execute(query).all())
        return dict(rows)

    def save(self, kind: str, key: str, data: Mapping[str, Any]) -> None:
        """Write (or replace) one record: ``data`` as it is now (the write is queued, and
        changes made to it afterwards are not saved). What JSON cannot hold (a set, NaN)
        raises TypeError or ValueError here, rather than failing later on the worker."""
        row = {
            "domain": self.domain,
            "kind": kind,
            "key": key,
            "data": json.loads(json.dumps(dict(data), allow_nan=False)),
            "modified_at": self.hub.clock.time(),
        }

        def replace(session: Session) -> None:
            session.execute(self._where(sa.delete(integration_data), kind, key))
            session.execute(sa.insert(integration_data), row)

        self.hub.database.write(replace, f"{self.domain} {kind} {key}")

    def remove(self, kind: str, key: str) -> None:
        """Delete one record (none there: nothing happens)."""
        statement = self._where(sa.delete(integration_data), kind, key)
        self.hub.database.write(
            lambda session: session.execute(statement), f"removal of {self.domain} {kind} {key}"
        )

    def _where(self, statement: sa.Delete, kind: str, key: str) -> sa.Delete:
        table = integration_data
        return statement.where(
            table.c.domain == self.domain, table.c.kind == kind, table.c.key == key
        )
