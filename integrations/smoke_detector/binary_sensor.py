"""The detector's binary sensors: what it detects, tamper, low battery, trouble."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from linli.entities import EntityCategory
from linli.entities.binary_sensor import BinarySensorDeviceClass, BinarySensorEntity

from .const import CONF_DETECTS, DETECTIONS, DOMAIN
from .detector import TROUBLE_FIELDS, Detector
from .entity import DetectorEntity

if TYPE_CHECKING:
    from linli.config_entries import ConfigEntry
    from linli.hub import Hub
    from linli.integrations.mqtt.models import AddEntities

DEVICE_CLASSES: Final = {
    "smoke": BinarySensorDeviceClass.smoke,
    "gas": BinarySensorDeviceClass.gas,
    "water_leak": BinarySensorDeviceClass.moisture,
    "tamper": BinarySensorDeviceClass.tamper,
    "battery_low": BinarySensorDeviceClass.battery,
    "trouble": BinarySensorDeviceClass.problem,
}
NAMES: Final = {
    "smoke": "Smoke",
    "gas": "Gas",
    "water_leak": "Water leak",
    "tamper": "Tamper",
    "battery_low": "Battery low",
    "trouble": "Trouble",
}


class DetectorBinarySensor(DetectorEntity, BinarySensorEntity):
    def __init__(self, detector: Detector, key: str, unique_prefix: str) -> None:
        super().__init__(detector, key, unique_prefix)
        self._attr_device_class = DEVICE_CLASSES[key]
        self._attr_name = NAMES[key]
        if key not in DETECTIONS:
            self._attr_entity_category = EntityCategory.diagnostic

    @property
    def _value(self) -> object:
        if self._key == "trouble":
            return next(
                (self._detector.state[f] for f in TROUBLE_FIELDS if f in self._detector.state),
                None,
            )
        return super()._value

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(TROUBLE_FIELDS) if self._key == "trouble" else super().fields

    @property
    def is_on(self) -> bool | None:
        value = self._value
        return None if value is None else bool(value)

    @property
    def extra_state_attributes(self) -> dict[str, object] | None:
        if self._key not in DETECTIONS or self._detector.last_test is None:
            return None
        return {"last_test": self._detector.last_test.isoformat()}


async def async_setup_entry(
    hub: Hub,
    entry: ConfigEntry,
    add_entities: AddEntities,
) -> None:
    detector: Detector = hub.data[DOMAIN][entry.id]
    prefix = entry.unique_id or entry.id
    keys = [*entry.data[CONF_DETECTS], "tamper", "battery_low", "trouble"]
    await add_entities([DetectorBinarySensor(detector, key, prefix) for key in keys])
