"""The config flow of Acme Courier Locker: the form that adds a locker bank to the hub."""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from linli.config_entries import ConfigFlow
from linli.flows import FlowResult

from .api import CannotConnect, InvalidResponse, LockerBankClient
from .const import CONF_HOST, CONF_PORT, DEFAULT_PORT

USER_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_HOST): str,
        vol.Optional(CONF_PORT, default=DEFAULT_PORT): vol.All(int, vol.Range(min=1, max=65535)),
    }
)


class AcmeLockerConfigFlow(ConfigFlow):
    """Asks for the bank's address, asks the bank for its serial: one entry per bank."""

    VERSION = 1

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            host = user_input[CONF_HOST].strip()
            try:
                status = await LockerBankClient(host, user_input[CONF_PORT]).get_status()
            except CannotConnect:
                errors["base"] = "cannot_connect"
            except InvalidResponse:
                errors["base"] = "invalid_response"
            else:
                await self.async_set_unique_id(status.serial)
                self.abort_if_unique_id_configured()
                return self.create_entry(
                    f"Acme {status.model} {status.serial}",
                    {CONF_HOST: host, CONF_PORT: user_input[CONF_PORT]},
                )
        return self.show_form("user", USER_SCHEMA, errors=errors)
