"""What zigbee2mqtt publishes for a Heiman smoke detector paired as ``kitchen_smoke``."""

from __future__ import annotations

import json
from typing import Any

IEEE = "0x00158d0001a2b3c4"
COORDINATOR = "0x00124b0012345678"
NAME = "kitchen_smoke"


def device_block() -> dict[str, Any]:
    return {
        "identifiers": [f"zigbee2mqtt_{IEEE}"],
        "manufacturer": "HEIMAN",
        "model": "Smoke detector (HS1SA)",
        "name": NAME,
        "sw_version": "1.0.8",
        "via_device": f"zigbee2mqtt_bridge_{COORDINATOR}",
    }


def availability(base: str) -> list[dict[str, str]]:
    return [
        {"topic": f"{base}/bridge/state", "value_template": "{{ value_json.state }}"},
        {"topic": f"{base}/{NAME}/availability", "value_template": "{{ value_json.state }}"},
    ]


def smoke_config(base: str = "zigbee2mqtt") -> dict[str, Any]:
    """The discovery config of the smoke binary sensor, as zigbee2mqtt 1.40 sends it."""
    return {
        "availability": availability(base),
        "availability_mode": "all",
        "device": device_block(),
        "device_class": "smoke",
        "name": "Smoke",
        "object_id": f"{NAME}_smoke",
        "origin": {"name": "Zigbee2MQTT", "sw": "1.40.0"},
        "payload_off": False,
        "payload_on": True,
        "state_topic": f"{base}/{NAME}",
        "unique_id": f"{IEEE}_smoke_zigbee2mqtt",
        "value_template": "{{ value_json.smoke }}",
    }


def battery_config(base: str = "zigbee2mqtt") -> dict[str, Any]:
    """The battery sensor, with abbreviated keys as a device short of memory sends them."""
    return {
        "avty": availability(base),
        "avty_mode": "all",
        "dev": {
            "ids": [f"zigbee2mqtt_{IEEE}"],
            "mf": "HEIMAN",
            "mdl": "Smoke detector (HS1SA)",
            "name": NAME,
        },
        "dev_cla": "battery",
        "ent_cat": "diagnostic",
        "name": "Battery",
        "stat_cla": "measurement",
        "stat_t": f"{base}/{NAME}",
        "uniq_id": f"{IEEE}_battery_zigbee2mqtt",
        "unit_of_meas": "%",
        "val_tpl": "{{ value_json.battery }}",
    }


def bridge_devices() -> list[dict[str, Any]]:
    return [
        {
            "ieee_address": COORDINATOR,
            "friendly_name": "Coordinator",
            "type": "Coordinator",
            "definition": None,
        },
        {
            "ieee_address": IEEE,
            "friendly_name": NAME,
            "type": "EndDevice",
            "software_build_id": "1.0.8",
            "definition": {
                "model": "HS1SA",
                "vendor": "HEIMAN",
                "description": "Smoke detector",
                "exposes": [
                    {"type": "binary", "property": "smoke", "name": "smoke"},
                    {"type": "numeric", "property": "battery", "name": "battery"},
                    {"type": "binary", "property": "battery_low", "name": "battery_low"},
                    {"type": "binary", "property": "tamper", "name": "tamper"},
                ],
            },
        },
    ]


def state(**fields: Any) -> str:
    """A state message of the detector."""
    return json.dumps(
        {"smoke": False, "battery": 100, "battery_low": False, "tamper": False, **fields}
    )
