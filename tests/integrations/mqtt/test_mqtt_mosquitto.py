"""The config flow, and the integration against the real Mosquitto at 127.0.0.1:1883.

Each test uses its own topic prefix, so tests running at once on the shared broker never
see each other's messages; nothing retained is left behind.
"""

from __future__ import annotations

import json

import aiomqtt
import pytest
import zigbee2mqtt_payloads as z2m
from mqtt_helpers import mqtt_data, wait_for

from linli.config_entries import ConfigEntryState
from linli.flows import FlowContext, FlowResult, FlowResultType
from linli.hub import Hub
from linli.integrations import mqtt
from linli.integrations.mqtt.broker import EmbeddedBroker
from linli.integrations.mqtt.const import DOMAIN
from linli.testing.processes import free_port

USER = "operator-1"


def state_of(hub: Hub, entity_id: str) -> str | None:
    state = hub.states.get(entity_id)
    return None if state is None else state.state


async def add_broker(hub: Hub, mode: str, form: dict[str, object]) -> FlowResult:
    flows = hub.config_entries.flow
    first = await flows.init(DOMAIN, context=FlowContext(user_id=USER))
    assert first.step_id == "user"
    second = await flows.configure(first.flow_id, {"mode": mode}, user_id=USER)
    assert second.step_id == mode
    return await flows.configure(second.flow_id, form, user_id=USER)


async def test_mosquitto_is_added_and_a_smoke_detector_discovered_through_it(
    hub: Hub, mosquitto: tuple[str, int], prefix: str
) -> None:
    host, port = mosquitto
    base = f"{prefix}/zigbee2mqtt"
    done = await add_broker(
        hub,
        "external",
        {
            "host": host,
            "port": port,
            "discovery_prefix": f"{prefix}/homeassistant",
            "zigbee2mqtt_topic": base,
        },
    )
    assert done.type is FlowResultType.create_entry, done
    assert done.result.state is ConfigEntryState.loaded
    assert done.title == f"{host}:{port}"
    assert mqtt.is_connected(hub)

    async with aiomqtt.Client(host, port) as device:
        retained = [f"{base}/bridge/state", f"{base}/{z2m.NAME}/availability"]
        try:
            await device.publish(retained[0], "online", retain=True)
            await device.publish(retained[1], '{"state": "online"}', retain=True)
            config_topic = f"{prefix}/homeassistant/binary_sensor/{z2m.IEEE}/smoke/config"
            await device.publish(config_topic, json.dumps(z2m.smoke_config(base)))
            await wait_for(lambda: state_of(hub, "binary_sensor.kitchen_smoke_smoke") == "unknown")
            await device.publish(f"{base}/{z2m.NAME}", z2m.state(smoke=True))
            await wait_for(lambda: state_of(hub, "binary_sensor.kitchen_smoke_smoke") == "on")
        finally:
            for topic in retained:
                await device.publish(topic, b"", retain=True)  # leave Mosquitto clean

        received: list[str] = []
        mqtt.subscribe(hub, f"{prefix}/echo", lambda message: received.append(message.payload))
        await mqtt_data(hub).client.subscribed()
        await device.publish(f"{prefix}/echo", "ping")
        await wait_for(lambda: received == ["ping"])


async def test_a_broker_that_does_not_answer_is_a_form_error(hub: Hub) -> None:
    result = await add_broker(hub, "external", {"host": "127.0.0.1", "port": free_port()})
    assert result.type is FlowResultType.form
    assert result.errors == {"base": "cannot_connect"}


async def test_a_refused_login_is_a_form_error(hub: Hub) -> None:
    port = free_port()
    broker = EmbeddedBroker("127.0.0.1", port, username="linli", password="right")
    await broker.start()
    try:
        result = await add_broker(
            hub,
            "external",
            {"host": "127.0.0.1", "port": port, "username": "linli", "password": "wrong"},
        )
        assert result.errors == {"base": "invalid_auth"}
        done = await add_broker(
            hub,
            "external",
            {"host": "127.0.0.1", "port": port, "username": "linli", "password": "right"},
        )
        assert done.result.state is ConfigEntryState.loaded
    finally:
        await hub.config_entries.unload(hub.config_entries.entries(DOMAIN)[0].id)
        await broker.stop()


async def test_the_embedded_broker_is_chosen_in_the_form_and_needs_its_login(hub: Hub) -> None:
    port = free_port()
    done = await add_broker(
        hub,
        "embedded",
        {"host": "127.0.0.1", "port": port, "username": "devices", "password": "s3cret"},
    )
    assert done.result.state is ConfigEntryState.loaded
    assert mqtt.is_connected(hub)
    async with aiomqtt.Client("127.0.0.1", port, username="devices", password="s3cret"):
        pass
    with pytest.raises(aiomqtt.MqttError, match="Not authorized"):
        async with aiomqtt.Client("127.0.0.1", port):
            pass

    again = await hub.config_entries.flow.init(DOMAIN, context=FlowContext(user_id=USER))
    assert again.type is FlowResultType.abort
    assert again.reason == "single_instance_allowed"


async def test_a_port_in_use_is_a_form_error(hub: Hub) -> None:
    port = free_port()
    other = EmbeddedBroker("127.0.0.1", port)
    await other.start()
    try:
        result = await add_broker(hub, "embedded", {"host": "127.0.0.1", "port": port})
    finally:
        await other.stop()
    assert result.errors == {"base": "cannot_listen"}


async def test_an_unreachable_broker_at_start_is_retried(hub: Hub) -> None:
    entry = await hub.config_entries.add(
        DOMAIN,
        "gone",
        {
            "mode": "external",
            "host": "127.0.0.1",
            "port": free_port(),
            "discovery_prefix": "homeassistant",
            "zigbee2mqtt_topic": "zigbee2mqtt",
        },
    )
    assert entry.state is ConfigEntryState.setup_retry
    assert "cannot connect to mqtt://127.0.0.1" in entry.reason
    assert not mqtt.is_connected(hub)
