"""Automations in the Home Assistant format: each trigger, condition and action, the modes,
the traces, the owner's rights, and the refusals that name what is wrong."""

from __future__ import annotations

import textwrap
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient
from automation_helpers import Neighbours, Switches

from linli.automation.manager import AutomationError
from linli.events import Event
from linli.hub import Hub
from linli.testing import fire_time_changed, settle
from linli.testing.plugin import HubFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def trace_of(hub: Hub, automation_id: str, index: int = -1) -> dict[str, Any]:
    return hub.automations.require(automation_id).traces[index].as_dict()


async def test_a_state_trigger_with_a_condition_calls_a_service(
    hub: Hub, switches: Switches
) -> None:
    switches.add("switch.hall_light", "switch.night_mode")
    hub.states.set("binary_sensor.hall_motion", "off", {"device_class": "motion"})
    hub.automations.create(
        {
            "id": "hall",
            "alias": "Hall light on motion",
            "triggers": [
                {"trigger": "state", "entity_id": "binary_sensor.hall_motion", "to": "on"}
            ],
            "conditions": [{"condition": "state", "entity_id": "switch.night_mode", "state": "on"}],
            "actions": [{"action": "switch.turn_on", "target": {"entity_id": "switch.hall_light"}}],
        },
        owner_id=None,
    )
    hub.states.set("binary_sensor.hall_motion", "on")
    await settle(hub)
    assert switches.state("switch.hall_light") == "off"  # the condition did not hold
    trace = trace_of(hub, "hall")
    assert (trace["state"], trace["message"], trace["reason"]) == (
        "stopped",
        "the conditions do not hold",
        "conditions",
    )

    switches.add("switch.night_mode", state="on")
    hub.states.set("binary_sensor.hall_motion", "off")
    hub.states.set("binary_sensor.hall_motion", "on")
    await settle(hub)
    assert switches.state("switch.hall_light") == "on"
    trace = trace_of(hub, "hall")
    assert trace["state"] == "finished"
    assert trace["trigger"]["entity_id"] == "binary_sensor.hall_motion"
    assert [step["path"] for step in trace["steps"]] == ["condition/0", "action/0"]
    assert trace["duration"] is not None


async def test_the_old_spelling_of_home_assistant_reads_the_same(
    hub: Hub, switches: Switches
) -> None:
    switches.add("switch.fan")
    hub.states.set("sensor.bathroom_humidity", "50")
    hub.automations.create(
        {
            "id": "fan",
            "trigger": {
                "platform": "numeric_state",
                "entity_id": "sensor.bathroom_humidity",
                "above": 70,
            },
            "action": [{"service": "switch.turn_on", "data": {"entity_id": "switch.fan"}}],
        },
        owner_id=None,
    )
    hub.states.set("sensor.bathroom_humidity", "75")
    await settle(hub)
    assert switches.called == [("turn_on", "switch.fan")]
    hub.states.set("sensor.bathroom_humidity", "80")  # still above: no new crossing
    await settle(hub)
    assert len(switches.calls) == 1


async def test_a_state_held_for_a_while_fires_once_the_while_has_passed(
    hub: Hub, switches: Switches
) -> None:
    switches.add("switch.door_chime")
    hub.states.set("binary_sensor.front_door", "off")
    hub.automations.create(
        {
            "id": "door_left_open",
            "triggers": {
                "trigger": "state",
                "entity_id": "binary_sensor.front_door",
                "to": "on",
                "for": {"minutes": 5},
            },
            "actions": {"action": "switch.turn_on", "target": {"entity_id": "switch.door_chime"}},
        },
        owner_id=None,
    )
    hub.states.set("binary_sensor.front_door", "on")
    fire_time_changed(hub, timedelta(minutes=3))
    hub.states.set("binary_sensor.front_door", "off")  # closed in time
    fire_time_changed(hub, timedelta(minutes=5))
    await settle(hub)
    assert switches.calls == []

    hub.states.set("binary_sensor.front_door", "on")
    fire_time_changed(hub, timedelta(minutes=5, seconds=1))
    await settle(hub)
    assert switches.called == [("turn_on", "switch.door_chime")]


