"""A household's data as one JSON document: everything the hub keeps about it, for the
household to take along (a copy of one's personal information, on request).

The document is an object of sections, each made by an *exporter* registered under the
section's name. The core registers the household (unit, members, their accounts),
devices, entities with their current states, history, consents and audit records; other
modules add theirs when they are imported, e.g. the governance module its ballots::

    @exporter("ballots")
    async def export_ballots(hub: Hub, household: HouseholdEntry) -> Any:
        return [...]  # plain JSON values

A module that is not there adds no section: nothing else needs to know.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from ..audit import AuditRecord
from ..recorder import history
from ..registry.base import Record
from ..registry.store import plain_value
from ..states import State
from .households import HouseholdEntry

if TYPE_CHECKING:
    from ..hub import Hub
    from ..registry.devices import DeviceEntry
    from ..registry.entities import EntityEntry

FORMAT: Final = "linli.household_export"
VERSION: Final = 1
_EPOCH: Final = datetime.fromtimestamp(0, UTC)

Exporter = Callable[["Hub", HouseholdEntry], Awaitable[Any]]

#: section name -> the exporter that makes it, in the order the document lists them.
EXPORTERS: dict[str, Exporter] = {}


def exporter(name: str) -> Callable[[Exporter], Exporter]:
    """Register the decorated coroutine function as the exporter of section ``name``."""

    def register(function: Exporter) -> Exporter:
        registered = EXPORTERS.get(name)
        if registered is not None and _name(registered) != _name(function):
            raise ValueError(f"The export section {name!r} is made by {_name(registered)}")
        EXPORTERS[name] = function
        return function

    return register


def _name(function: Exporter) -> str:
    return f"{function.__module__}.{function.__qualname__}"


async def export_household(hub: Hub, household_id: str) -> dict[str, Any]:
    """The household's data: ``format``, ``version``, ``exported_at``, then every section.

    Raises :class:`~linli.exceptions.RegistryError` if there is no such household.
    """
    household = hub.community.households.require(household_id)
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": hub.clock.now().isoformat(),
    }
    for name, export in EXPORTERS.items():
        document[name] = await export(hub, household)
    return document


def plain_record(record: Record) -> dict[str, Any]:
    return {item.name: plain_value(getattr(record, item.name)) for item in fields(record)}


def household_entities(hub: Hub, household: HouseholdEntry) -> list[EntityEntry]:
    """The household's entities: its own, its devices', and those whose data subject is
    one of its members."""
    found = {entry.entity_id: entry for entry in hub.entities.entities_of_household(household.id)}
    for device in hub.devices.devices_of_household(household.id):
        found.update((e.entity_id, e) for e in hub.entities.entities_of_device(device.id))
    for member in hub.community.members.members_of(household.id):
        found.update((e.entity_id, e) for e in hub.consent.entities_of(member.id))
    return list(found.values())


def household_devices(hub: Hub, household: HouseholdEntry) -> list[DeviceEntry]:
    """The household's devices and the devices of its entities."""
    found = {device.id: device for device in hub.devices.devices_of_household(household.id)}
    for entry in household_entities(hub, household):
        if entry.device_id is not None and entry.device_id not in found:
            found[entry.device_id] = hub.devices.require(entry.device_id)
    return list(found.values())


def household_user_ids(hub: Hub, household: HouseholdEntry) -> set[str]:
    members = hub.community.members.members_of(household.id)
    return {member.user_id for member in members if member.user_id is not None}


@exporter("household")
async def _household(hub: Hub, household: HouseholdEntry) -> dict[str, Any]:
    """The household, its unit, its members and their accounts (without password hashes)."""
    unit = None if household.unit_id is None else hub.community.units.get(household.unit_id)
    users = (hub.users.get(user_id) for user_id in sorted(household_user_ids(hub, household)))
    return {
        **plain_record(household),
        "unit": None if unit is None else {**plain_record(unit), "address": unit.address},
        "members": [plain_record(m) for m in hub.community.members.members_of(household.id)],
        "users": [
            {"id": u.id, "username": u.username, "name": u.name, "role": plain_value(u.role)}
            for u in users
            if u is not None
        ],
    }


@exporter("devices")
async def _devices(hub: Hub, household: HouseholdEntry) -> list[dict[str, Any]]:
    return [plain_record(device) for device in household_devices(hub, household)]


@exporter("entities")
async def _entities(hub: Hub, household: HouseholdEntry) -> list[dict[str, Any]]:
    """Each entity's registry entry with its current ``state`` (None when it has none)."""
    found = []
    for entry in household_entities(hub, household):
        state = hub.states.get(entry.entity_id)
        found.append({**plain_record(entry), "state": None if state is None else state.as_dict()})
    return found


@exporter("history")
async def _history(hub: Hub, household: HouseholdEntry) -> dict[str, list[dict[str, Any]]]:
    """entity_id -> every state the recorder kept, oldest first."""
    entity_ids = [entry.entity_id for entry in household_entities(hub, household)]
    if not entity_ids:
        return {}
    found = await history.state_changes(hub, entity_ids, _EPOCH)
    return {
        entity_id: [state.as_dict() for state in states if isinstance(state, State)]
        for entity_id, states in found.items()
    }


@exporter("consents")
async def _consents(hub: Hub, household: HouseholdEntry) -> dict[str, list[dict[str, Any]]]:
    """The members' consents (active and withdrawn) and the devices and entities whose
    data subjects they are."""
    members = hub.community.members.members_of(household.id)
    consent = hub.consent
    return {
        "consents": [
            plain_record(record) for m in members for record in consent.consents.of_member(m.id)
        ],
        "subjects": [
            plain_record(record) for m in members for record in consent.subjects.of_member(m.id)
        ],
    }


@exporter("audit")
async def _audit(hub: Hub, household: HouseholdEntry) -> list[dict[str, Any]]:
    """Audit records by the household's users, or naming the household, one of its members
    or one of its users in their data."""
    user_ids = household_user_ids(hub, household)
    members = hub.community.members.members_of(household.id)
    named = {household.id, *user_ids, *(member.id for member in members)}
    found = []
    for record in await hub.audit.records():
        if record.actor in user_ids or _names_any(record.values, named):
            found.append(audit_record_json(record))
    return found


def audit_record_json(record: AuditRecord) -> dict[str, Any]:
    """An audit record as plain data, its ``data`` parsed."""
    return {
        "seq": record.seq,
        "at": record.at,
        "kind": record.kind,
        "actor": record.actor,
        "data": record.values,
        "prev_hash": record.prev_hash,
        "hash": record.hash,
    }


def _names_any(data: dict[str, Any], ids: set[str]) -> bool:
    """Whether a value of ``data``, or an item of a list there, is one of ``ids``."""
    for value in data.values():
        items = value if isinstance(value, list) else [value]
        if any(isinstance(item, str) and item in ids for item in items):
            return True
    return False
