"""What the area, device and entity registries share: records in memory, indexes, events.

Records are frozen dataclasses with an ``id``. A change is validated, applied to the
dicts in memory, queued for the database and announced on the bus, all on the event loop
and without awaiting (like Home Assistant's ``@callback`` methods).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

import sqlalchemy as sa

from ..events import Event, EventData
from ..exceptions import RegistryError
from .store import Decoder, TableStore

if TYPE_CHECKING:
    from ..hub import Hub


class Record(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def modified_at(self) -> float: ...


R = TypeVar("R", bound=Record)
S = TypeVar("S", bound=StrEnum)


def new_id() -> str:
    return uuid.uuid4().hex


def coerce_enum(enum_type: type[S], value: Any, field: str, where: str) -> S:
    """``value`` as a member of ``enum_type``; a clear error if it is none of them."""
    try:
        return enum_type(value)
    except ValueError:
        expected = ", ".join(enum_type)
        raise RegistryError(
            f"{value!r} is not a valid {field} ({where}): expected one of {expected}"
        ) from None


def _is_removal(data: EventData) -> bool:
    return data["action"] == "remove"


def check_field_names(names: Iterable[str], allowed: Collection[str], where: str) -> None:
    """Refuse keyword arguments that are no field, or no field the caller may set."""
    if unknown := sorted(set(names).difference(allowed)):
        raise RegistryError(
            f"Unknown field {', '.join(unknown)} ({where}); "
            f"expected any of {', '.join(sorted(allowed))}"
        )


class Registry(Generic[R]):
    """Records of one kind, by id, with an index per field in :attr:`indexed_fields`."""

    #: The record's name in messages, e.g. "Area".
    record_name: ClassVar[str]
    #: Fired on every change with ``action`` ("create", "update", "remove") and the id.
    event_type: ClassVar[str]
    #: The key of the record's id in the event data, e.g. "area_id".
    event_id_key: ClassVar[str]
    #: Fields whose values map to the records holding them (e.g. area -> devices).
    indexed_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        hub: Hub,
        table: sa.Table,
        record_type: Callable[..., R],
        decoders: Mapping[str, Decoder],
    ) -> None:
        self.hub = hub
        self._records: dict[str, R] = {}
        self._indexes: dict[str, dict[Any, dict[str, None]]] = {
            field: {} for field in self.indexed_fields
        }
        self._store = TableStore(hub.database, table, record_type, decoders)

    async def load(self) -> None:
        """Read the stored records into memory; the hub calls this once, at start."""
        for record in await self._store.load():
            self._records[record.id] = record
            self._index(record)

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[R]:
        """Every record, oldest first (a snapshot: changing the registry meanwhile is safe)."""
        return iter(list(self._records.values()))

    def get(self, record_id: str) -> R | None:
        return self._records.get(record_id)

    def require(self, record_id: str, where: str | None = None) -> R:
        """The record ``record_id``, or a :class:`RegistryError` naming it and ``where``."""
        record = self.get(record_id)
        if record is None:
            context = f" ({where})" if where else ""
            raise RegistryError(f"{self.record_name} {record_id!r} does not exist{context}")
        return record

    def describe(self, record: R) -> str:
        """The record in words, for messages and logs, e.g. "device 7号楼 smoke detector"."""
        raise NotImplementedError

    def _check(self, record: R) -> None:
        """Raise :class:`RegistryError` if ``record`` cannot be stored as it is."""
        raise NotImplementedError

    def _select(self, field: str, value: Any) -> list[R]:
        """The records whose indexed ``field`` equals ``value``."""
        records = self._records
        return [records[record_id] for record_id in self._indexes[field].get(value, ())]

    def _chain(self, record_id: str | None, field: str) -> Iterator[R]:
        """The record ``record_id``, then the one its ``field`` names, and so on up."""
        while record_id is not None:
            record = self._records[record_id]
            yield record
            record_id = getattr(record, field)

    def _index(self, record: R) -> None:
        """Add ``record`` to the lookups by field (``_records`` is kept by the caller)."""
        for field, index in self._indexes.items():
            if (value := getattr(record, field)) is not None:
                index.setdefault(value, {})[record.id] = None

    def _unindex(self, record: R) -> None:
        for field, index in self._indexes.items():
            if (value := getattr(record, field)) is not None:
                ids = index[value]
                del ids[record.id]
                if not ids:
                    del index[value]

    def _clear_when_removed(self, event_type: str, field: str) -> None:
        """Keep ``field`` pointing at existing records: clear it when its record goes.

        ``event_type`` is the other registry's event, whose id key is ``field``.
        """

        def removed(event: Event) -> None:
            self._clear_references(field, event.data[field])

        removed.__qualname__ = f"{type(self).__name__}.clear_{field}"
        self.hub.bus.listen(event_type, removed, _is_removal)

    def _clear_references(self, field: str, record_id: str) -> None:
        """Set ``field`` to None on every record that names ``record_id`` there."""
        for record in self._select(field, record_id):
            self._change(record, {field: None})

    def _add(self, record: R) -> R:
        """Check, store and announce a new record."""
        self._check(record)
        self._records[record.id] = record
        self._index(record)
        self._store.save(record, self.describe(record))
        self.hub.bus.fire(self.event_type, self._event_data("create", record, None))
        return record

    def _change(self, record: R, changes: Mapping[str, Any]) -> R:
        """Apply ``changes`` (field -> value) to ``record``; store and announce what differs.

        The update event's ``changes`` holds the old value of every changed field.
        """
        old_values = {
            field: getattr(record, field)
            for field, value in changes.items()
            if getattr(record, field) != value
        }
        if not old_values:
            return record
        new_values = {field: changes[field] for field in old_values}
        updated = replace(record, **new_values, modified_at=self.hub.clock.time())
        self._check(updated)
        self._unindex(record)
        self._records[updated.id] = updated  # keeps its place: records stay oldest first
        self._index(updated)
        self._store.save(updated, self.describe(updated))
        self.hub.bus.fire(self.event_type, self._event_data("update", updated, old_values))
        return updated

    def _delete(self, record: R) -> None:
        """Forget, delete and announce a record."""
        del self._records[record.id]
        self._unindex(record)
        self._store.delete(record.id, self.describe(record))
        self.hub.bus.fire(self.event_type, self._event_data("remove", record, None))

    def _event_id(self, record: R) -> str:
        """The id that events name the record by."""
        return record.id

    def _event_data(
        self, action: str, record: R, old_values: dict[str, Any] | None
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"action": action, self.event_id_key: self._event_id(record)}
        if old_values is not None:
            data["changes"] = old_values
        return data
