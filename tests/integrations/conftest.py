"""Fixtures of the integrations that speak MQTT: a hub whose mqtt integration runs the
embedded broker on a free port (no broker configured), and a device on the same broker."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiomqtt
import pytest
from mqtt_helpers import wait_for

from linli.config_entries import ConfigEntryState
from linli.hub import Hub
from linli.integrations import mqtt
from linli.integrations.mqtt.const import DOMAIN
from linli.plugins import PluginManager
from linli.testing.plugin import HubFactory
from linli.testing.processes import free_port


@pytest.fixture
def broker_port() -> int:
    return free_port()


@pytest.fixture
async def embedded_hub(hub_factory: HubFactory, plugins: PluginManager, broker_port: int) -> Hub:
    """A hub whose linli.yaml names mqtt but no broker: at start it runs the embedded one."""
    hub = await hub_factory(
        plugins=plugins, integrations={DOMAIN: {"host": "127.0.0.1", "port": broker_port}}
    )
    (entry,) = hub.config_entries.entries(DOMAIN)
    await wait_for(lambda: entry.state is ConfigEntryState.loaded)
    assert mqtt.is_connected(hub)
    return hub


@pytest.fixture
async def device(broker_port: int) -> AsyncIterator[aiomqtt.Client]:
    """A device connected to the embedded broker (start ``embedded_hub`` first)."""
    async with aiomqtt.Client("127.0.0.1", broker_port, identifier="test-device") as client:
        yield client