async def test_time_and_time_pattern_triggers_follow_the_community_clock(
    hub: Hub, switches: Switches
) -> None:
    switches.add("switch.corridor", "switch.pump")
    fire_time_changed(hub, datetime(2026, 11, 23, 6, 0, tzinfo=SHANGHAI))  # a Monday
    hub.automations.create(
        {
            "id": "morning",
            "triggers": {"trigger": "time", "at": "07:30"},
            "conditions": {"condition": "time", "weekday": ["mon", "tue", "wed", "thu", "fri"]},
            "actions": {"action": "switch.toggle", "target": {"entity_id": "switch.corridor"}},
        },
        owner_id=None,
    )
    hub.automations.create(
        {
            "id": "pump",
            "triggers": {"trigger": "time_pattern", "minutes": "/20"},
            "actions": {"action": "switch.toggle", "target": {"entity_id": "switch.pump"}},
        },
        owner_id=None,
    )
    start = datetime(2026, 11, 23, 6, 0, tzinfo=SHANGHAI)
    for minutes in range(0, 24 * 60 * 7, 10):  # a week, ten minutes at a time
        fire_time_changed(hub, start + timedelta(minutes=minutes))
        await settle(hub)
    corridor = [call for call in switches.called if call[1] == "switch.corridor"]
    pump = [call for call in switches.called if call[1] == "switch.pump"]
    assert len(corridor) == 5  # on weekdays only
    assert len(pump) == 3 * 24 * 7 - 1  # at :00, :20 and :40; the first :00 was before it
    traces = hub.automations.require("morning").traces
    assert traces[-1].trigger["description"] == "time 07:30:00"
    assert len(traces) == 5  # the last five runs are kept


async def test_times_written_without_quotes_in_automations_yaml_are_times(
    hub_factory: HubFactory, tmp_path: Path
) -> None:
    """YAML 1.1 would read ``22:00`` as the number 1320: the hub reads it as people meant."""
    (tmp_path / "automations.yaml").write_text(
        textwrap.dedent(
            """\
            - id: lights_out
              triggers:
                - trigger: time
                  at: 22:00
              conditions:
                - condition: time
                  after: 21:59:30
                  before: 06:00
              actions:
                - event: lights_out
            """
        ),
        encoding="utf-8",
    )
    hub = await hub_factory(config_dir=tmp_path)
    assert hub.automations.problems == {}
    heard: list[Event] = []
    hub.bus.listen("lights_out", heard.append)
    now = hub.clock.now().astimezone(SHANGHAI)
    ten_pm = now.replace(hour=22, minute=0, second=0, microsecond=0)
    if ten_pm <= now:
        ten_pm += timedelta(days=1)
    fire_time_changed(hub, ten_pm - timedelta(minutes=1))
    fire_time_changed(hub, ten_pm + timedelta(seconds=1))
    await hub.block_till_done()
    assert len(heard) == 1


async def test_an_event_trigger_matches_the_data_it_names(hub: Hub, switches: Switches) -> None:
    switches.add("switch.gate")
    hub.automations.create(
        {
            "id": "gate",
            "triggers": {
                "trigger": "event",
                "event_type": "card_swiped",
                "event_data": {"gate": "east"},
            },
            "actions": {"action": "switch.turn_on", "target": {"entity_id": "switch.gate"}},
        },
        owner_id=None,
    )
    hub.bus.fire("card_swiped", {"gate": "west", "card": "A1"})
    await settle(hub)
    assert switches.calls == []
    hub.bus.fire("card_swiped", {"gate": "east", "card": "A1"})
    await settle(hub)
    assert switches.called == [("turn_on", "switch.gate")]
    assert trace_of(hub, "gate")["trigger"]["event"]["data"]["card"] == "A1"


