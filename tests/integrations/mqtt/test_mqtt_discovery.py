"""Home Assistant discovery through the embedded broker: entities come, change and go."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import aiomqtt
import pytest
import zigbee2mqtt_payloads as z2m
from mqtt_helpers import mqtt_data, wait_for

from linli.context import Context
from linli.hub import Hub
from linli.integrations import mqtt
from linli.testing import fire_time_changed

SMOKE = "binary_sensor.kitchen_smoke_smoke"
BATTERY = "sensor.kitchen_smoke_battery"
SMOKE_CONFIG = f"homeassistant/binary_sensor/{z2m.IEEE}/smoke/config"
BATTERY_CONFIG = f"homeassistant/sensor/{z2m.IEEE}/battery/config"


async def publish(
    device: aiomqtt.Client, topic: str, payload: object, retain: bool = False
) -> None:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    await device.publish(topic, text, qos=1, retain=retain)


def state_of(hub: Hub, entity_id: str) -> str | None:
    state = hub.states.get(entity_id)
    return None if state is None else state.state


async def pair_smoke_detector(hub: Hub, device: aiomqtt.Client) -> None:
    """zigbee2mqtt comes online with the detector, as after a restart (retained topics)."""
    await publish(device, "zigbee2mqtt/bridge/devices", z2m.bridge_devices(), retain=True)
    await publish(device, "zigbee2mqtt/bridge/state", {"state": "online"}, retain=True)
    await publish(device, SMOKE_CONFIG, z2m.smoke_config(), retain=True)
    await publish(device, BATTERY_CONFIG, z2m.battery_config(), retain=True)
    await publish(device, f"zigbee2mqtt/{z2m.NAME}/availability", {"state": "online"}, retain=True)
    await wait_for(lambda: state_of(hub, SMOKE) and state_of(hub, BATTERY))


async def test_a_zigbee2mqtt_smoke_detector_is_discovered_and_reports_smoke(
    embedded_hub: Hub, device: aiomqtt.Client
) -> None:
    await pair_smoke_detector(embedded_hub, device)
    await wait_for(lambda: state_of(embedded_hub, SMOKE) == "unknown")

    smoke = embedded_hub.states.get(SMOKE)
    assert smoke.attributes["device_class"] == "smoke"
    assert smoke.attributes["friendly_name"] == "kitchen_smoke Smoke"
    registry_entry = embedded_hub.entities.get(SMOKE)
    assert registry_entry.platform == "mqtt"
    assert registry_entry.unique_id == f"{z2m.IEEE}_smoke_zigbee2mqtt"
    detector = embedded_hub.devices.get(registry_entry.device_id)
    assert (detector.manufacturer, detector.model) == ("HEIMAN", "Smoke detector (HS1SA)")
    assert ("mqtt", f"zigbee2mqtt_{z2m.IEEE}") in detector.identifiers
    bridge = embedded_hub.devices.get_by_identifier("mqtt", f"zigbee2mqtt_bridge_{z2m.COORDINATOR}")
    assert detector.via_device_id == bridge.id

    await publish(device, f"zigbee2mqtt/{z2m.NAME}", z2m.state(smoke=True, battery=87))
    await wait_for(lambda: state_of(embedded_hub, SMOKE) == "on")
    assert state_of(embedded_hub, BATTERY) == "87"
    battery = embedded_hub.states.get(BATTERY)
    assert battery.attributes["unit_of_measurement"] == "%"
    assert battery.attributes["state_class"] == "measurement"

    await publish(device, f"zigbee2mqtt/{z2m.NAME}", z2m.state(smoke=False))
    await wait_for(lambda: state_of(embedded_hub, SMOKE) == "off")


async def test_availability_follows_the_device_and_the_bridge(
    embedded_hub: Hub, device: aiomqtt.Client
) -> None:
    await pair_smoke_detector(embedded_hub, device)
    await wait_for(lambda: state_of(embedded_hub, SMOKE) == "unknown")

    await publish(device, f"zigbee2mqtt/{z2m.NAME}/availability", {"state": "offline"})
    await wait_for(lambda: state_of(embedded_hub, SMOKE) == "unavailable")
    bridge = mqtt.zigbee2mqtt(embedded_hub)
    assert bridge.available[z2m.NAME] is False
    await publish(device, f"zigbee2mqtt/{z2m.NAME}/availability", "online")  # the old plain form
    await wait_for(lambda: state_of(embedded_hub, SMOKE) == "unknown")

    await publish(device, "zigbee2mqtt/bridge/state", {"state": "offline"})
    await wait_for(lambda: state_of(embedded_hub, SMOKE) == "unavailable")
    assert bridge.bridge_online is False
    assert state_of(embedded_hub, "binary_sensor.zigbee2mqtt_bridge") == "off"


async def test_an_empty_config_removes_the_entity_and_its_last_entity_the_device(
    embedded_hub: Hub, device: aiomqtt.Client
) -> None:
    await pair_smoke_detector(embedded_hub, device)
    device_id = embedded_hub.entities.get(SMOKE).device_id

    await publish(device, SMOKE_CONFIG, "", retain=True)
    await wait_for(lambda: embedded_hub.states.get(SMOKE) is None)
    assert embedded_hub.entities.get(SMOKE) is None
    assert embedded_hub.devices.get(device_id) is not None  # the battery is still there

    await publish(device, BATTERY_CONFIG, "", retain=True)
    await wait_for(lambda: embedded_hub.devices.get(device_id) is None)


async def test_a_changed_config_replaces_the_entity_under_the_same_id(
    embedded_hub: Hub, device: aiomqtt.Client
) -> None:
    await pair_smoke_detector(embedded_hub, device)
    changed = {**z2m.smoke_config(), "name": "Smoke alarm", "state_topic": "zigbee2mqtt/moved"}

    await publish(device, SMOKE_CONFIG, changed, retain=True)
    await wait_for(
        lambda: (
            embedded_hub.states.get(SMOKE).attributes["friendly_name"]
            == "kitchen_smoke Smoke alarm"
        )
    )
    await publish(device, "zigbee2mqtt/moved", z2m.state(smoke=True))
    await wait_for(lambda: state_of(embedded_hub, SMOKE) == "on")


async def test_a_tasmota_switch_with_a_base_topic_is_turned_on_by_a_service_call(
    embedded_hub: Hub, device: aiomqtt.Client
) -> None:
    config = {
        "~": "tasmota/plug_3F2A1C",
        "name": "Corridor light",
        "uniq_id": "3F2A1C_RL_1",
        "cmd_t": "~/cmnd/POWER",
        "stat_t": "~/tele/STATE",
        "val_tpl": "{{value_json.POWER}}",
        "pl_on": "ON",
        "pl_off": "OFF",
        "avty_t": "~/tele/LWT",
        "pl_avail": "Online",
        "pl_not_avail": "Offline",
        "dev": {"cns": [["mac", "a4:cf:12:3f:2a:1c"]], "name": "Plug 3F2A1C", "mf": "Tasmota"},
    }
    await device.subscribe("tasmota/plug_3F2A1C/cmnd/POWER")
    await publish(device, "homeassistant/switch/3F2A1C/RL_1/config", config)
    await publish(device, "tasmota/plug_3F2A1C/tele/LWT", "Online", retain=True)
    entity_id = "switch.plug_3f2a1c_corridor_light"
    await wait_for(lambda: state_of(embedded_hub, entity_id) == "unknown")

    await embedded_hub.services.call(
        "switch", "turn_on", {"entity_id": entity_id}, context=Context(origin="test")
    )
    async with asyncio.timeout(5):
        command = await anext(aiter(device.messages))
    assert (command.topic.value, command.payload) == ("tasmota/plug_3F2A1C/cmnd/POWER", b"ON")
    assert state_of(embedded_hub, entity_id) == "unknown"  # it has a state topic: not optimistic

    await publish(device, "tasmota/plug_3F2A1C/tele/STATE", {"POWER": "ON", "Uptime": "0T01:02"})
    await wait_for(lambda: state_of(embedded_hub, entity_id) == "on")
    device_entry = embedded_hub.devices.get(embedded_hub.entities.get(entity_id).device_id)
    assert ("mac", "a4:cf:12:3f:2a:1c") in device_entry.connections


@pytest.mark.parametrize(
    ("topic", "payload", "reason"),
    [
        (SMOKE_CONFIG, "{not json", "invalid_json"),
        (SMOKE_CONFIG, "[1, 2]", "invalid_config"),
        (SMOKE_CONFIG, {"name": "no state topic"}, "invalid_config"),
        (SMOKE_CONFIG, {"state_topic": "a/#/b"}, "invalid_config"),
        (
            SMOKE_CONFIG,
            {"state_topic": "a", "value_template": "{% if x %}1{% endif %}"},
            "invalid_config",
        ),
        (SMOKE_CONFIG, {"state_topic": "a", "device": {"name": "no ids"}}, "invalid_config"),
        ("homeassistant/vacuum/robo/config", {"state_topic": "a"}, "unknown_component"),
        ("homeassistant/device_tracker/watch/config", {"state_topic": "a"}, "protected_data"),
        (
            "homeassistant/sensor/watch/heart/config",
            {"state_topic": "a", "device_class": "heart_rate"},
            "protected_data",
        ),
        (
            "homeassistant/binary_sensor/a/b/c/config",
            {"state_topic": "a"},
            "invalid_discovery_topic",
        ),
    ],
)
async def test_a_config_that_cannot_be_used_is_counted_and_dropped(
    embedded_hub: Hub, device: aiomqtt.Client, topic: str, payload: object, reason: str
) -> None:
    await publish(device, topic, payload)
    await wait_for(lambda: mqtt.bad_input_counts(embedded_hub).get(reason) == 1)
    assert [state.entity_id for state in embedded_hub.states.all("binary_sensor")] == [
        "binary_sensor.mqtt_embedded_broker_connected"
    ]

    await pair_smoke_detector(embedded_hub, device)  # the next device is not affected
    fire_time_changed(embedded_hub, timedelta(seconds=31))  # the counter is polled
    await embedded_hub.block_till_done()
    dropped = embedded_hub.states.get("sensor.mqtt_embedded_broker_dropped_messages")
    assert dropped.state == "1"
    assert dropped.attributes[reason] == 1


async def test_a_state_message_that_does_not_fit_is_counted_and_the_state_kept(
    embedded_hub: Hub, device: aiomqtt.Client
) -> None:
    await pair_smoke_detector(embedded_hub, device)
    await publish(device, f"zigbee2mqtt/{z2m.NAME}", z2m.state(smoke=True, battery=90))
    await wait_for(lambda: state_of(embedded_hub, SMOKE) == "on")

    await publish(device, f"zigbee2mqtt/{z2m.NAME}", "garbage{")
    await publish(
        device, f"zigbee2mqtt/{z2m.NAME}", json.dumps({"smoke": "maybe", "battery": "lots"})
    )
    await wait_for(lambda: mqtt.bad_input_counts(embedded_hub).get("unexpected_payload") == 2, 2)
    assert mqtt.bad_input_counts(embedded_hub)["template_error"] == 2  # both entities
    assert state_of(embedded_hub, SMOKE) == "on"
    assert state_of(embedded_hub, BATTERY) == "90"
    assert mqtt_data(embedded_hub).connected
