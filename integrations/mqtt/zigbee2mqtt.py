"""zigbee2mqtt's own topics: whether the bridge is online, its devices, and their availability.

zigbee2mqtt publishes entities through Home Assistant discovery (see :mod:`.discovery`);
these topics say more: ``<base>/bridge/state`` ("online"/"offline", or ``{"state": …}``
since 1.30), ``<base>/bridge/devices`` (every paired device, which this puts in the device
registry under the identifiers zigbee2mqtt's discovery uses, so both land on one device),
and ``<base>/<friendly_name>/availability`` (plain or JSON, like the bridge state).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from linli.entities import EntityCategory
from linli.entities.binary_sensor import BinarySensorDeviceClass, BinarySensorEntity

from .const import DOMAIN
from .subscriptions import ReceivedMessage, combined

if TYPE_CHECKING:
    from .models import MqttData

_LOGGER = logging.getLogger(__name__)

ONLINE: Final = "online"
OFFLINE: Final = "offline"
COORDINATOR: Final = "Coordinator"
MAX_DEVICES_BYTES: Final = 4 * 1024 * 1024  # a bridge/devices list of thousands of devices


@dataclass(frozen=True)
class Zigbee2MqttDevice:
    """One device paired with the bridge, as ``bridge/devices`` lists it."""

    ieee_address: str
    friendly_name: str
    type: str
    vendor: str | None
    model: str | None
    description: str | None
    software_build_id: str | None
    exposes: frozenset[str]  # the properties its state messages carry: smoke, battery, …

    @property
    def identifier(self) -> str:
        """The device identifier zigbee2mqtt uses in its discovery configs."""
        if self.type == COORDINATOR:
            return f"zigbee2mqtt_bridge_{self.ieee_address}"
        return f"zigbee2mqtt_{self.ieee_address}"

    @classmethod
    def parse(cls, item: Any) -> Zigbee2MqttDevice:
        """One item of ``bridge/devices``; ValueError naming what is wrong."""
        if not isinstance(item, dict):
            raise ValueError("a device is a JSON object")
        ieee, name = item.get("ieee_address"), item.get("friendly_name")
        if not isinstance(ieee, str) or not isinstance(name, str) or not ieee or not name:
            raise ValueError("a device needs ieee_address and friendly_name")
        definition = item.get("definition")
        if not isinstance(definition, dict):
            definition = {}
        return cls(
            ieee_address=ieee,
            friendly_name=name,
            type=_text(item.get("type")) or "Unknown",
            vendor=_text(definition.get("vendor")),
            model=_text(definition.get("model")),
            description=_text(definition.get("description")),
            software_build_id=_text(item.get("software_build_id")),
            exposes=frozenset(_properties(definition.get("exposes"))),
        )


def _text(value: Any) -> str | None:
    return value[:255] if isinstance(value, str) and value else None


def _properties(exposes: Any) -> list[str]:
    """The ``property`` names of exposes, including those nested in ``features``."""
    found: list[str] = []
    stack = list(exposes) if isinstance(exposes, list) else []
    while stack:
        expose = stack.pop()
        if not isinstance(expose, dict):
            continue
        if isinstance(expose.get("property"), str):
            found.append(expose["property"])
        if isinstance(expose.get("features"), list):
            stack.extend(expose["features"])
    return found


def online_state(payload: str) -> bool | None:
    """``online``/``offline``, plain or as ``{"state": …}``; None for anything else."""
    text = payload.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return None
        text = data.get("state") if isinstance(data, dict) else None
    return {ONLINE: True, OFFLINE: False}.get(text)  # type: ignore[arg-type]


class Zigbee2Mqtt:
    """The state of one zigbee2mqtt bridge, under base topic ``base`` (``zigbee2mqtt``).

    ``listen(callback)`` calls ``callback(friendly_name)`` when a device's availability
    changes, and ``callback(None)`` when the bridge goes online or offline or its device
    list changes.
    """

    def __init__(self, data: MqttData, base: str, config_entry_id: str) -> None:
        self._data = data
        self.base = base
        self._config_entry_id = config_entry_id
        self.bridge_online: bool | None = None
        self.devices: dict[str, Zigbee2MqttDevice] = {}
        self.available: dict[str, bool] = {}
        self._listeners: list[Callable[[str | None], None]] = []
        self._bridge_entity: BridgeConnection | None = None

    def start(self) -> Callable[[], None]:
        """Subscribe to the bridge's topics; returns the function that unsubscribes."""
        subscriptions = self._data.subscriptions
        stops = [
            subscriptions.add(f"{self.base}/bridge/state", self._bridge_state, qos=1),
            subscriptions.add(f"{self.base}/bridge/devices", self._bridge_devices, qos=1),
            subscriptions.add(f"{self.base}/+/availability", self._availability, qos=1),
        ]
        return combined(stops)

    def listen(self, callback: Callable[[str | None], None]) -> Callable[[], None]:
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback)

    def device_available(self, friendly_name: str) -> bool:
        """Whether the bridge is online and has not reported the device offline."""
        return self.bridge_online is not False and self.available.get(friendly_name, True)

    def _notify(self, friendly_name: str | None) -> None:
        for callback in list(self._listeners):
            try:
                callback(friendly_name)
            except Exception:
                _LOGGER.exception("Error in a zigbee2mqtt listener")

    async def _bridge_state(self, message: ReceivedMessage) -> None:
        online = online_state(str(message.payload))
        if online is None:
            self._data.bad_input.drop(
                message.topic, "unexpected_payload", "expected online or offline"
            )
            return
        self.bridge_online = online
        _LOGGER.info("zigbee2mqtt bridge %s is %s", self.base, ONLINE if online else OFFLINE)
        if self._bridge_entity is None and (platform := self._data.platforms.get("binary_sensor")):
            self._bridge_entity = BridgeConnection(self, self._config_entry_id)
            await platform.add_entities([self._bridge_entity])
        elif self._bridge_entity is not None and self._bridge_entity.hub is not None:
            self._bridge_entity.write_state()
        self._notify(None)

    def _bridge_devices(self, message: ReceivedMessage) -> None:
        payload = str(message.payload)
        if len(payload) > MAX_DEVICES_BYTES:
            self._data.bad_input.drop(message.topic, "too_large", f"{len(payload)} characters")
            return
        try:
            items = json.loads(payload)
        except (ValueError, RecursionError) as error:
            self._data.bad_input.drop(message.topic, "invalid_json", str(error))
            return
        if not isinstance(items, list):
            self._data.bad_input.drop(message.topic, "unexpected_payload", "expected a list")
            return
        devices: dict[str, Zigbee2MqttDevice] = {}
        for index, item in enumerate(items):
            try:
                device = Zigbee2MqttDevice.parse(item)
            except ValueError as error:
                self._data.bad_input.drop(message.topic, "invalid_device", f"item {index}: {error}")
                continue
            devices[device.friendly_name] = device
        self.devices = devices
        self._register(devices.values())
        self._notify(None)

    def _register(self, devices: Any) -> None:
        """Put the bridge and its devices in the device registry."""
        registry = self._data.hub.devices
        ordered = sorted(devices, key=lambda device: device.type != COORDINATOR)
        bridge_id: str | None = None
        for device in ordered:
            fields: dict[str, Any] = {
                "name": device.friendly_name,
                "manufacturer": device.vendor
                or ("Zigbee2MQTT" if device.type == COORDINATOR else None),
                "model": device.model or device.description or device.type,
            }
            if device.software_build_id:
                fields["sw_version"] = device.software_build_id
            if bridge_id is not None:
                fields["via_device_id"] = bridge_id
            entry = registry.get_or_create(
                identifiers={(DOMAIN, device.identifier)},
                config_entry_id=self._config_entry_id,
                **{key: value for key, value in fields.items() if value is not None},
            )
            if device.type == COORDINATOR:
                bridge_id = entry.id

    def _availability(self, message: ReceivedMessage) -> None:
        name = message.topic[len(self.base) + 1 : -len("/availability")]
        if name == "bridge":
            return
        available = online_state(str(message.payload))
        if available is None:
            self._data.bad_input.drop(
                message.topic, "unexpected_payload", "expected online or offline"
            )
            return
        if self.available.get(name) != available:
            self.available[name] = available
            self._notify(name)


class BridgeConnection(BinarySensorEntity):
    """Whether the zigbee2mqtt bridge is online: offline, no Zigbee detector reports."""

    _attr_should_poll = False
    _attr_name = "Zigbee2MQTT bridge"
    _attr_translation_key = "zigbee2mqtt_bridge"
    _attr_device_class = BinarySensorDeviceClass.connectivity
    _attr_entity_category = EntityCategory.diagnostic

    def __init__(self, bridge: Zigbee2Mqtt, config_entry_id: str) -> None:
        self._bridge = bridge
        self._attr_unique_id = f"{config_entry_id}-zigbee2mqtt-{bridge.base}"

    @property
    def is_on(self) -> bool | None:
        return self._bridge.bridge_online

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        return {"devices": len(self._bridge.devices), "base_topic": self._bridge.base}