async def test_a_households_alarm_trigger_hears_only_its_own_alarms(
    hub: Hub, switches: Switches
) -> None:
    community = hub.community
    zhang, wang = community.households.create("张家"), community.households.create("王家")
    switches.add("switch.zhang_siren")
    hub.automations.create(
        {
            "id": "zhang_sos",
            "household_id": zhang.id,
            "triggers": {"trigger": "alarm", "alarm_type": "sos"},
            "actions": {"action": "switch.turn_on", "target": {"entity_id": "switch.zhang_siren"}},
        },
        owner_id=None,
    )
    hub.alarms.raise_alarm(
        "sos", "critical", source_entity_id=None, household_id=wang.id, message="王家 SOS"
    )
    hub.alarms.raise_alarm(
        "smoke", "critical", source_entity_id=None, household_id=zhang.id, message="张家烟雾"
    )
    await settle(hub)
    assert switches.calls == []
    hub.alarms.raise_alarm(
        "sos", "critical", source_entity_id=None, household_id=zhang.id, message="张家 SOS"
    )
    await settle(hub)
    assert switches.state("switch.zhang_siren") == "on"
    assert trace_of(hub, "zhang_sos")["trigger"]["alarm"]["message"] == "张家 SOS"


async def test_a_webhook_fires_its_automation(
    hub: Hub, switches: Switches, hub_client_no_auth: TestClient
) -> None:
    switches.add("switch.garage_door")
    hub.automations.create(
        {
            "id": "garage",
            "triggers": {"trigger": "webhook", "webhook_id": "garage-open-7f3a9c"},
            "actions": {"action": "switch.turn_on", "target": {"entity_id": "switch.garage_door"}},
        },
        owner_id=None,
    )
    answer = await hub_client_no_auth.post("/connect/webhook/wrong-id-123", json={})
    assert answer.status == 200  # nobody learns which ids exist
    await settle(hub)
    assert switches.calls == []
    answer = await hub_client_no_auth.post(
        "/connect/webhook/garage-open-7f3a9c", json={"by": "app"}
    )
    assert answer.status == 200
    await settle(hub)
    assert switches.state("switch.garage_door") == "on"
    assert trace_of(hub, "garage")["trigger"]["json"] == {"by": "app"}


async def test_delays_waits_choices_repeats_and_stops_leave_their_path_in_the_trace(
    hub: Hub, switches: Switches
) -> None:
    switches.add("switch.stairs", "switch.lobby")
    hub.states.set("binary_sensor.stairs_motion", "off")
    hub.automations.create(
        {
            "id": "stairs",
            "triggers": {
                "trigger": "state",
                "entity_id": "binary_sensor.stairs_motion",
                "to": "on",
            },
            "actions": [
                {"action": "switch.turn_on", "target": {"entity_id": "switch.stairs"}},
                {
                    "wait_for_trigger": {
                        "trigger": "state",
                        "entity_id": "binary_sensor.stairs_motion",
                        "to": "off",
                    },
                    "timeout": "00:10:00",
                },
                {"delay": 60},
                {
                    "choose": [
                        {
                            "conditions": {
                                "condition": "state",
                                "entity_id": "switch.lobby",
                                "state": "on",
                            },
                            "sequence": {"stop": "the lobby is lit: leave the stairs on"},
                        }
                    ],
                    "default": {
                        "repeat": {
                            "count": 2,
                            "sequence": {
                                "action": "switch.toggle",
                                "target": {"entity_id": "switch.stairs"},
                            },
                        }
                    },
                },
            ],
        },
        owner_id=None,
    )
    hub.states.set("binary_sensor.stairs_motion", "on")
    await settle(hub)
    assert switches.state("switch.stairs") == "on"
    hub.states.set("binary_sensor.stairs_motion", "off")
    await settle(hub)
    fire_time_changed(hub, timedelta(seconds=61))
    await settle(hub)
    trace = trace_of(hub, "stairs")
    assert trace["state"] == "finished"
    assert [step["path"] for step in trace["steps"]] == [
        "action/0",
        "action/1",
        "action/2",
        "action/3",
        "action/3/choose/0/conditions/0",
        "action/3/default/0",
        "action/3/default/0/repeat/sequence/0",
        "action/3/default/0/repeat/sequence/0",
    ]
    assert trace["steps"][1]["result"]["trigger"]["entity_id"] == "binary_sensor.stairs_motion"
    assert switches.state("switch.stairs") == "on"  # toggled twice

    switches.add("switch.lobby", state="on")
    hub.states.set("binary_sensor.stairs_motion", "on")
    await settle(hub)
    fire_time_changed(hub, timedelta(minutes=10, seconds=1))  # no motion end: the wait times out
    await settle(hub)
    fire_time_changed(hub, timedelta(seconds=61))
    await settle(hub)
    trace = trace_of(hub, "stairs")
    assert trace["steps"][1]["result"] == {"timed_out": True}
    assert (trace["state"], trace["message"], trace["reason"]) == (
        "stopped",
        "the lobby is lit: leave the stairs on",
        "stop",
    )


