"""Binary sensors: discovered ones (a smoke detector's ``smoke``), and the broker connection."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import voluptuous as vol

from linli.entities import EntityCategory
from linli.entities.binary_sensor import BinarySensorDeviceClass, BinarySensorEntity

from .const import DOMAIN
from .entity import STATE_NONE, MqttEntity
from .models import AddEntities, DiscoverablePlatform, MqttData
from .schemas import EXPIRING, component_schema, payload, topic_filter

if TYPE_CHECKING:
    from linli.config_entries import ConfigEntry
    from linli.hub import Hub

    from .subscriptions import ReceivedMessage

PLATFORM: Final = "binary_sensor"

SCHEMA: Final = component_schema(
    {
        vol.Required("state_topic"): topic_filter,
        vol.Optional("payload_on", default="ON"): payload,
        vol.Optional("payload_off", default="OFF"): payload,
        **EXPIRING,
    }
)


class MqttBinarySensor(MqttEntity, BinarySensorEntity):
    """On when the state topic says ``payload_on``, off for ``payload_off``."""

    def _state_received(self, message: ReceivedMessage, value: str) -> bool:
        if value == self._config["payload_on"]:
            self._attr_is_on = True
        elif value == self._config["payload_off"]:
            self._attr_is_on = False
        elif value in (STATE_NONE, ""):
            self._attr_is_on = None
        else:
            self._data.bad_input.drop(
                message.topic,
                "unexpected_payload",
                f"{self.entity_id}: {value[:50]!r} is neither "
                f"{self._config['payload_on']!r} nor {self._config['payload_off']!r}",
            )
            return False
        return True


class BrokerConnection(BinarySensorEntity):
    """Whether the hub is connected to its MQTT broker (diagnostic)."""

    _attr_should_poll = False
    _attr_has_entity_name = True
    _attr_name = "Connected"
    _attr_translation_key = "connected"
    _attr_device_class = BinarySensorDeviceClass.connectivity
    _attr_entity_category = EntityCategory.diagnostic

    def __init__(self, data: MqttData, entry: ConfigEntry) -> None:
        self._data = data
        self._attr_unique_id = f"{entry.id}-connected"
        self._attr_device_info = broker_device(entry)

    @property
    def is_on(self) -> bool:
        return self._data.connected

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        client = self._data.client
        if client is None:
            return {}
        return {
            "broker": client.settings.describe(),
            "connections": client.connections,
            "last_error": client.last_error,
        }


def broker_device(entry: ConfigEntry) -> dict[str, Any]:
    """The broker as a device, which the integration's own entities belong to."""
    return {
        "identifiers": {(DOMAIN, entry.id)},
        "name": f"MQTT {entry.title}",
        "manufacturer": "linli",
        "model": "MQTT broker",
    }


async def async_setup_entry(hub: Hub, entry: ConfigEntry, add_entities: AddEntities) -> None:
    data: MqttData = hub.data[DOMAIN]
    data.platforms[PLATFORM] = DiscoverablePlatform(SCHEMA, MqttBinarySensor, add_entities)
    connection = BrokerConnection(data, entry)
    data.status_entities.append(connection)
    await add_entities([connection])
