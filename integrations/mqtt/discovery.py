"""Home Assistant's MQTT discovery: devices announce their entities on
``<prefix>/<component>/[<node_id>/]<object_id>/config``.

A JSON config creates the entity (or replaces it when the config changes); an empty
payload removes it, and its device when that was the device's last entity. Configs that
cannot be used — not JSON, a required key missing, a component linli does not have, a
template it does not understand, health or location data (which needs a person's consent,
see ``data_categories``) — are counted and logged with the topic and the reason.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable
from typing import Any, Final

import voluptuous as vol

from linli.toolkit.check import DATA_CATEGORY_SIGNS

from .abbreviations import expand
from .entity import MqttEntity
from .models import DiscoveryKey, MqttData
from .subscriptions import ReceivedMessage

_LOGGER = logging.getLogger(__name__)

_CONFIG_TOPIC: Final = re.compile(
    r"^(?P<component>[a-z_]+)/(?:(?P<node_id>[a-zA-Z0-9_-]+)/)?(?P<object_id>[a-zA-Z0-9_-]+)/config$"
)
MAX_CONFIG_BYTES: Final = 65536
# Device classes and units that mean health data; device trackers mean location data.
_PROTECTED_SIGNS: Final = DATA_CATEGORY_SIGNS["health"]
_LOCATION_COMPONENT: Final = "device_tracker"


def parse_topic(prefix: str, topic: str) -> DiscoveryKey | None:
    """The key a discovery topic configures, or None if it is not a config topic."""
    if not topic.startswith(f"{prefix}/"):
        return None
    match = _CONFIG_TOPIC.match(topic[len(prefix) + 1 :])
    if match is None:
        return None
    return DiscoveryKey(match["component"], match["node_id"], match["object_id"])


class Discovery:
    """The discovered entities of one mqtt config entry."""

    def __init__(self, data: MqttData, prefix: str) -> None:
        self._data = data
        self.prefix = prefix
        self._entities: dict[DiscoveryKey, tuple[str, MqttEntity]] = {}
        self._unique_ids: dict[str, DiscoveryKey] = {}
        self._lock = asyncio.Lock()  # one config at a time, in the order they arrive

    def start(self) -> Callable[[], None]:
        """Subscribe to the discovery prefix; returns the function that unsubscribes."""
        return self._data.subscriptions.add(f"{self.prefix}/#", self._received)

    @property
    def entities(self) -> dict[DiscoveryKey, MqttEntity]:
        return {key: entity for key, (_, entity) in self._entities.items()}

    async def _received(self, message: ReceivedMessage) -> None:
        key = parse_topic(self.prefix, message.topic)
        if key is None:
            if message.topic.endswith("/config"):
                self._drop(
                    message,
                    "invalid_discovery_topic",
                    f"expected {self.prefix}/<component>/[<node_id>/]<object_id>/config",
                )
            return  # e.g. <prefix>/status, the birth message
        async with self._lock:
            await self._handle(key, message)

    async def _handle(self, key: DiscoveryKey, message: ReceivedMessage) -> None:
        payload = message.payload
        assert isinstance(payload, str)
        current = self._entities.get(key)
        if not payload:
            if current is not None:
                _LOGGER.info("Discovery: %s removed", key)
                await self._remove(key, from_registry=True)
            return
        if current is not None and current[0] == payload:
            return  # the same config again (a retained message after reconnecting)
        config = self._config(key, message)
        if config is None:
            return
        unique_id = config.get("unique_id")
        if unique_id is not None and self._unique_ids.get(unique_id, key) != key:
            self._drop(
                message,
                "duplicate_unique_id",
                f"{unique_id!r} is already used by {self._unique_ids[unique_id]}",
            )
            return
        if current is not None:
            await self._remove(key, from_registry=False)
        platform = self._data.platforms[key.component]
        entity = platform.factory(self._data, config, key)
        await platform.add_entities([entity])
        self._entities[key] = (payload, entity)
        if unique_id is not None:
            self._unique_ids[unique_id] = key
        _LOGGER.debug("Discovery: %s is %s", key, entity.entity_id)

    def _config(self, key: DiscoveryKey, message: ReceivedMessage) -> dict[str, Any] | None:
        """The validated config, or None (counted) when it cannot be used."""
        payload = message.payload
        assert isinstance(payload, str)
        if key.component == _LOCATION_COMPONENT:
            return self._drop(message, "protected_data", "device trackers report locations")
        platform = self._data.platforms.get(key.component)
        if platform is None:
            return self._drop(message, "unknown_component", key.component)
        if len(payload) > MAX_CONFIG_BYTES:
            return self._drop(message, "too_large", f"{len(payload)} characters")
        try:
            raw = json.loads(payload)
        except (ValueError, RecursionError) as error:
            return self._drop(message, "invalid_json", str(error))
        if not isinstance(raw, dict):
            return self._drop(message, "invalid_config", "expected a JSON object")
        try:
            config: dict[str, Any] = platform.schema(expand(raw))
        except vol.Invalid as error:
            return self._drop(message, "invalid_config", str(error))
        signs = {config.get("device_class"), config.get("unit_of_measurement")}
        if signs & _PROTECTED_SIGNS:
            return self._drop(message, "protected_data", "health data needs consent")
        return config

    async def _remove(self, key: DiscoveryKey, *, from_registry: bool) -> None:
        _, entity = self._entities.pop(key)
        if entity.unique_id is not None:
            self._unique_ids.pop(entity.unique_id, None)
        platform, entity_id, device = entity.platform, entity.entity_id, entity.device_entry
        if platform is None or entity_id is None:
            return  # never added (disabled in the registry, or refused)
        await platform.remove_entity(entity_id, from_registry=from_registry)
        if from_registry and device is not None:
            self._remove_device_if_unused(device.id)

    def _remove_device_if_unused(self, device_id: str) -> None:
        hub = self._data.hub
        if hub.devices.get(device_id) is None:
            return
        if any(record.device_id == device_id for record in hub.entities):
            return
        hub.devices.remove(device_id)

    def _drop(self, message: ReceivedMessage, reason: str, detail: str) -> None:
        self._data.bad_input.drop(message.topic, reason, detail)
        return
