"""MQTT: the hub's connection to a broker, Home Assistant discovery, and zigbee2mqtt.

One config entry names the broker: Mosquitto (or any broker) the community runs, or the
embedded broker the hub starts itself. When the integration is set up without any entry
(another integration depends on it, or ``mqtt:`` is in linli.yaml), it creates one for
the embedded broker on the configured port, so a new community needs nothing installed.

Other integrations use :func:`subscribe` and :func:`publish` (and list ``mqtt`` in their
manifest's ``dependencies``); subscriptions outlive reconnections and reloads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from linli.automation.triggers import register_trigger
from linli.config_entries import EntrySource
from linli.context import Context
from linli.exceptions import ConfigEntryError, ConfigEntryNotReady, IntegrationError

from . import trigger
from .broker import BrokerStartError, EmbeddedBroker
from .client import BrokerSettings, MqttClient, MqttNotConnected, Payload
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
    EVENT_MQTT_CONNECTION,
    FIRST_CONNECTION_TIMEOUT,
    MODE_EMBEDDED,
)
from .discovery import Discovery
from .integration_flows import IntegrationFlows
from .models import MqttData
from .subscriptions import DEFAULT_ENCODING, MessageCallback, ReceivedMessage, combined
from .zigbee2mqtt import Zigbee2Mqtt

if TYPE_CHECKING:
    from linli.config_entries import ConfigEntry
    from linli.hub import Hub

__all__ = [
    "MqttNotConnected",
    "ReceivedMessage",
    "is_connected",
    "publish",
    "subscribe",
    "zigbee2mqtt",
]

PLATFORMS: Final = ["binary_sensor", "sensor", "switch", "lock"]

# Automations may trigger on a message once the integration's code is loaded.
register_trigger("mqtt", trigger.FIELDS, trigger.attach)
_LOCAL_ADDRESSES: Final = frozenset({"", "0.0.0.0", "::"})


# -- the API of other integrations ---------------------------------------------------------


def _data(hub: Hub) -> MqttData:
    data = hub.data.get(DOMAIN)
    if data is None:
        raise IntegrationError(
            "The mqtt integration is not set up: list 'mqtt' in the manifest's dependencies"
        )
    return data


def subscribe(
    hub: Hub,
    topic: str,
    callback: MessageCallback,
    qos: int = 0,
    encoding: str | None = DEFAULT_ENCODING,
) -> Callable[[], None]:
    """Call ``callback(message)`` for each message on ``topic`` (a filter: ``+``, ``#``).

    Works before the broker is connected and across reconnections. The callback may be a
    coroutine function; its errors are logged and affect no other subscriber. Returns the
    function that unsubscribes.
    """
    return _data(hub).subscriptions.add(topic, callback, qos, encoding)


async def publish(
    hub: Hub, topic: str, payload: Payload, qos: int = 0, retain: bool = False
) -> None:
    """Publish one message; raises MqttNotConnected while the broker is not reachable."""
    await _data(hub).publish(topic, payload, qos, retain)


def is_connected(hub: Hub) -> bool:
    """Whether the hub is connected to its broker now."""
    data = hub.data.get(DOMAIN)
    return data is not None and data.connected


def zigbee2mqtt(hub: Hub) -> Zigbee2Mqtt | None:
    """The zigbee2mqtt bridge the loaded entry follows, if any."""
    data = hub.data.get(DOMAIN)
    return None if data is None else data.zigbee2mqtt


def bad_input_counts(hub: Hub) -> dict[str, int]:
    """Messages and discovery configs dropped so far, by reason."""
    return dict(_data(hub).bad_input.counts)


# -- the integration ---------------------------------------------------------------------------


def embedded_entry_data(options: dict[str, Any]) -> dict[str, Any]:
    """The data of an embedded broker's entry, from linli.yaml's ``mqtt:`` options."""
    return {
        CONF_MODE: MODE_EMBEDDED,
        CONF_HOST: options.get(CONF_HOST, DEFAULT_BIND),
        CONF_PORT: options.get(CONF_PORT, DEFAULT_PORT),
        CONF_USERNAME: options.get(CONF_USERNAME, ""),
        CONF_PASSWORD: options.get(CONF_PASSWORD, ""),
        CONF_DISCOVERY_PREFIX: options.get(CONF_DISCOVERY_PREFIX, DEFAULT_DISCOVERY_PREFIX),
        CONF_ZIGBEE2MQTT_TOPIC: options.get(CONF_ZIGBEE2MQTT_TOPIC, DEFAULT_ZIGBEE2MQTT_TOPIC),
    }


async def async_setup(hub: Hub, config: dict[str, Any]) -> bool:
    """Keep the hub-wide subscriptions; with no broker configured, add the embedded one."""
    hub.data[DOMAIN] = MqttData.create(hub)
    if not hub.config_entries.entries(DOMAIN):
        entry = hub.config_entries.create(
            DOMAIN, "Embedded broker", embedded_entry_data(config), source=EntrySource.system
        )
        hub.create_task(hub.config_entries.setup(entry.id), "set up the embedded MQTT broker")
    return True


async def async_unload(hub: Hub) -> bool:
    hub.data.pop(DOMAIN, None)
    return True


def broker_settings(entry: ConfigEntry) -> BrokerSettings:
    """Where the hub's client connects: the entry's broker, or the embedded one locally."""
    data = entry.data
    host = data[CONF_HOST]
    if data[CONF_MODE] == MODE_EMBEDDED and host in _LOCAL_ADDRESSES:
        host = "127.0.0.1"
    return BrokerSettings(
        host=host,
        port=data[CONF_PORT],
        username=data.get(CONF_USERNAME) or None,
        password=data.get(CONF_PASSWORD) or None,
        tls=data.get(CONF_TLS, False),
        tls_insecure=data.get(CONF_TLS_INSECURE, False),
        birth_topic=f"{data[CONF_DISCOVERY_PREFIX]}/status",
    )


async def async_setup_entry(hub: Hub, entry: ConfigEntry) -> bool:
    """Start the embedded broker if asked, add the entities, connect, and discover."""
    data = _data(hub)
    if data.client is not None:
        raise ConfigEntryError("The hub already has an MQTT broker: remove that entry first")
    if entry.data[CONF_MODE] == MODE_EMBEDDED:
        broker = EmbeddedBroker(
            entry.data[CONF_HOST],
            entry.data[CONF_PORT],
            entry.data.get(CONF_USERNAME) or None,
            entry.data.get(CONF_PASSWORD) or None,
        )
        try:
            await broker.start()
        except BrokerStartError as error:
            raise ConfigEntryNotReady(str(error)) from error
        data.broker = broker

    def connection_changed(connected: bool, reason: str | None) -> None:
        entry.reason = None if connected else f"disconnected: {reason}; reconnecting"
        for entity in data.status_entities:
            if entity.hub is not None:
                entity.write_state()
        hub.bus.fire(
            EVENT_MQTT_CONNECTION,
            {"entry_id": entry.id, "connected": connected, "reason": reason},
            context=Context(origin="mqtt"),
        )

    client = data.client = MqttClient(
        hub, broker_settings(entry), data.subscriptions, connection_changed
    )
    stops: list[Callable[[], None]] = []
    hub.config_entries.on_unload(entry, combined(stops))
    try:
        await hub.config_entries.forward_entry_setups(entry, PLATFORMS)
        data.zigbee2mqtt = Zigbee2Mqtt(data, entry.data[CONF_ZIGBEE2MQTT_TOPIC], entry.id)
        stops += [
            Discovery(data, entry.data[CONF_DISCOVERY_PREFIX]).start(),
            data.zigbee2mqtt.start(),
            IntegrationFlows(data).start(),
        ]
        client.start()
        connected = await client.first_attempt(FIRST_CONNECTION_TIMEOUT)
    except BaseException:
        await _close(data)
        raise
    if not connected:
        await _close(data)
        where = client.settings.describe()
        if client.login_refused:
            raise ConfigEntryError(f"{where} refused the username or password: {client.last_error}")
        raise ConfigEntryNotReady(f"cannot connect to {where}: {client.last_error or 'timed out'}")
    return True


async def _close(data: MqttData) -> None:
    """Disconnect and stop the embedded broker; the subscriptions stay for the next entry."""
    client, broker = data.client, data.broker
    data.client = data.broker = data.zigbee2mqtt = None
    data.platforms.clear()
    data.status_entities.clear()
    if client is not None:
        await client.stop()
    if broker is not None:
        await broker.stop()


async def async_unload_entry(hub: Hub, entry: ConfigEntry) -> bool:
    await _close(_data(hub))
    return True
