"""The config flow of MQTT: the broker the community runs, or the hub's embedded one.

The form is checked for real: an external broker must accept a connection with the login
given; the embedded broker must be able to listen on the port.
"""

from __future__ import annotations

import asyncio
from typing import Any, Final

import voluptuous as vol

from linli.config_entries import ConfigFlow
from linli.flows import FlowResult, Password, Select

from .broker import BrokerStartError, EmbeddedBroker
from .client import BrokerSettings, check_connection
from .connection import ConnectionFailed
from .const import (
    CONF_DISCOVERY_PREFIX,
    CONF_HOST,
    CONF_MODE,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_TLS,
    CONF_TLS_INSECURE,
    CONF_USERNAME,
    CONF_ZIGBEE2MQTT_TOPIC,
    DEFAULT_BIND,
    DEFAULT_DISCOVERY_PREFIX,
    DEFAULT_PORT,
    DEFAULT_ZIGBEE2MQTT_TOPIC,
    DOMAIN,
    MODE_EMBEDDED,
    MODE_EXTERNAL,
)

PORT: Final = vol.All(int, vol.Range(min=1, max=65535))
TOPIC: Final = vol.All(str, vol.Length(min=1, max=100))

MODE_SCHEMA: Final = vol.Schema(
    {vol.Required(CONF_MODE, default=MODE_EXTERNAL): Select([MODE_EXTERNAL, MODE_EMBEDDED])}
)
TOPICS: Final = {
    vol.Optional(CONF_DISCOVERY_PREFIX, default=DEFAULT_DISCOVERY_PREFIX): TOPIC,
    vol.Optional(CONF_ZIGBEE2MQTT_TOPIC, default=DEFAULT_ZIGBEE2MQTT_TOPIC): TOPIC,
}
EXTERNAL_SCHEMA: Final = vol.Schema(
    {
        vol.Required(CONF_HOST): vol.All(str, vol.Length(min=1, max=255)),
        vol.Optional(CONF_PORT, default=DEFAULT_PORT): PORT,
        vol.Optional(CONF_USERNAME, default=""): str,
        vol.Optional(CONF_PASSWORD, default=""): Password(),
        vol.Optional(CONF_TLS, default=False): bool,
        vol.Optional(CONF_TLS_INSECURE, default=False): bool,
        **TOPICS,
    }
)
EMBEDDED_SCHEMA: Final = vol.Schema(
    {
        vol.Optional(CONF_HOST, default=DEFAULT_BIND): vol.All(str, vol.Length(min=1, max=255)),
        vol.Optional(CONF_PORT, default=DEFAULT_PORT): PORT,
        vol.Optional(CONF_USERNAME, default=""): str,
        vol.Optional(CONF_PASSWORD, default=""): Password(),
        **TOPICS,
    }
)


class MqttConfigFlow(ConfigFlow):
    """One broker per hub: choose external or embedded, then fill in its form."""

    VERSION = 1

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        if self.hub is not None and self.hub.config_entries.entries(DOMAIN):
            return self.abort("single_instance_allowed")
        if user_input is None:
            return self.show_form("user", MODE_SCHEMA)
        if user_input[CONF_MODE] == MODE_EMBEDDED:
            return await self.async_step_embedded()
        return await self.async_step_external()

    async def async_step_external(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {
                CONF_MODE: MODE_EXTERNAL,
                **user_input,
                CONF_HOST: user_input[CONF_HOST].strip(),
            }
            settings = BrokerSettings(
                host=data[CONF_HOST],
                port=data[CONF_PORT],
                username=data[CONF_USERNAME] or None,
                password=data[CONF_PASSWORD] or None,
                tls=data[CONF_TLS],
                tls_insecure=data[CONF_TLS_INSECURE],
            )
            try:
                await check_connection(settings)
            except ConnectionFailed as error:
                errors["base"] = "invalid_auth" if error.login_refused else "cannot_connect"
            else:
                return self.create_entry(f"{data[CONF_HOST]}:{data[CONF_PORT]}", data)
        return self.show_form("external", EXTERNAL_SCHEMA, errors=errors)

    async def async_step_embedded(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {CONF_MODE: MODE_EMBEDDED, **user_input}
            broker = EmbeddedBroker(data[CONF_HOST], data[CONF_PORT])
            try:
                await broker.start()
            except BrokerStartError:
                errors["base"] = "cannot_listen"
            else:
                await broker.stop()
                await asyncio.sleep(0)  # let the listener close before the entry opens it
                return self.create_entry(f"Embedded broker (port {data[CONF_PORT]})", data)
        return self.show_form("embedded", EMBEDDED_SCHEMA, errors=errors)
