"""Locks: a door lock or gate that locks, unlocks (and maybe opens) on its command topic."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import voluptuous as vol

from linli.entities.lock import LockEntity

from .const import DOMAIN
from .entity import STATE_NONE, MqttEntity
from .models import AddEntities, DiscoverablePlatform, MqttData
from .schemas import component_schema, payload, topic_filter, topic_name

if TYPE_CHECKING:
    from linli.config_entries import ConfigEntry
    from linli.hub import Hub

    from .subscriptions import ReceivedMessage

PLATFORM: Final = "lock"

# The lock's state payloads, and the _attr_is_* flags each one sets.
_STATES: Final = {
    "state_locked": ("LOCKED", "locked"),
    "state_unlocked": ("UNLOCKED", "unlocked"),
    "state_locking": ("LOCKING", "locking"),
    "state_unlocking": ("UNLOCKING", "unlocking"),
    "state_jammed": ("JAMMED", "jammed"),
    "state_open": ("OPEN", "open"),
    "state_opening": ("OPENING", "opening"),
}

SCHEMA: Final = component_schema(
    {
        vol.Required("command_topic"): topic_name,
        vol.Optional("state_topic"): topic_filter,
        vol.Optional("payload_lock", default="LOCK"): payload,
        vol.Optional("payload_unlock", default="UNLOCK"): payload,
        vol.Optional("payload_open"): payload,
        vol.Optional("optimistic"): bool,
        vol.Optional("retain", default=False): bool,
        **{vol.Optional(key, default=default): payload for key, (default, _) in _STATES.items()},
    }
)


class MqttLock(MqttEntity, LockEntity):
    """Publishes ``payload_lock``/``payload_unlock``/``payload_open``; ``open`` only when the
    config names its payload. Without a state topic it assumes the command worked."""

    def __init__(self, data: MqttData, config: dict[str, Any], key: Any) -> None:
        super().__init__(data, config, key)
        self._optimistic = config.get("optimistic", "state_topic" not in config)
        self._by_payload = {config[key]: state for key, (_, state) in _STATES.items()}

    def _show(self, state: str | None) -> None:
        """Show ``state``; while locking, unlocking, opening or jammed the last known
        locked/unlocked stays."""
        if state is None or state in ("locked", "unlocked", "open"):
            self._attr_is_locked = None if state is None else state == "locked"
        self._attr_is_locking = state == "locking"
        self._attr_is_unlocking = state == "unlocking"
        self._attr_is_opening = state == "opening"
        self._attr_is_open = state == "open"
        self._attr_is_jammed = state == "jammed"

    def _state_received(self, message: ReceivedMessage, value: str) -> bool:
        if value == STATE_NONE:
            self._show(None)
            return True
        state = self._by_payload.get(value)
        if state is None:
            self._data.bad_input.drop(
                message.topic, "unexpected_payload", f"{self.entity_id}: {value[:50]!r}"
            )
            return False
        self._show(state)
        return True

    async def _command(self, payload_key: str, state: str) -> None:
        config = self._config
        await self._data.publish(
            config["command_topic"], config[payload_key], config["qos"], config["retain"]
        )
        if self._optimistic:
            self._show(state)

    async def async_lock(self) -> None:
        await self._command("payload_lock", "locked")

    async def async_unlock(self) -> None:
        await self._command("payload_unlock", "unlocked")

    async def async_open(self) -> None:
        if "payload_open" not in self._config:
            raise NotImplementedError
        await self._command("payload_open", "open")


async def async_setup_entry(hub: Hub, entry: ConfigEntry, add_entities: AddEntities) -> None:
    data: MqttData = hub.data[DOMAIN]
    data.platforms[PLATFORM] = DiscoverablePlatform(SCHEMA, MqttLock, add_entities)
