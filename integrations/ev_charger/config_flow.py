"""The forms of a charging site: where charge points connect, the supply, the prices."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol

from linli.config_entries import ConfigEntry, ConfigFlow, OptionsFlow
from linli.flows import FlowResult, Password
from linli.http.endpoints import is_endpoint_name

from .const import (
    CONF_AUTO_REGISTER,
    CONF_CONNECTOR_MAX_KW,
    CONF_ENDPOINT,
    CONF_IDLE_FEE_FEN_PER_MINUTE,
    CONF_IDLE_GRACE_MINUTES,
    CONF_NAME,
    CONF_PASSWORD,
    CONF_SERVICE_FEE_FEN,
    CONF_SUPPLY_LIMIT_KW,
    CONF_TARIFF_FEN_PER_KWH,
    DEFAULT_AUTO_REGISTER,
    DEFAULT_CONNECTOR_MAX_KW,
    DEFAULT_ENDPOINT,
    DEFAULT_IDLE_FEE_FEN_PER_MINUTE,
    DEFAULT_IDLE_GRACE_MINUTES,
    DEFAULT_SERVICE_FEE_FEN,
    DEFAULT_SUPPLY_LIMIT_KW,
    DEFAULT_TARIFF_FEN_PER_KWH,
)

ENDPOINT = vol.All(str, vol.Length(min=1, max=64))
FEN = vol.All(int, vol.Range(min=0, max=100_000))


def _site_fields(current: Mapping[str, Any]) -> dict[vol.Marker, Any]:
    """The supply, prices and admission, with ``current`` values as defaults."""

    def field(key: str, default: Any) -> vol.Marker:
        return vol.Required(key, default=current.get(key, default))

    return {
        field(CONF_SUPPLY_LIMIT_KW, DEFAULT_SUPPLY_LIMIT_KW): vol.All(
            vol.Coerce(float), vol.Range(min=0, max=10_000)
        ),
        field(CONF_CONNECTOR_MAX_KW, DEFAULT_CONNECTOR_MAX_KW): vol.All(
            vol.Coerce(float), vol.Range(min=1.4, max=350)
        ),
        field(CONF_TARIFF_FEN_PER_KWH, DEFAULT_TARIFF_FEN_PER_KWH): FEN,
        field(CONF_SERVICE_FEE_FEN, DEFAULT_SERVICE_FEE_FEN): FEN,
        field(CONF_IDLE_FEE_FEN_PER_MINUTE, DEFAULT_IDLE_FEE_FEN_PER_MINUTE): FEN,
        field(CONF_IDLE_GRACE_MINUTES, DEFAULT_IDLE_GRACE_MINUTES): vol.All(
            int, vol.Range(min=0, max=24 * 60)
        ),
        field(CONF_AUTO_REGISTER, DEFAULT_AUTO_REGISTER): bool,
        vol.Optional(CONF_PASSWORD, default=current.get(CONF_PASSWORD, "")): Password(),
    }


class EvChargerConfigFlow(ConfigFlow):
    """Asks for the site's name and endpoint, its supply limit and its prices."""

    VERSION = 1

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            endpoint = user_input[CONF_ENDPOINT]
            await self.async_set_unique_id(endpoint)
            self.abort_if_unique_id_configured()
            if not is_endpoint_name(endpoint):
                errors[CONF_ENDPOINT] = "invalid_endpoint"
            elif self.hub is not None and endpoint in self.hub.http.endpoints:
                errors[CONF_ENDPOINT] = "endpoint_in_use"
            else:
                return self.create_entry(user_input[CONF_NAME], user_input)
        current = user_input or {}
        schema = vol.Schema(
            {
                vol.Required(CONF_NAME, default=current.get(CONF_NAME, "充电桩")): vol.All(
                    str, vol.Length(min=1, max=64)
                ),
                vol.Required(
                    CONF_ENDPOINT, default=current.get(CONF_ENDPOINT, DEFAULT_ENDPOINT)
                ): ENDPOINT,
                **_site_fields(current),
            }
        )
        return self.show_form("user", schema, errors=errors)

    @staticmethod
    def options_flow(entry: ConfigEntry) -> OptionsFlow:
        return EvChargerOptionsFlow(entry)


class EvChargerOptionsFlow(OptionsFlow):
    """Changes the supply limit, prices and admission (the endpoint names the entry)."""

    async def async_step_options(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        if user_input is not None:
            return self.create_entry("", {**self.entry.options, **user_input})
        current = {**self.entry.data, **self.entry.options}
        return self.show_form("options", vol.Schema(_site_fields(current)))
