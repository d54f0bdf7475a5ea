"""The abbreviated keys of Home Assistant's MQTT discovery payloads, and their expansion.

Devices with little memory (Tasmota, ESPHome) send ``{"stat_t": "~/state", "~": "tele/plug"}``
for ``{"state_topic": "tele/plug/state"}``. Only the keys of the components linli supports
(and the keys every component shares) are listed; others stay as they are and are ignored.
"""

from __future__ import annotations

from typing import Any, Final

BASE_TOPIC: Final = "~"

ABBREVIATIONS: Final = {
    "avty": "availability",
    "avty_mode": "availability_mode",
    "avty_t": "availability_topic",
    "avty_tpl": "availability_template",
    "cmd_t": "command_topic",
    "cmd_tpl": "command_template",
    "dev": "device",
    "dev_cla": "device_class",
    "en": "enabled_by_default",
    "ent_cat": "entity_category",
    "exp_aft": "expire_after",
    "frc_upd": "force_update",
    "ic": "icon",
    "json_attr_t": "json_attributes_topic",
    "json_attr_tpl": "json_attributes_template",
    "name": "name",
    "obj_id": "object_id",
    "off_dly": "off_delay",
    "o": "origin",
    "opt": "optimistic",
    "pl_avail": "payload_available",
    "pl_lock": "payload_lock",
    "pl_not_avail": "payload_not_available",
    "pl_off": "payload_off",
    "pl_on": "payload_on",
    "pl_open": "payload_open",
    "pl_unlk": "payload_unlock",
    "qos": "qos",
    "ret": "retain",
    "stat_cla": "state_class",
    "stat_jam": "state_jammed",
    "stat_locked": "state_locked",
    "stat_locking": "state_locking",
    "stat_off": "state_off",
    "stat_on": "state_on",
    "stat_open": "state_open",
    "stat_opening": "state_opening",
    "stat_t": "state_topic",
    "stat_unlocked": "state_unlocked",
    "stat_unlocking": "state_unlocking",
    "t": "topic",
    "uniq_id": "unique_id",
    "unit_of_meas": "unit_of_measurement",
    "val_tpl": "value_template",
}

DEVICE_ABBREVIATIONS: Final = {
    "cns": "connections",
    "cu": "configuration_url",
    "hw": "hw_version",
    "ids": "identifiers",
    "mdl": "model",
    "mdl_id": "model_id",
    "mf": "manufacturer",
    "name": "name",
    "sa": "suggested_area",
    "sn": "serial_number",
    "sw": "sw_version",
    "via_device": "via_device",
}


def _expanded(data: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """``data`` with abbreviated keys spelt out; a key given both ways keeps the long one."""
    result: dict[str, Any] = {}
    for key, value in data.items():
        long = names.get(key, key)
        if long != key and long in data:
            continue
        result[long] = value
    return result


def _with_base(value: Any, base: str) -> Any:
    """A topic beginning or ending with '~' has the base topic put in its place."""
    if not isinstance(value, str):
        return value
    if value.startswith(BASE_TOPIC):
        return base + value[len(BASE_TOPIC) :]
    if value.endswith(BASE_TOPIC):
        return value[: -len(BASE_TOPIC)] + base
    return value


def expand(payload: dict[str, Any]) -> dict[str, Any]:
    """A discovery payload with every abbreviation spelt out and '~' replaced.

    Keys ending in ``_topic`` (and ``topic`` inside ``availability`` items) take the base.
    """
    config = _expanded(payload, ABBREVIATIONS)
    base = config.pop(BASE_TOPIC, None)
    if isinstance(config.get("device"), dict):
        config["device"] = _expanded(config["device"], DEVICE_ABBREVIATIONS)
    availability = config.get("availability")
    if isinstance(availability, list):
        config["availability"] = availability = [
            _expanded(item, ABBREVIATIONS) if isinstance(item, dict) else item
            for item in availability
        ]
    else:
        availability = []
    if isinstance(base, str):
        for key, value in config.items():
            if key.endswith("_topic"):
                config[key] = _with_base(value, base)
        for item in availability:
            if isinstance(item, dict) and "topic" in item:
                item["topic"] = _with_base(item["topic"], base)
    return config
