"""Detectors reporting through zigbee2mqtt on the embedded broker: alarms, tests, trouble,
silence, and what they send that cannot be used."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import aiomqtt
import pytest
from detector_helpers import BATTERY, SMOKE, add_detector, send, state
from mqtt_helpers import wait_for

from linli.config_entries import ConfigEntryState
from linli.hub import Hub
from linli.integrations.smoke_detector import bad_input
from linli.integrations.smoke_detector.const import DOMAIN, EVENT_DETECTOR_TEST
from linli.testing import fire_time_changed


@pytest.fixture
async def household(embedded_hub: Hub) -> str:
    unit = embedded_hub.community.units.create("1-101", 89.5)
    return embedded_hub.community.households.create("王家", unit.id).id


async def test_smoke_raises_a_critical_alarm_for_the_household(
    embedded_hub: Hub, device: aiomqtt.Client, household: str
) -> None:
    entry = await add_detector(embedded_hub, household)
    assert entry.state is ConfigEntryState.loaded
    await embedded_hub.block_till_done()

    await send(device, state(battery=87))
    await wait_for(lambda: embedded_hub.states.get(SMOKE).state == "off")
    assert embedded_hub.states.get(BATTERY).state == "87"
    assert embedded_hub.alarms.active(household) == []

    await send(device, state(smoke=True))
    await wait_for(lambda: embedded_hub.states.get(SMOKE).state == "on")
    (alarm,) = embedded_hub.alarms.active(household)
    assert (alarm.alarm_type, alarm.severity, alarm.source_entity_id) == (
        "smoke",
        "critical",
        SMOKE,
    )
    assert alarm.household_id == household

    await send(device, state(smoke=True))  # still smoke: the same alarm, not a second one
    await send(device, state(smoke=False))
    await wait_for(lambda: embedded_hub.states.get(SMOKE).state == "off")
    assert embedded_hub.alarms.active(household) == []
    assert not embedded_hub.alarms.get(alarm.id).state.acknowledged  # a person still must


async def test_a_test_report_raises_no_alarm_and_trouble_raises_a_major_one(
    embedded_hub: Hub, device: aiomqtt.Client, household: str
) -> None:
    await add_detector(embedded_hub, household)
    tests = []
    embedded_hub.bus.listen(EVENT_DETECTOR_TEST, tests.append)

    await send(device, state(smoke=True, test=True))
    await wait_for(lambda: tests)
    assert embedded_hub.alarms.active(household) == []
    assert "last_test" in embedded_hub.states.get(SMOKE).attributes

    await send(device, state(trouble=True))
    await wait_for(lambda: embedded_hub.alarms.active(household))
    (alarm,) = embedded_hub.alarms.active(household)
    assert (alarm.alarm_type, alarm.severity) == ("detector_trouble", "major")
    assert embedded_hub.states.get("binary_sensor.kitchen_smoke_trouble").state == "on"


async def test_a_silent_detector_raises_a_warning(
    embedded_hub: Hub, device: aiomqtt.Client, household: str
) -> None:
    await add_detector(embedded_hub, household, report_interval=2)
    await send(device, state())
    await wait_for(lambda: embedded_hub.states.get(SMOKE).state == "off")

    fire_time_changed(embedded_hub, timedelta(hours=2, seconds=1))
    await embedded_hub.block_till_done()
    (alarm,) = embedded_hub.alarms.active(household)
    assert (alarm.alarm_type, alarm.severity) == ("detector_silent", "warning")
    assert embedded_hub.states.get(SMOKE).state == "unavailable"

    await send(device, state())
    await wait_for(lambda: embedded_hub.states.get(SMOKE).state == "off")
    assert embedded_hub.alarms.active(household) == []


async def test_what_cannot_be_used_is_counted_and_dropped(
    embedded_hub: Hub, device: aiomqtt.Client, household: str
) -> None:
    await add_detector(embedded_hub, household)
    for payload in ("{", "[1]", '{"smoke": "yes"}', '{"battery": true}'):
        await send(device, payload)
    await send(device, state(battery=50))
    await wait_for(lambda: embedded_hub.states.get(BATTERY).state == "50")
    assert bad_input(embedded_hub).counts == {"invalid_state": 4}
    assert embedded_hub.alarms.active(household) == []


async def test_a_zigbee2mqtt_detector_is_offered_for_setup(
    embedded_hub: Hub, device: aiomqtt.Client
) -> None:
    await send(device, json.dumps({"temperature": 21}), "zigbee2mqtt/thermometer")
    await send(device, state(), "zigbee2mqtt/hall_smoke")

    def offered() -> list[Any]:
        return [
            flow for flow in embedded_hub.config_entries.flow.progress() if flow.handler == DOMAIN
        ]

    (flow,) = await wait_for(offered)
    done = await embedded_hub.config_entries.flow.configure(
        flow.flow_id, {"name": "Hall smoke"}, user_id="owner"
    )
    assert done.result.data["topic"] == "zigbee2mqtt/hall_smoke"
    assert done.result.data["detects"] == ["smoke"]
    assert done.result.state is ConfigEntryState.loaded
