"""The entity registry: a stable entity_id for every (domain, platform, unique_id).

An integration registers each entity it provides under its own ``unique_id``; the
registry hands out the ``entity_id`` (``sensor.kitchen_smoke``) once and keeps it, across
restarts and after the user renames it. Entities follow their device: removed with it,
disabled (``disabled_by=device``) while it is disabled.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from ..events import Event, EventData
from ..exceptions import RegistryError
from ..slug import slugify
from ..states import valid_entity_id
from ..storage import schema
from .areas import EVENT_AREA_REGISTRY_UPDATED
from .base import Registry, check_field_names, coerce_enum, new_id
from .devices import EVENT_DEVICE_REGISTRY_UPDATED
from .store import optional

if TYPE_CHECKING:
    from ..hub import Hub

EVENT_ENTITY_REGISTRY_UPDATED: Final = "entity_registry_updated"


class DisabledBy(StrEnum):
    user = "user"
    integration = "integration"
    device = "device"
    config_entry = "config_entry"


class HiddenBy(StrEnum):
    user = "user"
    integration = "integration"


@dataclass(frozen=True, slots=True, kw_only=True)
class EntityEntry:
    id: str  # internal and permanent; entity_id can be renamed
    entity_id: str
    unique_id: str
    platform: str
    device_id: str | None = None
    household_id: str | None = None
    area_id: str | None = None
    config_entry_id: str | None = None
    name: str | None = None  # given by the user; overrides original_name
    original_name: str | None = None  # given by the integration
    device_class: str | None = None
    unit_of_measurement: str | None = None
    disabled_by: DisabledBy | None = None
    hidden_by: HiddenBy | None = None
    created_at: float
    modified_at: float

    @property
    def domain(self) -> str:
        return self.entity_id.partition(".")[0]


UPDATABLE_FIELDS: Final = frozenset(
    {
        "device_id",
        "household_id",
        "area_id",
        "config_entry_id",
        "name",
        "original_name",
        "device_class",
        "unit_of_measurement",
        "disabled_by",
        "hidden_by",
    }
)


def _check_slug(value: Any, what: str, example: str, where: str) -> None:
    if not isinstance(value, str) or not value or slugify(value) != value:
        raise RegistryError(
            f"{value!r} is not a valid {what} ({where}): use lower-case letters, digits and "
            f"single underscores, e.g. {example!r}"
        )


def _disables_or_removes(data: EventData) -> bool:
    """Event filter: a device was removed, or disabled or enabled."""
    return data["action"] == "remove" or "disabled_by" in data.get("changes", ())


class EntityRegistry(Registry[EntityEntry]):
    """Entities by entity_id, by (domain, platform, unique_id), device, household, area."""

    record_name = "Entity"
    event_type = EVENT_ENTITY_REGISTRY_UPDATED
    event_id_key = "entity_id"
    indexed_fields = ("device_id", "household_id", "area_id")

    def __init__(self, hub: Hub) -> None:
        super().__init__(
            hub,
            schema.entities,
            EntityEntry,
            {"disabled_by": optional(DisabledBy), "hidden_by": optional(HiddenBy)},
        )
        self._by_entity_id: dict[str, str] = {}
        self._by_key: dict[tuple[str, str, str], str] = {}
        # base entity_id -> the lowest number that may be free: a thousand wristbands all
        # named "Heart rate" must not each try _2 … _999 first
        self._next_number: dict[str, int] = {}
        self._clear_when_removed(EVENT_AREA_REGISTRY_UPDATED, "area_id")
        hub.bus.listen(EVENT_DEVICE_REGISTRY_UPDATED, self._device_changed, _disables_or_removes)

    def get(self, entity_id: str) -> EntityEntry | None:
        """The entity registered as ``entity_id``."""
        record_id = self._by_entity_id.get(entity_id)
        return None if record_id is None else self._records[record_id]

    def get_entity_id(self, domain: str, platform: str, unique_id: str) -> str | None:
        """The entity_id of a platform's entity, if it is registered."""
        record_id = self._by_key.get((domain, platform, unique_id))
        return None if record_id is None else self._records[record_id].entity_id

    def entities_of_device(self, device_id: str) -> list[EntityEntry]:
        return self._select("device_id", device_id)

    def entities_of_household(self, household_id: str) -> list[EntityEntry]:
        return self._select("household_id", household_id)

    def entities_in_area(self, area_id: str) -> list[EntityEntry]:
        return self._select("area_id", area_id)

    def describe(self, record: EntityEntry) -> str:
        return f"entity {record.entity_id}"

    def get_or_create(
        self,
        domain: str,
        platform: str,
        unique_id: str,
        *,
        suggested_object_id: str | None = None,
        device_id: str | None = None,
        household_id: str | None = None,
        area_id: str | None = None,
        config_entry_id: str | None = None,
        original_name: str | None = None,
        device_class: str | None = None,
        unit_of_measurement: str | None = None,
        disabled_by: DisabledBy | str | None = None,
        hidden_by: HiddenBy | str | None = None,
    ) -> EntityEntry:
        """The entity ``platform`` registers as ``unique_id`` in ``domain``, made if new.

        An existing entity takes the integration's values that are not None (device,
        household, config entry, original name, device class, unit). The object id
        suggestion, area, ``disabled_by`` and ``hidden_by`` only apply to a new entity:
        afterwards they are the user's to change.
        """
        where = f"{domain} {unique_id!r} of platform {platform!r}"
        _check_slug(domain, "domain", "sensor", where)
        _check_slug(platform, "platform", "mqtt", where)
        if not isinstance(unique_id, str) or not unique_id:
            raise RegistryError(f"The unique_id must be a non-empty string ({where})")
        reported = {
            field: value
            for field, value in (
                ("device_id", device_id),
                ("household_id", household_id),
                ("config_entry_id", config_entry_id),
                ("original_name", original_name),
                ("device_class", device_class),
                ("unit_of_measurement", unit_of_measurement),
            )
            if value is not None
        }
        if (record_id := self._by_key.get((domain, platform, unique_id))) is not None:
            return self._change(self._records[record_id], reported)
        if disabled_by is None and device_id is not None:
            device = self.hub.devices.get(device_id)
            if device is not None and device.disabled_by is not None:
                disabled_by = DisabledBy.device
        object_id = slugify(suggested_object_id or original_name or "")
        now = self.hub.clock.time()
        return self._add(
            EntityEntry(
                id=new_id(),
                entity_id=self._free_entity_id(
                    domain, object_id or slugify(f"{platform}_{unique_id}")
                ),
                unique_id=unique_id,
                platform=platform,
                area_id=area_id,
                created_at=now,
                modified_at=now,
                **reported,
                **self._normalized({"disabled_by": disabled_by, "hidden_by": hidden_by}, where),
            )
        )

    def update(
        self, entity_id: str, *, new_entity_id: str | None = None, **changes: Any
    ) -> EntityEntry:
        """Change fields of an entity, or rename it to ``new_entity_id`` (same domain).

        The state under the old entity_id stays where it is.
        """
        entry = self.require(entity_id)
        where = self.describe(entry)
        check_field_names(changes, UPDATABLE_FIELDS, where)
        changes = self._normalized(changes, where)
        if new_entity_id is not None and new_entity_id != entity_id:
            self._check_new_entity_id(entry, new_entity_id)
            changes["entity_id"] = new_entity_id
        return self._change(entry, changes)

    def remove(self, entity_id: str) -> None:
        self._delete(self.require(entity_id))

    def _free_entity_id(self, domain: str, object_id: str) -> str:
        """``domain.object_id``, or with the lowest free ``_2``, ``_3``… if that is taken."""
        base = f"{domain}.{object_id}"
        if base not in self._by_entity_id:
            return base
        number = self._next_number.get(base, 2)
        while f"{base}_{number}" in self._by_entity_id:
            number += 1
        self._next_number[base] = number + 1
        return f"{base}_{number}"

    def _check_new_entity_id(self, entry: EntityEntry, new_entity_id: str) -> None:
        refusal = f"Cannot rename {entry.entity_id} to {new_entity_id!r}"
        if not valid_entity_id(new_entity_id):
            raise RegistryError(
                f"{refusal}: an entity id is 'domain.object_id' in lower-case letters, digits "
                "and single underscores, e.g. 'sensor.kitchen_smoke'"
            )
        if new_entity_id.partition(".")[0] != entry.domain:
            raise RegistryError(f"{refusal}: the domain must stay {entry.domain!r}")
        if (taken := self.get(new_entity_id)) is not None:
            raise RegistryError(
                f"{refusal}: it is taken by the {taken.platform} entity {taken.unique_id!r}"
            )

    def _normalized(self, fields: dict[str, Any], where: str) -> dict[str, Any]:
        """``fields`` with ``disabled_by`` and ``hidden_by`` as their enums."""
        for field, enum_type in (("disabled_by", DisabledBy), ("hidden_by", HiddenBy)):
            if fields.get(field) is not None:
                fields[field] = coerce_enum(enum_type, fields[field], field, where)
        return fields

    def _check(self, record: EntityEntry) -> None:
        where = self.describe(record)
        if record.device_id is not None:
            self.hub.devices.require(record.device_id, where)
        if record.area_id is not None:
            self.hub.areas.require(record.area_id, where)

    def _index(self, record: EntityEntry) -> None:
        super()._index(record)
        self._by_entity_id[record.entity_id] = record.id
        self._by_key[(record.domain, record.platform, record.unique_id)] = record.id

    def _unindex(self, record: EntityEntry) -> None:
        super()._unindex(record)
        del self._by_entity_id[record.entity_id]
        del self._by_key[(record.domain, record.platform, record.unique_id)]
        base, _, number = record.entity_id.rpartition("_")
        if number.isdecimal() and int(number) < self._next_number.get(base, 0):
            self._next_number[base] = int(number)

    def _event_id(self, record: EntityEntry) -> str:
        return record.entity_id

    def _event_data(
        self, action: str, record: EntityEntry, old_values: dict[str, Any] | None
    ) -> dict[str, Any]:
        data = super()._event_data(action, record, old_values)
        if old_values is not None and "entity_id" in old_values:
            data["old_entity_id"] = old_values["entity_id"]
        return data

    def _device_changed(self, event: Event) -> None:
        """Remove the entities of a removed device; disable or enable them with it."""
        device_id = event.data["device_id"]
        if event.data["action"] == "remove":
            for entry in self.entities_of_device(device_id):
                self._delete(entry)
            return
        if self.hub.devices.require(device_id).disabled_by is None:
            old, new = DisabledBy.device, None
        else:
            old, new = None, DisabledBy.device
        for entry in self.entities_of_device(device_id):
            if entry.disabled_by is old:
                self._change(entry, {"disabled_by": new})
