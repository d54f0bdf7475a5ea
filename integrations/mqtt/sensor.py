"""Sensors: discovered ones (a detector's battery), and the count of dropped messages."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final

import voluptuous as vol

from linli.entities import EntityCategory
from linli.entities.sensor import SensorEntity, SensorStateClass

from .binary_sensor import broker_device
from .const import DOMAIN
from .entity import STATE_NONE, MqttEntity
from .models import AddEntities, DiscoverablePlatform, MqttData
from .schemas import EXPIRING, MAX_TEXT, component_schema, text, topic_filter

if TYPE_CHECKING:
    from linli.config_entries import ConfigEntry
    from linli.hub import Hub

    from .subscriptions import ReceivedMessage

PLATFORM: Final = "sensor"
SCAN_INTERVAL = timedelta(seconds=30)  # only the dropped-messages counter polls

SCHEMA: Final = component_schema(
    {
        vol.Required("state_topic"): topic_filter,
        vol.Optional("unit_of_measurement"): vol.Any(None, text),
        vol.Optional("state_class"): vol.Any(None, vol.Coerce(SensorStateClass)),
        **EXPIRING,
    }
)


def _number(value: str) -> int | float | None:
    """``value`` as an int when it is written as one, else as a finite float, else None."""
    try:
        number = float(value)  # floats are the common case: no exception for them
    except ValueError:
        return None
    if number != number or abs(number) == float("inf"):
        return None
    if number.is_integer() and value.strip().lstrip("+-").replace("_", "").isdigit():
        return int(value)  # exact, even beyond a float's 53 bits
    return number


class MqttSensor(MqttEntity, SensorEntity):
    """The state topic's value; a number when the sensor has a unit or a state class."""

    def __init__(self, data: MqttData, config: dict[str, Any], key: Any) -> None:
        super().__init__(data, config, key)
        self._attr_unit_of_measurement = config.get("unit_of_measurement")
        self._attr_state_class = config.get("state_class")

    def _state_received(self, message: ReceivedMessage, value: str) -> bool:
        if value in (STATE_NONE, ""):
            self._attr_native_value = None
            return True
        if self.unit_of_measurement or self.state_class:
            number = _number(value)
            if number is None:
                self._data.bad_input.drop(
                    message.topic,
                    "unexpected_payload",
                    f"{self.entity_id}: {value[:50]!r} is not a number",
                )
                return False
            self._attr_native_value = number
            return True
        if len(value) > MAX_TEXT:
            self._data.bad_input.drop(
                message.topic,
                "unexpected_payload",
                f"{self.entity_id}: longer than {MAX_TEXT} characters",
            )
            return False
        self._attr_native_value = value
        return True


class DroppedMessages(SensorEntity):
    """How many messages and discovery configs were dropped, by reason (diagnostic)."""

    _attr_has_entity_name = True
    _attr_name = "Dropped messages"
    _attr_translation_key = "dropped_messages"
    _attr_icon = "mdi:email-remove-outline"
    _attr_entity_category = EntityCategory.diagnostic
    _attr_state_class = SensorStateClass.total_increasing

    def __init__(self, data: MqttData, entry: ConfigEntry) -> None:
        self._data = data
        self._attr_unique_id = f"{entry.id}-dropped_messages"
        self._attr_device_info = broker_device(entry)

    @property
    def native_value(self) -> int:
        return self._data.bad_input.total

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        return dict(sorted(self._data.bad_input.counts.items()))


async def async_setup_entry(hub: Hub, entry: ConfigEntry, add_entities: AddEntities) -> None:
    data: MqttData = hub.data[DOMAIN]
    data.platforms[PLATFORM] = DiscoverablePlatform(SCHEMA, MqttSensor, add_entities)
    await add_entities([DroppedMessages(data, entry)])