@pytest.mark.parametrize(
    ("mode", "runs_started", "toggles_done"),
    [("single", 1, 1), ("restart", 3, 1), ("queued", 2, 2), ("parallel", 2, 2)],
)
async def test_modes_decide_what_a_trigger_does_while_a_run_is_under_way(
    hub: Hub, switches: Switches, mode: str, runs_started: int, toggles_done: int
) -> None:
    switches.add("switch.bell")
    hub.automations.create(
        {
            "id": "bell",
            "mode": mode,
            "max": 2,
            "max_exceeded": "silent",
            "triggers": {"trigger": "event", "event_type": "ring"},
            "actions": [
                {"delay": 10},
                {"action": "switch.toggle", "target": {"entity_id": "switch.bell"}},
            ],
        },
        owner_id=None,
    )
    for _ in range(3):
        hub.bus.fire("ring")
        await settle(hub)
    for _ in range(4):
        fire_time_changed(hub, timedelta(seconds=10))
        await settle(hub)
    traces = [trace.as_dict() for trace in hub.automations.require("bell").traces]
    assert sum(trace["state"] != "skipped" for trace in traces) == runs_started
    assert len(switches.calls) == toggles_done
    if mode == "restart":
        assert [trace["state"] for trace in traces] == ["cancelled", "cancelled", "finished"]


async def test_a_households_automation_acts_only_with_its_owners_rights(
    hub: Hub, switches: Switches
) -> None:
    street = Neighbours(hub)
    zhang, wang = street.zhang, street.wang
    street.switch(wang.id, "neighbours_lock")
    hub.automations.create(
        {
            "id": "prank",
            "household_id": zhang.id,
            "triggers": {"trigger": "event", "event_type": "go"},
            "actions": {
                "action": "switch.turn_on",
                "target": {"entity_id": "switch.neighbours_lock"},
            },
        },
        owner_id=street.owner.id,
    )
    hub.bus.fire("go", {"household_id": wang.id})
    hub.bus.fire("go")
    await settle(hub)
    assert not hub.automations.require("prank").traces  # it hears only its household's events

    hub.bus.fire("go", {"household_id": zhang.id})
    await settle(hub)
    assert switches.calls == []
    trace = trace_of(hub, "prank")
    assert trace["state"] == "error"
    assert "switch.neighbours_lock" in trace["message"]


async def test_an_automation_stops_running_for_an_owner_who_lost_the_right(hub: Hub) -> None:
    street = Neighbours(hub)
    hall = street.switch(street.zhang.id, "hall_motion")
    hub.automations.create(
        {
            "id": "chime",
            "household_id": street.zhang.id,
            "triggers": {"trigger": "state", "entity_id": "switch.hall_motion"},
            "actions": {"event": "chimed"},
        },
        owner_id=street.owner.id,
    )
    chimes: list[Event] = []
    hub.bus.listen("chimed", chimes.append)

    hub.states.set("switch.hall_motion", "on")
    await settle(hub)
    assert len(chimes) == 1

    hub.devices.update(hall, household_id=street.wang.id)  # the sensor now is the neighbours'
    hub.states.set("switch.hall_motion", "off")
    await settle(hub)
    assert len(chimes) == 1
    assert trace_of(hub, "chime")["message"] == (
        "Not run: its owner may no longer see switch.hall_motion"
    )
    assert trace_of(hub, "chime")["reason"] == "owner"

    hub.devices.update(hall, household_id=street.zhang.id)
    hub.community.members.remove(street.membership.id)  # the tenant moved out
    hub.states.set("switch.hall_motion", "on")
    await settle(hub)
    assert len(chimes) == 1
    assert trace_of(hub, "chime")["message"] == (
        "Not run: its owner may no longer manage the automations of household 张家"
    )


