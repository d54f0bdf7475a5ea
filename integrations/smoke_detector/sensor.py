"""The detector's battery level."""

from __future__ import annotations

from typing import TYPE_CHECKING

from linli.entities import EntityCategory
from linli.entities.sensor import SensorDeviceClass, SensorEntity, SensorStateClass

from .const import DOMAIN
from .detector import Detector
from .entity import DetectorEntity

if TYPE_CHECKING:
    from linli.config_entries import ConfigEntry
    from linli.hub import Hub
    from linli.integrations.mqtt.models import AddEntities


class BatterySensor(DetectorEntity, SensorEntity):
    _attr_name = "Battery"
    _attr_device_class = SensorDeviceClass.battery
    _attr_unit_of_measurement = "%"
    _attr_state_class = SensorStateClass.measurement
    _attr_entity_category = EntityCategory.diagnostic

    @property
    def native_value(self) -> int | float | None:
        return self._detector.state.get("battery")


async def async_setup_entry(hub: Hub, entry: ConfigEntry, add_entities: AddEntities) -> None:
    detector: Detector = hub.data[DOMAIN][entry.id]
    await add_entities([BatterySensor(detector, "battery", entry.unique_id or entry.id)])
