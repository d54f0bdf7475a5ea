"""The forms of the elderly wristband integration: a watch server, and its settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol

from linli.config_entries import ConfigEntry, ConfigFlow, OptionsFlow
from linli.flows import FlowResult

from .const import (
    CONF_LATITUDE,
    CONF_LONGITUDE,
    CONF_PORT,
    CONF_RADIUS,
    CONF_SILENCE_MINUTES,
    DEFAULT_PORT,
    DEFAULT_RADIUS,
    DEFAULT_SILENCE_MINUTES,
)
from .server import port_is_free


def _settings_fields(current: Mapping[str, Any]) -> dict[vol.Marker, Any]:
    """The geofence and the silence period, with ``current`` values as defaults."""

    def field(key: str, default: Any = vol.UNDEFINED) -> vol.Marker:
        value = current.get(key, default)
        return vol.Required(key) if value is vol.UNDEFINED else vol.Required(key, default=value)

    return {
        field(CONF_LATITUDE): vol.All(vol.Coerce(float), vol.Range(min=-90, max=90)),
        field(CONF_LONGITUDE): vol.All(vol.Coerce(float), vol.Range(min=-180, max=180)),
        field(CONF_RADIUS, DEFAULT_RADIUS): vol.All(int, vol.Range(min=10, max=50_000)),
        field(CONF_SILENCE_MINUTES, DEFAULT_SILENCE_MINUTES): vol.All(
            int, vol.Range(min=10, max=7 * 24 * 60)
        ),
    }


class ElderlyWristbandConfigFlow(ConfigFlow):
    """Asks for the port the watches connect to and the community's geofence."""

    VERSION = 1

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            port = user_input[CONF_PORT]
            await self.async_set_unique_id(str(port))
            self.abort_if_unique_id_configured()
            if port_is_free(port):
                return self.create_entry(f"Wristbands on port {port}", user_input)
            errors[CONF_PORT] = "port_in_use"
        schema = vol.Schema(
            {
                vol.Required(CONF_PORT, default=DEFAULT_PORT): vol.All(
                    int, vol.Range(min=1, max=65535)
                ),
                **_settings_fields(user_input or {}),
            }
        )
        return self.show_form("user", schema, errors=errors)

    @staticmethod
    def options_flow(entry: ConfigEntry) -> OptionsFlow:
        return ElderlyWristbandOptionsFlow(entry)


class ElderlyWristbandOptionsFlow(OptionsFlow):
    """Changes the geofence and the silence period (the port stays: it names the entry)."""

    async def async_step_options(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        if user_input is not None:
            # The options also hold the watches with a geofence alarm: keep them.
            return self.create_entry("", {**self.entry.options, **user_input})
        current = {**self.entry.data, **self.entry.options}
        return self.show_form("options", vol.Schema(_settings_fields(current)))
