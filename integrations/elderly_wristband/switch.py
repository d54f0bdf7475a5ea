"""Per watch, the household's choice: an alarm when the wearer leaves the geofence."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from linli.entities import EntityCategory, EntityDescription
from linli.entities.switch import SwitchEntity

from .const import DOMAIN
from .entity import WatchEntity
from .fleet import Watch
from .settings import WatchSettings

if TYPE_CHECKING:
    from linli.config_entries import ConfigEntry
    from linli.hub import Hub

GEOFENCE_ALARM = EntityDescription(
    key="geofence_alarm",
    translation_key="geofence_alarm",
    name="Geofence alarm",
    icon="mdi:map-marker-radius",
    entity_category=EntityCategory.config,
)


class GeofenceAlarmSwitch(WatchEntity, SwitchEntity):
    """Kept in the entry's options, so it survives restarts."""

    def __init__(self, watch: Watch, settings: WatchSettings) -> None:
        super().__init__(watch, GEOFENCE_ALARM)
        self._settings = settings

    @property
    def is_on(self) -> bool:
        return self._settings.geofence_alarm(self.watch.device_id)

    async def async_turn_on(self) -> None:
        self._settings.set_geofence_alarm(self.watch.device_id, True)

    async def async_turn_off(self) -> None:
        self._settings.set_geofence_alarm(self.watch.device_id, False)


async def async_setup_entry(
    hub: Hub, entry: ConfigEntry, add_entities: Callable[[list[SwitchEntity]], Awaitable[None]]
) -> None:
    site = hub.data[DOMAIN][entry.id]

    async def add(watch: Watch) -> None:
        await add_entities([GeofenceAlarmSwitch(watch, site.settings)])

    await site.fleet.add_platform(add)
