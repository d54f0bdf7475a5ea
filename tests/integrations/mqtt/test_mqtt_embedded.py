"""The embedded broker: a community with nothing installed gets MQTT, and keeps it when the
broker restarts."""

from __future__ import annotations

import asyncio

import aiomqtt
from mqtt_helpers import mqtt_data, wait_for

from linli.config_entries import ConfigEntryState, EntrySource
from linli.hub import Hub
from linli.integrations import mqtt
from linli.integrations.mqtt.const import DOMAIN, EVENT_MQTT_CONNECTION, MODE_EMBEDDED
from linli.integrations.mqtt.subscriptions import ReceivedMessage

CONNECTED = "binary_sensor.mqtt_embedded_broker_connected"


async def test_with_no_configuration_the_hub_runs_its_own_broker(
    embedded_hub: Hub, broker_port: int, device: aiomqtt.Client
) -> None:
    (entry,) = embedded_hub.config_entries.entries(DOMAIN)
    assert entry.source == EntrySource.system
    assert entry.data["mode"] == MODE_EMBEDDED
    assert entry.data["port"] == broker_port
    assert embedded_hub.states.get(CONNECTED).state == "on"

    received: list[ReceivedMessage] = []
    mqtt.subscribe(embedded_hub, "home/+/temperature", received.append)
    await device.subscribe("hub/#")
    await mqtt_data(embedded_hub).client.subscribed()

    await device.publish("home/kitchen/temperature", "21.5")
    await mqtt.publish(embedded_hub, "hub/hello", "你好", qos=1)

    await wait_for(lambda: received)
    assert (received[0].topic, received[0].payload) == ("home/kitchen/temperature", "21.5")
    async with asyncio.timeout(5):
        message = await anext(aiter(device.messages))
    assert (message.topic.value, message.payload.decode()) == ("hub/hello", "你好")


async def test_the_client_reconnects_and_resubscribes_when_the_broker_restarts(
    embedded_hub: Hub, broker_port: int
) -> None:
    data = mqtt_data(embedded_hub)
    changes: list[bool] = []
    embedded_hub.bus.listen(
        EVENT_MQTT_CONNECTION, lambda event: changes.append(event.data["connected"])
    )
    received: list[str] = []
    mqtt.subscribe(embedded_hub, "sensors/#", lambda message: received.append(message.payload))

    await data.broker.stop()
    await wait_for(lambda: not mqtt.is_connected(embedded_hub))
    assert embedded_hub.states.get(CONNECTED).state == "off"
    (entry,) = embedded_hub.config_entries.entries(DOMAIN)
    assert entry.state is ConfigEntryState.loaded
    assert entry.reason.startswith("disconnected")

    await data.broker.start()
    await wait_for(lambda: mqtt.is_connected(embedded_hub))
    assert embedded_hub.states.get(CONNECTED).state == "on"
    assert entry.reason is None
    assert changes == [False, True]
    assert data.client.connections == 2

    async with aiomqtt.Client("127.0.0.1", broker_port) as device:
        await device.publish("sensors/door", "open")
    await wait_for(lambda: received == ["open"])


async def test_overlapping_subscriptions_get_each_message_once(
    embedded_hub: Hub, device: aiomqtt.Client
) -> None:
    wide: list[str] = []
    narrow: list[str] = []
    mqtt.subscribe(embedded_hub, "room/+", lambda message: wide.append(message.payload))
    mqtt.subscribe(embedded_hub, "room/kitchen", lambda message: narrow.append(message.payload))
    await mqtt_data(embedded_hub).client.subscribed()

    await device.publish("room/kitchen", "1", qos=1)
    await device.publish("room/hall", "2", qos=1)
    await wait_for(lambda: len(wide) == 2)
    await asyncio.sleep(0.1)  # a duplicate would have come by now
    assert (wide, narrow) == (["1", "2"], ["1"])