async def test_automations_that_trigger_each_other_are_stopped_as_a_loop(
    hub: Hub, switches: Switches, caplog: pytest.LogCaptureFixture
) -> None:
    switches.add("switch.a", "switch.b")
    for me, other in (("a", "b"), ("b", "a")):
        hub.automations.create(
            {
                "id": f"echo_{me}",
                "triggers": {"trigger": "state", "entity_id": f"switch.{me}"},
                "actions": {"action": "switch.toggle", "target": {"entity_id": f"switch.{other}"}},
            },
            owner_id=None,
        )
    hub.states.set("switch.a", "on")
    for _ in range(10):
        await settle(hub)
    assert len(switches.calls) == 5
    assert (
        "Stopped a loop of automations: echo_a → echo_b → echo_a → echo_b → echo_a → echo_b"
        in caplog.text
    )
    refused = hub.automations.require("echo_b").traces[-1]
    assert (refused.state, refused.reason) == ("skipped", "loop")
    hub.states.set("switch.a", "off")  # a person's change later starts a fresh chain
    await settle(hub)
    assert len(switches.calls) > 5


@pytest.mark.parametrize(
    ("config", "field", "words"),
    [
        ({"triggers": [], "actions": []}, "triggers", "at least one trigger is needed"),
        (
            {
                "triggers": {"trigger": "state", "entity_id": "sensor.nowhere"},
                "actions": {"delay": 1},
            },
            "triggers.0.entity_id",
            "there is no entity sensor.nowhere",
        ),
        (
            {"triggers": {"trigger": "sunrise"}, "actions": {"delay": 1}},
            "triggers.0",
            "unknown trigger 'sunrise'",
        ),
        (
            {
                "triggers": {"trigger": "event", "event_type": "x"},
                "actions": {"action": "light.turn_on", "data": {"brightness": "{{ 3 }}"}},
            },
            "actions.0.data",
            "template-free",
        ),
        (
            {"triggers": {"trigger": "event", "event_type": "x"}, "actions": {"delay": "soon"}},
            "actions.0.delay",
            "expected a duration",
        ),
        (
            {"triggers": {"trigger": "event", "event_type": "x"}, "actions": {"delay": 1e15}},
            "actions.0.delay",
            "expected a duration of at most",
        ),
        (
            {
                "triggers": {"trigger": "event", "event_type": "x"},
                "actions": {"action": "switch.turn_on", "data": {"entity_id": [["switch.a"]]}},
            },
            "actions.0.data.entity_id",
            "expected an entity id",
        ),
        (
            {
                "triggers": {"trigger": "event", "event_type": "x"},
                "actions": {
                    "repeat": {
                        "count": 2,
                        "sequence": {
                            "notify": {"to": ["security", "nobody"], "title": "t", "message": "m"}
                        },
                    }
                },
            },
            "actions.0.repeat.sequence.0.notify.to",
            "nobody 'nobody' to notify: expected household, caregivers, security, external",
        ),
    ],
)
async def test_a_wrong_automation_is_refused_naming_the_part(
    hub: Hub, config: dict[str, Any], field: str | None, words: str
) -> None:
    with pytest.raises(AutomationError) as refused:
        hub.automations.create(config, owner_id=None)
    if field is not None:
        assert refused.value.field == field
        assert words in refused.value.message
    assert list(hub.automations) == []
