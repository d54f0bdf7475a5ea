"""The forms: a locker bank (its compartments and the courier system's endpoint and
secret), and its fees and limits."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

import voluptuous as vol

from linli.config_entries import ConfigEntry, ConfigFlow, OptionsFlow
from linli.flows import FlowResult, Password

from .const import (
    CONF_ENDPOINT,
    CONF_EXPIRE_DAYS,
    CONF_LARGE,
    CONF_MAX_TRIES,
    CONF_MEDIUM,
    CONF_NAME,
    CONF_OVERDUE_FEE,
    CONF_OVERDUE_HOURS,
    CONF_SECRET,
    CONF_SMALL,
    DEFAULT_ENDPOINT,
    DEFAULT_EXPIRE_DAYS,
    DEFAULT_MAX_TRIES,
    DEFAULT_OVERDUE_FEE,
    DEFAULT_OVERDUE_HOURS,
    MIN_SECRET_LENGTH,
)

# As linli.http.endpoints accepts it: one lower-case path segment.
ENDPOINT: Final = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
COUNT: Final = vol.All(int, vol.Range(min=0, max=500))


def _limits(current: Mapping[str, Any]) -> dict[vol.Marker, Any]:
    """The fees and limits, with ``current`` values (else the defaults) shown."""
    return {
        vol.Required(
            CONF_OVERDUE_HOURS, default=current.get(CONF_OVERDUE_HOURS, DEFAULT_OVERDUE_HOURS)
        ): vol.All(int, vol.Range(min=1, max=30 * 24)),
        vol.Required(
            CONF_OVERDUE_FEE, default=current.get(CONF_OVERDUE_FEE, DEFAULT_OVERDUE_FEE)
        ): vol.All(int, vol.Range(min=0, max=100_000)),
        vol.Required(
            CONF_MAX_TRIES, default=current.get(CONF_MAX_TRIES, DEFAULT_MAX_TRIES)
        ): vol.All(int, vol.Range(min=1, max=20)),
        vol.Required(
            CONF_EXPIRE_DAYS, default=current.get(CONF_EXPIRE_DAYS, DEFAULT_EXPIRE_DAYS)
        ): vol.All(int, vol.Range(min=1, max=60)),
    }


class CourierLockerConfigFlow(ConfigFlow):
    """One entry per bank, keyed by its endpoint."""

    VERSION = 1

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            if not ENDPOINT.fullmatch(user_input[CONF_ENDPOINT]):
                errors[CONF_ENDPOINT] = "invalid_endpoint"
            elif not any(user_input[size] for size in (CONF_SMALL, CONF_MEDIUM, CONF_LARGE)):
                errors["base"] = "no_compartments"
            else:
                await self.async_set_unique_id(user_input[CONF_ENDPOINT])
                self.abort_if_unique_id_configured()
                return self.create_entry(user_input[CONF_NAME], user_input)
        current = user_input or {}
        schema = vol.Schema(
            {
                vol.Required(CONF_NAME, default=current.get(CONF_NAME, vol.UNDEFINED)): vol.All(
                    str, vol.Length(min=1, max=100)
                ),
                vol.Required(
                    CONF_ENDPOINT, default=current.get(CONF_ENDPOINT, DEFAULT_ENDPOINT)
                ): vol.All(str, vol.Length(min=1, max=64)),
                vol.Required(CONF_SECRET): vol.All(
                    Password(), vol.Length(min=MIN_SECRET_LENGTH, max=256)
                ),
                vol.Required(CONF_SMALL, default=current.get(CONF_SMALL, 0)): COUNT,
                vol.Required(CONF_MEDIUM, default=current.get(CONF_MEDIUM, 0)): COUNT,
                vol.Required(CONF_LARGE, default=current.get(CONF_LARGE, 0)): COUNT,
                **_limits(current),
            }
        )
        return self.show_form("user", schema, errors=errors)

    @staticmethod
    def options_flow(entry: ConfigEntry) -> OptionsFlow:
        return CourierLockerOptionsFlow(entry)


class CourierLockerOptionsFlow(OptionsFlow):
    """Changes the fees and limits; the compartments and endpoint name the bank."""

    async def async_step_options(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        if user_input is not None:
            return self.create_entry("", user_input)
        current = {**self.entry.data, **self.entry.options}
        return self.show_form("options", vol.Schema(_limits(current)))
