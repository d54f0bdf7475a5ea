"""Where a watch is: its latest GPS fix."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from linli.entities import EntityDescription
from linli.entities.device_tracker import TrackerEntity

from .const import DOMAIN, GPS_ACCURACY_METERS
from .entity import WatchEntity
from .fleet import Watch

if TYPE_CHECKING:
    from linli.config_entries import ConfigEntry
    from linli.hub import Hub

LOCATION = EntityDescription(key="location", translation_key="location", name="Location")


class WatchLocation(WatchEntity, TrackerEntity):
    """The latest report with a GPS fix; ``gps_fix`` says whether the latest report had
    one (if not, the location shown is older than the report)."""

    _attr_location_accuracy = GPS_ACCURACY_METERS

    @property
    def latitude(self) -> float | None:
        position = self.watch.position
        return None if position is None else position.latitude

    @property
    def longitude(self) -> float | None:
        position = self.watch.position
        return None if position is None else position.longitude

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        position = self.watch.position
        if position is None:
            return None
        return {
            "gps_fix": self.watch.gps_fix,
            "fix_time": None if position.time is None else position.time.isoformat(),
            "satellites": position.satellites,
            "speed": position.speed,
            "direction": position.direction,
            "altitude": position.altitude,
        }


async def async_setup_entry(
    hub: Hub, entry: ConfigEntry, add_entities: Callable[[list[TrackerEntity]], Awaitable[None]]
) -> None:
    async def add(watch: Watch) -> None:
        await add_entities([WatchLocation(watch, LOCATION)])

    await hub.data[DOMAIN][entry.id].fleet.add_platform(add)
