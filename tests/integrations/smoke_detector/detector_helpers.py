"""What the smoke detector tests share: the kitchen detector on zigbee2mqtt, its reports,
and adding it to a household through its form."""

from __future__ import annotations

import json
from typing import Any

import aiomqtt

from linli.config_entries import ConfigEntry
from linli.flows import FlowContext, FlowResultType
from linli.hub import Hub
from linli.integrations.smoke_detector.const import DOMAIN

TOPIC = "zigbee2mqtt/kitchen_smoke"
SMOKE = "binary_sensor.kitchen_smoke_smoke"
BATTERY = "sensor.kitchen_smoke_battery"


def state(**fields: Any) -> str:
    """A zigbee2mqtt report of the detector: all quiet, but for ``fields``."""
    return json.dumps(
        {"smoke": False, "battery": 95, "battery_low": False, "tamper": False, **fields}
    )


async def send(device: aiomqtt.Client, payload: str, topic: str = TOPIC) -> None:
    await device.publish(topic, payload, qos=1)


async def add_detector(hub: Hub, household_id: str | None, **data: Any) -> ConfigEntry:
    flows = hub.config_entries.flow
    form = await flows.init(DOMAIN, context=FlowContext(user_id="owner", household_id=household_id))
    fields = {"topic": TOPIC, "name": "Kitchen smoke", "detects": ["smoke"], **data}
    done = await flows.configure(form.flow_id, fields, user_id="owner")
    assert done.type is FlowResultType.create_entry, done
    return done.result
