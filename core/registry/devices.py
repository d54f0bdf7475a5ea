"""The device registry: every physical or virtual device, found by its identifiers.

An integration describes a device by ``identifiers`` ((domain, id) pairs it controls,
e.g. ("wristband", serial)) and ``connections`` ((type, address) pairs, e.g. ("mac", …));
any one of them finds the device again. Removing a device removes its entities (the
entity registry listens for ``device_registry_updated``) and unhooks devices connected
through it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from ..exceptions import RegistryError
from ..storage import schema
from .areas import EVENT_AREA_REGISTRY_UPDATED
from .base import Registry, check_field_names, coerce_enum, new_id
from .store import optional

if TYPE_CHECKING:
    from ..hub import Hub

EVENT_DEVICE_REGISTRY_UPDATED: Final = "device_registry_updated"

Pairs = frozenset[tuple[str, str]]


class DeviceDisabledBy(StrEnum):
    user = "user"
    integration = "integration"
    config_entry = "config_entry"


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceEntry:
    id: str
    identifiers: Pairs
    connections: Pairs
    manufacturer: str | None = None
    model: str | None = None
    name: str | None = None
    name_by_user: str | None = None
    sw_version: str | None = None
    hw_version: str | None = None
    household_id: str | None = None
    area_id: str | None = None
    # the device this one reaches the hub through (a wristband's gateway)
    via_device_id: str | None = None
    config_entry_ids: frozenset[str] = frozenset()
    disabled_by: DeviceDisabledBy | None = None
    created_at: float
    modified_at: float


# What an integration tells about a device in get_or_create.
REPORTED_FIELDS: Final = frozenset(
    {"manufacturer", "model", "name", "sw_version", "hw_version", "household_id", "via_device_id"}
)
# Set by get_or_create on a new device only: later they are the user's choice.
INITIAL_FIELDS: Final = frozenset({"area_id", "disabled_by"})
UPDATABLE_FIELDS: Final = frozenset(
    {"identifiers", "connections", "name_by_user", "config_entry_ids"}
).union(REPORTED_FIELDS, INITIAL_FIELDS)


def _pairs(items: Iterable[Any], field: str, where: str) -> Pairs:
    """Identifiers or connections as a set of (str, str) pairs; refuse anything else."""
    pairs = set()
    for item in items:
        if (
            not isinstance(item, tuple | list)
            or len(item) != 2
            or not all(isinstance(part, str) and part for part in item)
        ):
            raise RegistryError(
                f"Device {field} {item!r} must be a pair of non-empty strings, e.g. "
                f"('zigbee', '00:15:8d:00:01:02:03:04') ({where})"
            )
        pairs.add((item[0], item[1]))
    return frozenset(pairs)


def _decode_pairs(value: list[list[str]]) -> Pairs:
    return frozenset((first, second) for first, second in value)


class DeviceRegistry(Registry[DeviceEntry]):
    """Devices by id, identifier, connection, household, area and via device."""

    record_name = "Device"
    event_type = EVENT_DEVICE_REGISTRY_UPDATED
    event_id_key = "device_id"
    indexed_fields = ("household_id", "area_id", "via_device_id")

    def __init__(self, hub: Hub) -> None:
        super().__init__(
            hub,
            schema.devices,
            DeviceEntry,
            {
                "identifiers": _decode_pairs,
                "connections": _decode_pairs,
                "config_entry_ids": frozenset,
                "disabled_by": optional(DeviceDisabledBy),
            },
        )
        self._by_identifier: dict[tuple[str, str], str] = {}
        self._by_connection: dict[tuple[str, str], str] = {}
        self._clear_when_removed(EVENT_AREA_REGISTRY_UPDATED, "area_id")

    def get_by_identifier(self, domain: str, value: str) -> DeviceEntry | None:
        device_id = self._by_identifier.get((domain, value))
        return None if device_id is None else self._records[device_id]

    def get_by_connection(self, connection_type: str, value: str) -> DeviceEntry | None:
        device_id = self._by_connection.get((connection_type, value))
        return None if device_id is None else self._records[device_id]

    def devices_of_household(self, household_id: str) -> list[DeviceEntry]:
        return self._select("household_id", household_id)

    def devices_in_area(self, area_id: str) -> list[DeviceEntry]:
        return self._select("area_id", area_id)

    def describe(self, record: DeviceEntry) -> str:
        return f"device {record.name_by_user or record.name or record.model or record.id}"

    def get_or_create(
        self,
        *,
        identifiers: Iterable[tuple[str, str]] = (),
        connections: Iterable[tuple[str, str]] = (),
        config_entry_id: str | None = None,
        **fields: Any,
    ) -> DeviceEntry:
        """The device with any of ``identifiers`` or ``connections``, updated; else a new one.

        An existing device takes the ``fields`` given and gains the identifiers,
        connections and config entry it did not have yet; ``area_id`` and ``disabled_by``
        only apply to a new device (afterwards they are the user's to change).
        """
        where = f"device {fields.get('name') or fields.get('model') or 'without a name'}"
        check_field_names(fields, REPORTED_FIELDS | INITIAL_FIELDS, where)
        identifier_set = _pairs(identifiers, "identifier", where)
        connection_set = _pairs(connections, "connection", where)
        config_entry_ids = frozenset({config_entry_id} if config_entry_id else ())
        fields = self._normalized(fields, where)
        device = self._find(identifier_set, connection_set)
        if device is None:
            now = self.hub.clock.time()
            return self._add(
                DeviceEntry(
                    id=new_id(),
                    identifiers=identifier_set,
                    connections=connection_set,
                    config_entry_ids=config_entry_ids,
                    created_at=now,
                    modified_at=now,
                    **fields,
                )
            )
        changes = {field: value for field, value in fields.items() if field in REPORTED_FIELDS}
        changes["identifiers"] = device.identifiers | identifier_set
        changes["connections"] = device.connections | connection_set
        changes["config_entry_ids"] = device.config_entry_ids | config_entry_ids
        return self._change(device, changes)

    def update(self, device_id: str, **changes: Any) -> DeviceEntry:
        """Change fields of a device; ``identifiers`` and ``connections`` replace the sets."""
        device = self.require(device_id)
        where = self.describe(device)
        check_field_names(changes, UPDATABLE_FIELDS, where)
        return self._change(device, self._normalized(changes, where))

    def remove(self, device_id: str) -> None:
        """Remove a device, its entities, and the link of devices connected through it."""
        device = self.require(device_id)
        self._clear_references("via_device_id", device_id)
        self._delete(device)

    def _normalized(self, fields: dict[str, Any], where: str) -> dict[str, Any]:
        """``fields`` with sets and enums in the types a :class:`DeviceEntry` holds."""
        for field in ("identifiers", "connections"):
            if field in fields:
                fields[field] = _pairs(fields[field], field.removesuffix("s"), where)
        if "config_entry_ids" in fields:
            fields["config_entry_ids"] = frozenset(fields["config_entry_ids"])
        if fields.get("disabled_by") is not None:
            fields["disabled_by"] = coerce_enum(
                DeviceDisabledBy, fields["disabled_by"], "disabled_by", where
            )
        return fields

    def _find(self, identifiers: Pairs, connections: Pairs) -> DeviceEntry | None:
        for identifier in identifiers:
            if (device_id := self._by_identifier.get(identifier)) is not None:
                return self._records[device_id]
        for connection in connections:
            if (device_id := self._by_connection.get(connection)) is not None:
                return self._records[device_id]
        return None

    def _check(self, record: DeviceEntry) -> None:
        where = self.describe(record)
        if not record.identifiers and not record.connections:
            raise RegistryError(f"A device needs at least one identifier or connection ({where})")
        for field, pairs, index in (
            ("identifier", record.identifiers, self._by_identifier),
            ("connection", record.connections, self._by_connection),
        ):
            for pair in pairs:
                owner = index.get(pair, record.id)
                if owner != record.id:
                    raise RegistryError(
                        f"The {field} {pair!r} already belongs to "
                        f"{self.describe(self._records[owner])} ({where})"
                    )
        if record.area_id is not None:
            self.hub.areas.require(record.area_id, where)
        if record.via_device_id is not None:
            via = self.require(record.via_device_id, where)
            if any(device.id == record.id for device in self._chain(via.id, "via_device_id")):
                raise RegistryError(
                    f"Cannot connect {where} through {self.describe(via)}: "
                    "a device cannot reach the hub through itself"
                )

    def _index(self, record: DeviceEntry) -> None:
        super()._index(record)
        for identifier in record.identifiers:
            self._by_identifier[identifier] = record.id
        for connection in record.connections:
            self._by_connection[connection] = record.id

    def _unindex(self, record: DeviceEntry) -> None:
        super()._unindex(record)
        for identifier in record.identifiers:
            del self._by_identifier[identifier]
        for connection in record.connections:
            del self._by_connection[connection]
