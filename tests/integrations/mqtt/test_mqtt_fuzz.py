"""Fuzzing the message and discovery handling of a running hub: whatever arrives on the
discovery prefix, zigbee2mqtt's topics or an entity's state topic, nothing raises (no error
is logged), unusable input is counted, and the hub goes on working."""

from __future__ import annotations

import json
import logging

import pytest
import zigbee2mqtt_payloads as z2m
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mqtt_helpers import mqtt_data

from linli.hub import Hub
from linli.integrations import mqtt

COMPONENTS = ["binary_sensor", "sensor", "switch", "lock", "light", "device_tracker", "bad-one"]
KEYS = [
    "name", "uniq_id", "unique_id", "stat_t", "state_topic", "cmd_t", "command_topic", "avty",
    "avty_t", "avty_mode", "pl_on", "pl_off", "val_tpl", "dev", "dev_cla", "unit_of_meas",
    "stat_cla", "exp_aft", "qos", "ret", "~", "ent_cat", "json_attr_t", "en",
]  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["{{ value_json.smoke }}", "{{ value }}", "fuzz/state", "a/#", "~/x"])
)
JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=15,
)
CONFIGS = st.dictionaries(st.sampled_from(KEYS), JSON, max_size=10).map(
    lambda config: {"stat_t": "fuzz/state", **config}
)
TOPICS = st.one_of(
    st.builds(
        "homeassistant/{}/{}/config".format,
        st.sampled_from(COMPONENTS),
        st.sampled_from(["fuzz", "node/fuzz", "a/b/c", "x"]),
    ),
    st.sampled_from(
        [
            "fuzz/state",
            "zigbee2mqtt/bridge/state",
            "zigbee2mqtt/bridge/devices",
            f"zigbee2mqtt/{z2m.NAME}",
            f"zigbee2mqtt/{z2m.NAME}/availability",
            "homeassistant/status",
        ]
    ),
)
PAYLOADS = st.one_of(
    st.binary(max_size=60),
    st.text(max_size=60).map(str.encode),
    JSON.map(lambda value: json.dumps(value).encode()),
    CONFIGS.map(lambda config: json.dumps(config).encode()),
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(messages=st.lists(st.tuples(TOPICS, PAYLOADS, st.booleans()), min_size=1, max_size=5))
async def test_no_message_breaks_the_hub(
    embedded_hub: Hub, caplog: pytest.LogCaptureFixture, messages: list[tuple[str, bytes, bool]]
) -> None:
    data = mqtt_data(embedded_hub)
    caplog.clear()
    for topic, payload, retain in messages:
        data.subscriptions.dispatch(topic, payload, 0, retain)
    await embedded_hub.block_till_done()

    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, errors
    assert mqtt.is_connected(embedded_hub)


async def test_garbage_on_a_config_topic_is_counted(embedded_hub: Hub) -> None:
    data = mqtt_data(embedded_hub)
    for payload in (b"\xff\xfe", b"{", b"[]", b'{"stat_t": 5}', b'"text"'):
        data.subscriptions.dispatch("homeassistant/sensor/fuzz/config", payload, 0, False)
    await embedded_hub.block_till_done()
    assert mqtt.bad_input_counts(embedded_hub) == {
        "invalid_encoding": 1,
        "invalid_json": 1,
        "invalid_config": 3,
    }
    config = json.dumps({"stat_t": "fuzz/state", "name": "Fuzz", "uniq_id": "fuzz-1"}).encode()
    data.subscriptions.dispatch("homeassistant/sensor/fuzz/config", config, 0, False)
    await embedded_hub.block_till_done()
    data.subscriptions.dispatch("fuzz/state", b"42", 0, False)
    assert embedded_hub.states.get("sensor.fuzz").state == "42"
