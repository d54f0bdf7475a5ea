"""Write-through of a registry's records to its table: load all at start, then upserts.

A table's columns carry the names of the record's fields. Sets become sorted JSON lists
and enums their values; ``decoders`` turn stored values back into field values.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from enum import Enum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..exceptions import DatabaseError

if TYPE_CHECKING:
    from ..storage.database import Database

E = TypeVar("E")

Decoder = Callable[[Any], Any]

# The dialects linli runs on, each with its INSERT … ON CONFLICT construct.
_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


@functools.cache
def upsert_statement(table: sa.Table, dialect: str) -> sa.Executable:
    """INSERT … ON CONFLICT DO UPDATE for ``table``, built once, then run with each row.

    Building a statement costs more than running it; the database worker runs one per change.
    """
    if dialect not in _INSERTS:
        raise DatabaseError(f"linli stores its data in SQLite or PostgreSQL, not {dialect}")
    insert = _INSERTS[dialect](table)
    changes = {
        column.name: insert.excluded[column.name] for column in table.c if not column.primary_key
    }
    return insert.on_conflict_do_update(index_elements=list(table.primary_key), set_=changes)


def optional(decode: Decoder) -> Decoder:
    """``decode``, except that NULL stays None."""
    return lambda value: None if value is None else decode(value)


def plain_value(value: Any) -> Any:
    """A record's field value as plain data (the database's and the API's JSON): sets become
    sorted lists (pairs as lists), enums their value."""
    if isinstance(value, frozenset):
        return sorted(list(item) if isinstance(item, tuple) else item for item in value)
    if isinstance(value, Enum):
        return value.value
    return value


class TableStore(Generic[E]):
    """One registry's table: records in, records out, never on the event loop."""

    def __init__(
        self,
        database: Database,
        table: sa.Table,
        record_type: Callable[..., E],
        decoders: Mapping[str, Decoder],
    ) -> None:
        self._database = database
        self._table = table
        self._record_type = record_type
        self._decoders = decoders
        self._delete = sa.delete(table).where(table.c.id == sa.bindparam("id"))

    async def load(self) -> list[E]:
        """Every stored record, oldest first (one query)."""
        return await self._database.read(self._read_all)

    def _read_all(self, session: Session) -> list[E]:
        query = sa.select(self._table).order_by(self._table.c.created_at)
        decoders = self._decoders
        return [
            self._record_type(
                **{
                    name: decoders[name](value) if name in decoders else value
                    for name, value in row.items()
                }
            )
            for row in session.execute(query).mappings()
        ]

    def save(self, record: E, what: str) -> None:
        """Queue an insert-or-update of ``record`` (``what`` names it in error logs).

        Records are immutable, so the worker thread turns it into a row, not the loop.
        """

        def upsert(session: Session) -> None:
            row = {
                column.name: plain_value(getattr(record, column.name)) for column in self._table.c
            }
            dialect = session.get_bind().dialect.name
            session.execute(upsert_statement(self._table, dialect), row)

        self._database.write(upsert, what)

    def delete(self, record_id: str, what: str) -> None:
        """Queue the deletion of the row with id ``record_id``."""
        self._database.write(lambda session: session.execute(self._delete, {"id": record_id}), what)
