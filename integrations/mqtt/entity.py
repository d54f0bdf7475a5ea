"""What every entity made from a discovery config shares: device, availability, templates.

An entity subscribes to its topics when it is added and unsubscribes when removed. It is
available while its availability topics say so (``availability_mode``: the latest message,
all topics, or any topic), and, with ``expire_after``, only while its state keeps coming.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from linli.entities import DeviceInfo, Entity
from linli.helpers.event import call_later

from .const import DOMAIN
from .subscriptions import ReceivedMessage
from .templates import TemplateError, ValueTemplate

if TYPE_CHECKING:
    from .models import DiscoveryKey, MqttData

STATE_NONE: Final = "None"  # a payload that makes the state unknown, as in Home Assistant


def device_info(device: dict[str, Any]) -> DeviceInfo:
    """A discovery config's device block as the device registry takes it."""
    info: DeviceInfo = {}
    if identifiers := device.get("identifiers"):
        info["identifiers"] = {(DOMAIN, identifier) for identifier in identifiers}
    if connections := device.get("connections"):
        info["connections"] = set(connections)
    for field in ("manufacturer", "model", "name", "sw_version", "hw_version"):
        if (value := device.get(field)) is not None:
            info[field] = value  # type: ignore[literal-required]
    if via := device.get("via_device"):
        info["via_device"] = (DOMAIN, via)
    return info


@dataclass(frozen=True)
class AvailabilityTopic:
    topic: str
    payload_available: str
    payload_not_available: str
    template: ValueTemplate | None


def availability_topics(config: dict[str, Any]) -> list[AvailabilityTopic]:
    """The availability topics of a config, in either of its two spellings."""
    topics = [
        AvailabilityTopic(
            item["topic"],
            item["payload_available"],
            item["payload_not_available"],
            item.get("value_template"),
        )
        for item in config.get("availability", ())
    ]
    if topic := config.get("availability_topic"):
        topics.append(
            AvailabilityTopic(
                topic,
                config["payload_available"],
                config["payload_not_available"],
                config.get("availability_template"),
            )
        )
    return topics


class MqttEntity(Entity):
    """Base of the discovered entities; subclasses implement :meth:`_state_received`."""

    _attr_should_poll = False

    def __init__(self, data: MqttData, config: dict[str, Any], key: DiscoveryKey) -> None:
        self._data = data
        self._config = config
        self.discovery_key = key
        self._attr_unique_id = config.get("unique_id")
        device = config.get("device")
        # Without a name, an entity of a device is called like the device; others by object id.
        self._attr_name = config.get("name", None if device else key.object_id)
        if device:
            self._attr_device_info = device_info(device)
            self._attr_has_entity_name = True
        self._attr_icon = config.get("icon")
        self._attr_device_class = config.get("device_class")
        self._attr_entity_category = config.get("entity_category")
        self._attr_entity_registry_enabled_default = config["enabled_by_default"]
        self._value_template: ValueTemplate | None = config.get("value_template")
        self._availability = availability_topics(config)
        self._topic_available: dict[str, bool] = {}
        self._latest_available: bool | None = None
        self._expired = False
        self._cancel_expiry: Callable[[], None] | None = None

    # -- what subclasses provide -------------------------------------------------------------

    def _state_topics(self) -> list[str]:
        """The topics whose messages go to :meth:`_state_received`."""
        topic = self._config.get("state_topic")
        return [topic] if topic else []

    def _state_received(self, message: ReceivedMessage, value: str) -> bool:
        """Take ``value`` (the payload after the value template); False if it was unusable."""
        raise NotImplementedError

    # -- lifecycle ---------------------------------------------------------------------------

    async def async_added_to_hub(self) -> None:
        subscriptions = self._data.subscriptions
        qos = self._config["qos"]
        for topic in self._state_topics():
            self.on_remove(subscriptions.add(topic, self._on_state, qos))
        for item in self._availability:
            self.on_remove(subscriptions.add(item.topic, self._on_availability(item), qos))
        if self._config.get("expire_after"):
            self._expired = True  # until the first state arrives
        self.on_remove(self._stop_expiry)

    @property
    def available(self) -> bool:
        if self._expired:
            return False
        if not self._availability:
            return True
        if self._config["availability_mode"] == "all":
            return len(self._topic_available) == len(self._availability) and all(
                self._topic_available.values()
            )
        if self._config["availability_mode"] == "any":
            return any(self._topic_available.values())
        return bool(self._latest_available)

    # -- messages ----------------------------------------------------------------------------

    def render(
        self, message: ReceivedMessage, template: ValueTemplate | None, *plain: str
    ) -> str | None:
        """The payload through ``template``; None (counted and logged) if it does not fit.

        A payload equal to one of ``plain`` is taken as it is when the template cannot
        read it: zigbee2mqtt sends availability as ``online`` or ``{"state": "online"}``.
        """
        payload = message.payload
        assert isinstance(payload, str)
        if template is None:
            return payload
        try:
            return template.render(payload)
        except TemplateError as error:
            if payload in plain:
                return payload
            self._data.bad_input.drop(message.topic, "template_error", f"{self.entity_id}: {error}")
            return None

    def _on_state(self, message: ReceivedMessage) -> None:
        value = self.render(message, self._value_template)
        if value is None or not self._state_received(message, value):
            return
        self._restart_expiry()
        self.write_state()

    def _on_availability(self, item: AvailabilityTopic) -> Callable[[ReceivedMessage], None]:
        def received(message: ReceivedMessage) -> None:
            value = self.render(
                message, item.template, item.payload_available, item.payload_not_available
            )
            if value == item.payload_available:
                available = True
            elif value == item.payload_not_available:
                available = False
            else:
                if value is not None:
                    self._data.bad_input.drop(
                        message.topic, "unexpected_payload", f"availability {value[:50]!r}"
                    )
                return
            self._topic_available[item.topic] = available
            self._latest_available = available
            self.write_state()

        return received

    # -- expire_after --------------------------------------------------------------------------

    def _restart_expiry(self) -> None:
        expire_after = self._config.get("expire_after")
        if not expire_after or self.hub is None:
            return
        self._stop_expiry()
        self._expired = False
        self._cancel_expiry = call_later(self.hub, expire_after, self._expire)

    def _expire(self, _now: datetime) -> None:
        self._cancel_expiry = None
        self._expired = True
        self.write_state()

    def _stop_expiry(self) -> None:
        if self._cancel_expiry is not None:
            self._cancel_expiry()
            self._cancel_expiry = None
