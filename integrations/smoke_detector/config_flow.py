"""The config flow of a detector: offered when zigbee2mqtt publishes a detector's state, or
added by hand with its state topic."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import voluptuous as vol

from linli.config_entries import ConfigFlow
from linli.flows import FlowResult, Select

from .const import (
    CONF_DETECTS,
    CONF_NAME,
    CONF_REPORT_INTERVAL,
    CONF_TOPIC,
    DEFAULT_REPORT_INTERVAL,
    DETECTIONS,
)
from .detector import parse_state

INTERVAL: Final = vol.All(int, vol.Range(min=1, max=72))
NAME: Final = vol.All(str, vol.Length(min=1, max=100))


class SmokeDetectorConfigFlow(ConfigFlow):
    """One entry per detector, keyed by its state topic."""

    VERSION = 1

    def __init__(self) -> None:
        self._topic = ""
        self._detects: list[str] = []

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        if user_input is not None:
            await self.async_set_unique_id(user_input[CONF_TOPIC])
            self.abort_if_unique_id_configured()
            return self.create_entry(user_input[CONF_NAME], user_input)
        schema = vol.Schema(
            {
                vol.Required(CONF_TOPIC): vol.All(str, vol.Length(min=1, max=255)),
                vol.Required(CONF_NAME): NAME,
                vol.Required(CONF_DETECTS, default=["smoke"]): Select(DETECTIONS, multiple=True),
                vol.Optional(CONF_REPORT_INTERVAL, default=DEFAULT_REPORT_INTERVAL): INTERVAL,
            }
        )
        return self.show_form("user", schema)

    async def async_step_mqtt(self, discovery_info: Mapping[str, Any]) -> FlowResult:
        """A zigbee2mqtt state message: a detector if it carries smoke, gas or water_leak."""
        try:
            state = parse_state(str(discovery_info["payload"]))
        except (ValueError, RecursionError):
            return self.abort("not_a_detector")
        self._detects = [detection for detection in DETECTIONS if detection in state]
        if not self._detects:
            return self.abort("not_a_detector")
        self._topic = discovery_info["topic"]
        await self.async_set_unique_id(self._topic)
        self.abort_if_unique_id_configured()
        return await self.async_step_confirm()

    async def async_step_confirm(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        if user_input is not None:
            data = {CONF_TOPIC: self._topic, CONF_DETECTS: self._detects, **user_input}
            return self.create_entry(user_input[CONF_NAME], data)
        schema = vol.Schema(
            {
                vol.Required(CONF_NAME, default=self._topic.rsplit("/", 1)[-1]): NAME,
                vol.Optional(CONF_REPORT_INTERVAL, default=DEFAULT_REPORT_INTERVAL): INTERVAL,
            }
        )
        return self.show_form("confirm", schema, description_placeholders={"topic": self._topic})
