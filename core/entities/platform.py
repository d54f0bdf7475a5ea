"""EntityPlatform: one integration's entities of one platform domain, for one config entry.

The platform adds entities (device and entity registry, then state), polls those that
poll, and removes them again when its config entry is unloaded or removed. Every added
entity of a hub is also in one per-hub index by entity_id, which entity services use and
which follows the entity registry: an entity the user disables, or whose device is
removed, goes away; one the user renames moves to its new entity_id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final

from ..const import EVENT_HUB_STOP
from ..events import Event, EventData, Unsubscribe
from ..helpers.event import track_time_interval
from ..registry.devices import DeviceEntry
from ..registry.entities import EVENT_ENTITY_REGISTRY_UPDATED, DisabledBy
from ..slug import slugify
from .entity import DeviceInfo, Entity
from .services import register_entity_services

if TYPE_CHECKING:
    from ..hub import Hub

_LOGGER = logging.getLogger(__name__)

DEFAULT_SCAN_INTERVAL: Final = timedelta(seconds=30)
DEFAULT_PARALLEL_UPDATES: Final = 1

_INDEX = "entities.index"

_DEVICE_FIELDS: Final = ("manufacturer", "model", "name", "sw_version", "hw_version", "area_id")


class _EntityIndex:
    """Every added entity of one hub, by entity_id; follows changes in the entity registry."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.entities: dict[str, Entity] = {}
        hub.bus.listen(EVENT_ENTITY_REGISTRY_UPDATED, self._registry_updated, self._is_added)

    def _is_added(self, data: EventData) -> bool:
        return data["entity_id"] in self.entities or data.get("old_entity_id") in self.entities

    def _registry_updated(self, event: Event) -> None:
        entity_id = event.data.get("old_entity_id", event.data["entity_id"])
        entity = self.entities[entity_id]
        platform = entity.platform
        if platform is None:
            return
        entry = self.hub.entities.get(event.data["entity_id"])
        if entry is None or entry.disabled_by is not None:
            self.hub.create_task(platform.remove_entity(entity_id), f"remove {entity_id}")
            return
        if entry.entity_id != entity_id:
            self.entities[entry.entity_id] = self.entities.pop(entity_id)
            platform.entities[entry.entity_id] = platform.entities.pop(entity_id)
            self.hub.states.remove(entity_id)
            entity.entity_id = entry.entity_id
        entity.registry_entry = entry
        entity.write_state()


def _entity_index(hub: Hub) -> _EntityIndex:
    index = hub.data.get(_INDEX)
    if index is None:
        index = hub.data[_INDEX] = _EntityIndex(hub)
    return index


def write_states_again(hub: Hub, entity_ids: Iterable[str]) -> None:
    """Write again the state of each of ``entity_ids`` that is added to the hub: what it
    may show has changed (e.g. consent for its data was given or withdrawn)."""
    entities = _entity_index(hub).entities
    for entity_id in entity_ids:
        if (entity := entities.get(entity_id)) is not None:
            entity.write_state()


