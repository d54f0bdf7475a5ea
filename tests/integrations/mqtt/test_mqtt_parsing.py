"""Topic filters, value templates and abbreviations, and fuzzing of all three."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from paho.mqtt.client import topic_matches_sub

from linli.integrations.mqtt.abbreviations import expand
from linli.integrations.mqtt.discovery import parse_topic
from linli.integrations.mqtt.models import DiscoveryKey
from linli.integrations.mqtt.templates import TemplateError, ValueTemplate
from linli.integrations.mqtt.topics import (
    InvalidTopic,
    TopicTree,
    broker_filters,
    check_topic_filter,
    covers,
)

LEVELS = st.sampled_from(["a", "b", "c", "$SYS", "", "zigbee2mqtt", "日本"])
TOPICS = st.lists(LEVELS, min_size=1, max_size=5).map("/".join).filter(bool)
FILTERS = (
    st.lists(st.one_of(LEVELS, st.just("+")), min_size=1, max_size=5)
    .flatmap(lambda levels: st.sampled_from(["/".join(levels), "/".join([*levels, "#"]), "#"]))
    .filter(bool)
)


@given(filters=st.lists(FILTERS, max_size=8), topic=TOPICS)
def test_the_tree_matches_exactly_what_mqtt_says(filters: list[str], topic: str) -> None:
    tree: TopicTree[str] = TopicTree()
    for topic_filter in filters:
        tree.add(topic_filter, topic_filter)
    expected = sorted(f for f in filters if topic_matches_sub(f, topic))
    assert sorted(tree.match(topic)) == expected


@given(filters=st.lists(FILTERS, max_size=8))
def test_removing_every_filter_empties_the_tree(filters: list[str]) -> None:
    tree: TopicTree[int] = TopicTree()
    for index, topic_filter in enumerate(filters):
        tree.add(topic_filter, index)
    for index, topic_filter in enumerate(filters):
        tree.remove(topic_filter, index)
    assert len(tree) == 0
    assert tree.filters == []
    assert tree._root.children == {}


@pytest.mark.parametrize("bad", ["", "a/b#", "a/#/b", "a+/b", "\0"])
def test_invalid_filters_are_refused(bad: str) -> None:
    with pytest.raises(InvalidTopic):
        check_topic_filter(bad)


@pytest.mark.parametrize(
    ("source", "payload", "rendered"),
    [
        ("{{ value_json.smoke }}", '{"smoke": true}', "True"),
        ("{{value_json.POWER}}", '{"POWER": "ON"}', "ON"),
        ("{{ value_json['ENERGY'].Power }}", '{"ENERGY": {"Power": 12}}', "12"),
        ('{{ value_json["list"][1] }}', '{"list": [1, 2.5]}', "2.5"),
        ("{{ value_json.t | float | round(1) }}", '{"t": "21.46"}', "21.5"),
        ("{{ value | upper }}", "on", "ON"),
        ("{{ value_json.battery | int }}", '{"battery": 87.6}', "87"),
    ],
)
def test_the_common_templates_render(source: str, payload: str, rendered: str) -> None:
    assert ValueTemplate.parse(source).render(payload) == rendered


@pytest.mark.parametrize(
    "source",
    [
        "{% if value_json.smoke %}ON{% endif %}",
        "{{ value_json.a + 1 }}",
        "{{ states('sensor.x') }}",
        "{{ value_json.a | replace('a', 'b') }}",
        "plain text",
        "{{ value_json.a }} and {{ value }}",
    ],
)
def test_anything_beyond_them_is_refused(source: str) -> None:
    with pytest.raises(TemplateError):
        ValueTemplate.parse(source)


@pytest.mark.parametrize(
    ("payload", "cause"),
    [("not json", "not JSON"), ('{"other": 1}', "no key 'smoke'"), ("[]", "no key")],
)
def test_a_payload_the_template_cannot_read_is_an_error(payload: str, cause: str) -> None:
    with pytest.raises(TemplateError, match=cause):
        ValueTemplate.parse("{{ value_json.smoke }}").render(payload)


@given(source=st.text(max_size=80), payload=st.text(max_size=80))
def test_no_template_or_payload_raises_anything_but_template_error(
    source: str, payload: str
) -> None:
    try:
        template = ValueTemplate.parse("{{ " + source + " }}")
        template.render(payload)
    except TemplateError:
        pass


def test_abbreviations_and_the_base_topic_are_expanded() -> None:
    config = expand(
        {
            "~": "tasmota/plug",
            "stat_t": "~/tele/STATE",
            "cmd_t": "~/cmnd/POWER",
            "avty": [{"t": "~/LWT", "pl_avail": "Online"}],
            "dev": {"ids": ["abc"], "mf": "Tasmota", "sw": "13.1"},
            "state_topic_template": "~ stays",
        }
    )
    assert config == {
        "state_topic": "tasmota/plug/tele/STATE",
        "command_topic": "tasmota/plug/cmnd/POWER",
        "availability": [{"topic": "tasmota/plug/LWT", "payload_available": "Online"}],
        "device": {"identifiers": ["abc"], "manufacturer": "Tasmota", "sw_version": "13.1"},
        "state_topic_template": "~ stays",
    }


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(
    payload=st.dictionaries(
        st.sampled_from(["~", "stat_t", "avty", "dev", "t"]) | st.text(max_size=6), JSON
    )
)
def test_expanding_any_json_object_never_fails(payload: dict) -> None:
    json.dumps(expand(payload))


@pytest.mark.parametrize(
    ("topic", "key"),
    [
        (
            "homeassistant/binary_sensor/0x1/smoke/config",
            DiscoveryKey("binary_sensor", "0x1", "smoke"),
        ),
        ("homeassistant/switch/plug/config", DiscoveryKey("switch", None, "plug")),
        ("homeassistant/status", None),
        ("homeassistant/sensor/a/b/c/config", None),
        ("other/sensor/a/config", None),
    ],
)
def test_discovery_topics(topic: str, key: DiscoveryKey | None) -> None:
    assert parse_topic("homeassistant", topic) == key


@given(wide=FILTERS, narrow=FILTERS, topic=TOPICS)
def test_a_covering_filter_matches_whatever_the_covered_one_does(
    wide: str, narrow: str, topic: str
) -> None:
    if covers(wide, narrow) and topic_matches_sub(narrow, topic):
        assert topic_matches_sub(wide, topic)


def test_the_broker_gets_only_the_filters_no_other_covers() -> None:
    filters = {"zigbee2mqtt/+": 0, "zigbee2mqtt/kitchen": 1, "a/#": 0, "a/+/b": 0, "c/d": 0}
    assert broker_filters(filters) == {"zigbee2mqtt/+": 0, "a/#": 0, "c/d": 0}
