"""Switches: an outlet or relay turned on and off by publishing to its command topic."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import voluptuous as vol

from linli.entities.switch import SwitchEntity

from .const import DOMAIN
from .entity import STATE_NONE, MqttEntity
from .models import AddEntities, DiscoverablePlatform, MqttData
from .schemas import component_schema, payload, topic_filter, topic_name

if TYPE_CHECKING:
    from linli.config_entries import ConfigEntry
    from linli.hub import Hub

    from .subscriptions import ReceivedMessage

PLATFORM: Final = "switch"

SCHEMA: Final = component_schema(
    {
        vol.Required("command_topic"): topic_name,
        vol.Optional("state_topic"): topic_filter,
        vol.Optional("payload_on", default="ON"): payload,
        vol.Optional("payload_off", default="OFF"): payload,
        vol.Optional("state_on"): payload,
        vol.Optional("state_off"): payload,
        vol.Optional("optimistic"): bool,
        vol.Optional("retain", default=False): bool,
    }
)


class MqttSwitch(MqttEntity, SwitchEntity):
    """Publishes ``payload_on``/``payload_off``; without a state topic it assumes the
    command worked (optimistic), as Home Assistant does."""

    def __init__(self, data: MqttData, config: dict[str, Any], key: Any) -> None:
        super().__init__(data, config, key)
        self._state_on = config.get("state_on", config["payload_on"])
        self._state_off = config.get("state_off", config["payload_off"])
        self._optimistic = config.get("optimistic", "state_topic" not in config)

    def _state_received(self, message: ReceivedMessage, value: str) -> bool:
        if value == self._state_on:
            self._attr_is_on = True
        elif value == self._state_off:
            self._attr_is_on = False
        elif value == STATE_NONE:
            self._attr_is_on = None
        else:
            self._data.bad_input.drop(
                message.topic, "unexpected_payload", f"{self.entity_id}: {value[:50]!r}"
            )
            return False
        return True

    async def _command(self, payload: str, is_on: bool) -> None:
        config = self._config
        await self._data.publish(config["command_topic"], payload, config["qos"], config["retain"])
        if self._optimistic:
            self._attr_is_on = is_on

    async def async_turn_on(self) -> None:
        await self._command(self._config["payload_on"], True)

    async def async_turn_off(self) -> None:
        await self._command(self._config["payload_off"], False)


async def async_setup_entry(hub: Hub, entry: ConfigEntry, add_entities: AddEntities) -> None:
    data: MqttData = hub.data[DOMAIN]
    data.platforms[PLATFORM] = DiscoverablePlatform(SCHEMA, MqttSwitch, add_entities)