class EntityPlatform:
    """The entities of ``domain`` (e.g. "sensor") that integration ``platform_name`` provides.

    ``scan_interval`` and ``parallel_updates`` default to ``SCAN_INTERVAL`` and
    ``PARALLEL_UPDATES`` of the integration's ``platform_module`` if it has them, else to
    30 seconds and 1. ``parallel_updates=0`` lets every update run at once.
    """

    def __init__(
        self,
        hub: Hub,
        domain: str,
        platform_name: str,
        *,
        config_entry_id: str | None = None,
        household_id: str | None = None,
        platform_module: ModuleType | None = None,
        scan_interval: timedelta | None = None,
        parallel_updates: int | None = None,
    ) -> None:
        self.hub = hub
        self.domain = domain
        self.platform_name = platform_name
        self.config_entry_id = config_entry_id
        self.household_id = household_id
        self.scan_interval: timedelta = scan_interval or getattr(
            platform_module, "SCAN_INTERVAL", DEFAULT_SCAN_INTERVAL
        )
        if parallel_updates is None:
            parallel_updates = getattr(
                platform_module, "PARALLEL_UPDATES", DEFAULT_PARALLEL_UPDATES
            )
        self.parallel_updates: int = parallel_updates
        self._semaphore = asyncio.Semaphore(parallel_updates) if parallel_updates > 0 else None
        self.entities: dict[str, Entity] = {}
        self._index = _entity_index(hub)
        self._stop_polling: list[Unsubscribe] = []
        self._poll_task: asyncio.Task[None] | None = None

    def __repr__(self) -> str:
        return f"<EntityPlatform {self.domain}.{self.platform_name} entry={self.config_entry_id}>"

    async def add_entities(
        self, entities: Iterable[Entity], update_before_add: bool = False
    ) -> None:
        """Register the entities and their devices, then write their first states.

        Entities the registry has disabled are left out. An entity that cannot be added
        (invalid device info, a duplicate unique_id, a failing ``async_added_to_hub``) is
        logged and left out; the others are added.
        """
        entities = list(entities)
        for entity in entities:
            if entity.platform_domain not in (None, self.domain):
                raise TypeError(
                    f"{type(entity).__name__} is a {entity.platform_domain} entity: it cannot be "
                    f"added to the {self.domain} platform of {self.platform_name}"
                )
            if entity.entity_services:
                register_entity_services(
                    self.hub, self.domain, entity.entity_services, self._index.entities
                )
        batch: dict[str, Entity] = {}
        for entity in entities:
            try:
                self._prepare(entity, batch)
            except Exception:
                _LOGGER.exception("Cannot add %r of %s", entity, self.platform_name)
        if update_before_add:
            await asyncio.gather(*(self._update(entity) for entity in batch.values()))
        for entity_id, entity in batch.items():
            self.entities[entity_id] = self._index.entities[entity_id] = entity
            try:
                await entity.async_added_to_hub()
                entity.write_state()
            except Exception:
                _LOGGER.exception("Cannot add %s of %s", entity_id, self.platform_name)
                await self.remove_entity(entity_id)
        self._start_polling()

    async def remove_entity(self, entity_id: str, *, from_registry: bool = False) -> None:
        """Remove one entity: its hooks run, its state goes, and its registry entry if asked."""
        entity = self.entities.pop(entity_id, None)
        if entity is None:
            return
        del self._index.entities[entity_id]
        entity._removed = True
        if self._stop_polling and not any(other.should_poll for other in self.entities.values()):
            self._cancel_polling()  # (checked only while polling: removing all is not n²)
        try:
            await entity.async_will_remove_from_hub()
        except Exception:
            _LOGGER.exception("Error removing %s", entity_id)
        for callback in entity._on_remove or ():
            try:
                callback()
            except Exception:
                _LOGGER.exception("Error in a removal callback of %s", entity_id)
        self.hub.states.remove(entity_id)
        if from_registry and self.hub.entities.get(entity_id) is not None:
            self.hub.entities.remove(entity_id)

    async def remove_entities(self, *, from_registry: bool = False) -> None:
        """Remove every entity and stop polling; ``from_registry`` when the entry is removed."""
        for entity_id in list(self.entities):
            await self.remove_entity(entity_id, from_registry=from_registry)
        self._cancel_polling()
        if self._poll_task is not None:
            self._poll_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poll_task
            self._poll_task = None

    async def reset(self) -> None:
        """Unload: remove every entity's state and stop polling; the registry keeps them."""
        await self.remove_entities(from_registry=False)

    def _prepare(self, entity: Entity, batch: dict[str, Entity]) -> None:
        """Give ``entity`` its entity_id, registry entry and device, and put it in ``batch``."""
        if entity.hub is not None:
            raise ValueError(f"{entity!r} is already added to a hub")
        registry_entry = device = None
        if entity.unique_id is None:
            entity_id = self._generated_entity_id(entity, batch)
        else:
            if entity.device_info is not None:
                device = self._device(entity.device_info)
            registry_entry = self.hub.entities.get_or_create(
                self.domain,
                self.platform_name,
                entity.unique_id,
                suggested_object_id=entity.friendly_name,
                device_id=device.id if device else None,
                household_id=self.household_id or (entity.device_info or {}).get("household_id"),
                config_entry_id=self.config_entry_id,
                original_name=entity.name,
                device_class=entity.device_class,
                unit_of_measurement=entity.unit_of_measurement,
                disabled_by=None
                if entity.entity_registry_enabled_default
                else DisabledBy.integration,
            )
            if registry_entry.disabled_by is not None:
                _LOGGER.debug(
                    "Not adding %s: disabled by %s",
                    registry_entry.entity_id,
                    registry_entry.disabled_by,
                )
                return
            entity_id = registry_entry.entity_id
        if entity_id in batch or entity_id in self._index.entities:
            raise ValueError(
                f"{entity_id} already exists: {self.platform_name} gave the unique_id "
                f"{entity.unique_id!r} to two entities"
            )
        entity.hub, entity.platform, entity.entity_id = self.hub, self, entity_id
        entity.registry_entry, entity.device_entry = registry_entry, device
        batch[entity_id] = entity

    def _device(self, info: DeviceInfo) -> DeviceEntry:
        """The registry's device for ``info``, created or updated."""
        fields: dict[str, Any] = {
            field: info[field] for field in _DEVICE_FIELDS if info.get(field) is not None
        }
        if household_id := info.get("household_id") or self.household_id:
            fields["household_id"] = household_id
        if (via := info.get("via_device")) is not None:
            via_device = self.hub.devices.get_by_identifier(*via)
            if via_device is None:
                _LOGGER.warning("The via_device %s of %s is not registered", via, info)
            else:
                fields["via_device_id"] = via_device.id
        return self.hub.devices.get_or_create(
            identifiers=info.get("identifiers", ()),
            connections=info.get("connections", ()),
            config_entry_id=self.config_entry_id,
            **fields,
        )

    def _generated_entity_id(self, entity: Entity, batch: dict[str, Entity]) -> str:
        """An entity_id from the name, for an entity without unique_id (none is registered)."""
        base = f"{self.domain}.{slugify(entity.friendly_name or '') or self.platform_name}"
        entity_id, number = base, 2
        while (
            entity_id in batch
            or entity_id in self._index.entities
            or self.hub.states.get(entity_id) is not None
            or self.hub.entities.get(entity_id) is not None
        ):
            entity_id, number = f"{base}_{number}", number + 1
        return entity_id

    def _start_polling(self) -> None:
        if self._stop_polling or not any(entity.should_poll for entity in self.entities.values()):
            return
        self._stop_polling = [
            track_time_interval(self.hub, self._poll, self.scan_interval),
            self.hub.bus.listen_once(EVENT_HUB_STOP, lambda _event: self._cancel_polling()),
        ]

    def _cancel_polling(self) -> None:
        for stop in self._stop_polling:
            stop()
        self._stop_polling = []

    def _poll(self, _now: datetime) -> None:
        """Update the polling entities, unless the previous poll is still running."""
        if self._poll_task is not None and not self._poll_task.done():
            _LOGGER.warning(
                "Updating the %s entities of %s takes longer than the scan interval (%s): "
                "skipping this poll",
                self.domain,
                self.platform_name,
                self.scan_interval,
            )
            return
        polled = [entity for entity in self.entities.values() if entity.should_poll]
        self._poll_task = self.hub.create_task(
            self._update_all(polled), f"poll {self.domain} of {self.platform_name}"
        )

    async def _update_all(self, entities: list[Entity]) -> None:
        await asyncio.gather(*(self._update(entity) for entity in entities))

    async def _update(self, entity: Entity) -> None:
        """Update one entity within the parallel limit and the scan interval; write its state.

        A failing or overrunning update is logged (once, until it recovers) and makes only
        this entity unavailable.
        """
        async with self._semaphore or contextlib.nullcontext():
            limit = asyncio.timeout(self.scan_interval.total_seconds())
            try:
                async with limit:
                    await entity.async_update()
            except Exception:
                if not entity._update_failed:
                    if limit.expired():
                        _LOGGER.warning(
                            "Updating %s took longer than %s; it is unavailable until an "
                            "update succeeds",
                            entity.entity_id,
                            self.scan_interval,
                        )
                    else:
                        _LOGGER.exception(
                            "Updating %s failed; it is unavailable until an update succeeds",
                            entity.entity_id,
                        )
                entity._update_failed = True
            else:
                if entity._update_failed:
                    _LOGGER.info("%s is available again", entity.entity_id)
                entity._update_failed = False
        if entity.entity_id in self.entities:
            try:
                entity.write_state()
            except Exception:
                _LOGGER.exception(
                    "Cannot write the state of %s; it is unavailable", entity.entity_id
                )
                entity._update_failed = True
                entity.write_state()
