"""Three shipped blueprints end to end, through grandma's watch speaking the 3G protocol over
TCP. Only the hub's clock is moved.

- ``sos_escalation`` (the community's automation): an SOS or a fall tells the family at once
  (紧急求助), the caregiver ``wait_minutes`` later, the security desk as long again, while
  nobody acknowledges; the son acknowledging after the first step stops the run at its
  alarm condition. The alarm ladder tells people on its own as well ("Critical alarm: sos"):
  the automation's notifications are known by the blueprint's titles.
- ``no_sign_of_life`` (the community's): while the step count the watch reports keeps
  changing, nothing; once it has stayed the same for ``hours`` (the watch still reporting
  it), a check-in alarm for the household about the steps sensor and a task for the
  security desk (探访任务), once.
- ``geofence_at_night``, made by the son for his household over REST with his token:
  grandma leaving the home zone at 23:00 raises a ``geofence_night`` alarm, at 15:00 the
  run stops at the time condition; its traces read over REST.

The neighbours are never told anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient
from wristband_helpers import CENTER, INSIDE, OUTSIDE, WATCH_ID, Family

from linli.config import HomeZone
from linli.hub import Hub
from linli.integrations.elderly_wristband.simulator import SimulatedWatch
from linli.testing import fire_time_changed, settle
from linli.testing.plugin import HubFactory

PREFIX = f"wristband_{WATCH_ID}"
STEPS = f"sensor.{PREFIX}_steps"
LOCATION = f"device_tracker.{PREFIX}_location"
SOS_BIT, FALL_BIT = 1 << 16, 1 << 21
WAIT_MINUTES = 5  # sos_escalation's wait_minutes
WAIT = timedelta(minutes=WAIT_MINUTES)
HOURS = 3  # no_sign_of_life's hours
HALF_HOUR = timedelta(minutes=30)
MINUTE = timedelta(minutes=1)
SECOND = timedelta(seconds=1)
# The blueprints' titles.
ASKED = "紧急求助"
FAMILY_SILENT = "紧急求助（家人未确认）"  # noqa: RUF001
NOBODY_ANSWERED = "紧急求助（无人确认）"  # noqa: RUF001
CHECK_IN = "探访任务"


@pytest.fixture
async def hub(hub_factory: HubFactory) -> Hub:
    """The community's hub, its place in linli.yaml: the watches' geofence is its home zone."""
    return await hub_factory(home=HomeZone(*CENTER, radius=500))


@pytest.fixture
def people(hub: Hub, family: Family) -> dict[str, str]:
    """Who might be told, by user id: grandma's son, her caregiver daughter who lives
    elsewhere, the security desk's guard, and 王芳 of the 王 household next door."""
    community, users = hub.community, hub.users
    caregiver = users.create("zhang_li", "resident")
    community.members.create(
        family.household.id,
        "张丽",
        "caregiver",
        user_id=caregiver.id,
        cares_for=frozenset({family.grandma.id}),
    )
    neighbour = users.create("wang_fang", "resident")
    neighbours = community.households.create("王家")
    community.members.create(neighbours.id, "王芳", "owner", user_id=neighbour.id)
    return {
        "son": family.son_user.id,
        "caregiver": caregiver.id,
        "guard": users.create("bao_an", "operator").id,
        "neighbour": neighbour.id,
    }


@dataclass
class Api:
    """The REST API as the son and the guard use it, each with their own token."""

    client: TestClient
    tokens: dict[str, str]

    async def __call__(
        self, who: str, method: str, path: str, body: Any = None, status: int = 200
    ) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        response = await self.client.request(method, path, json=body, headers=headers)
        assert response.status == status, await response.text()
        return await response.json()


@pytest.fixture
def api(hub: Hub, people: dict[str, str], hub_client_no_auth: TestClient) -> Api:
    tokens = hub.http.tokens
    return Api(
        hub_client_no_auth,
        {who: tokens.create("test", people[who], "long_lived")[1] for who in ("son", "guard")},
    )


async def wear(watch: SimulatedWatch, family: Family) -> None:
    """Grandma's watch links, joins the 张 household, and she consents to the hub
    collecting her health data and location (without that its sensors are unavailable)."""
    await watch.link()
    family.owns()
    family.consents("health", "location")


async def time_passes(hub: Hub, duration: timedelta) -> None:
    """Move the hub's clock on by ``duration``, a minute at a time, letting what each
    minute starts run (the ladder waits a minute from each rung it reaches)."""
    while duration > timedelta(0):
        fire_time_changed(hub, min(duration, MINUTE))
        await settle(hub)
        duration -= MINUTE


async def titles(hub: Hub, people: dict[str, str]) -> dict[str, list[str]]:
    """The titles of each person's notifications, oldest first."""
    await settle(hub)
    return {
        who: [item.title for item in reversed(await hub.notifications.of_user(user_id))]
        for who, user_id in people.items()
    }


def steps(trace: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """A trace's path: each step's place, kind and result."""
    return [(step["path"], step["kind"], step["result"]) for step in trace["steps"]]


def state(hub: Hub, entity_id: str) -> str:
    found = hub.states.get(entity_id)
    assert found is not None, entity_id
    return found.state


def alarms(hub: Hub, household_id: str) -> list[tuple[str, str, str | None]]:
    return [(a.alarm_type, a.severity, a.source_entity_id) for a in hub.alarms.active(household_id)]


# -- sos_escalation -----------------------------------------------------------------------------


def sos_escalation() -> dict[str, Any]:
    return {
        "id": "sos_escalation",
        "use_blueprint": {
            "path": "linli/sos_escalation.yaml",
            "input": {"wait_minutes": WAIT_MINUTES},
        },
    }


@pytest.mark.parametrize(("status", "alarm_type"), [(SOS_BIT, "sos"), (FALL_BIT, "fall")])
async def test_an_alarm_nobody_acknowledges_reaches_the_family_the_caregiver_then_the_desk(
    hub: Hub,
    watch: SimulatedWatch,
    family: Family,
    people: dict[str, str],
    status: int,
    alarm_type: str,
) -> None:
    await wear(watch, family)
    escalation = hub.automations.create(sos_escalation(), owner_id=None)
    ladder = f"Critical alarm: {alarm_type}"

    assert (await watch.alarm(*INSIDE, status=status)).content == b"AL"
    (alarm,) = hub.alarms.active(family.household.id)
    assert alarm.alarm_type == alarm_type
    # At once: the family, by the ladder and by the automation.
    assert await titles(hub, people) == {
        "son": [ladder, ASKED],
        "caregiver": [],
        "guard": [],
        "neighbour": [],
    }

    # Nobody acknowledges. The ladder climbs a rung a minute; the automation waits 5.
    await time_passes(hub, WAIT - SECOND)
    assert await titles(hub, people) == {
        "son": [ladder, ASKED],
        "caregiver": [ladder],
        "guard": [ladder],
        "neighbour": [],
    }
    fire_time_changed(hub, SECOND)
    assert (await titles(hub, people))["caregiver"] == [ladder, FAMILY_SILENT]

    await time_passes(hub, WAIT)
    assert await titles(hub, people) == {
        "son": [ladder, ASKED],
        "caregiver": [ladder, FAMILY_SILENT],
        "guard": [ladder, NOBODY_ANSWERED],
        "neighbour": [],
    }

    trace = escalation.traces[-1].as_dict()
    assert trace["state"] == "finished", trace["message"]
    assert (trace["trigger"]["alarm"]["id"], trace["trigger"]["household_id"]) == (
        alarm.id,
        family.household.id,
    )
    unacknowledged = {"holds": True}
    assert steps(trace) == [
        ("action/0", "notify", {"title": ASKED, "notified": [people["son"]]}),
        ("action/1", "delay", {"seconds": WAIT.total_seconds()}),
        ("action/2", "condition", unacknowledged),
        ("action/2/condition", "condition alarm", unacknowledged),
        ("action/3", "notify", {"title": FAMILY_SILENT, "notified": [people["caregiver"]]}),
        ("action/4", "delay", {"seconds": WAIT.total_seconds()}),
        ("action/5", "condition", unacknowledged),
        ("action/5/condition", "condition alarm", unacknowledged),
        ("action/6", "notify", {"title": NOBODY_ANSWERED, "notified": [people["guard"]]}),
    ]
    assert trace["duration"] == pytest.approx(2 * WAIT.total_seconds(), abs=1)


async def test_the_son_acknowledging_after_the_first_step_stops_the_automation(
    hub: Hub, watch: SimulatedWatch, family: Family, people: dict[str, str], api: Api
) -> None:
    await wear(watch, family)
    escalation = hub.automations.create(sos_escalation(), owner_id=None)
    await watch.alarm(*INSIDE, status=SOS_BIT)
    (sos,) = hub.alarms.active(family.household.id)
    assert (await titles(hub, people))["son"] == ["Critical alarm: sos", ASKED]

    fire_time_changed(hub, timedelta(seconds=30))
    answer = await api("son", "POST", f"/api/alarms/{sos.id}/acknowledge", {})
    assert (answer["state"], answer["acknowledged_by"]) == ("active_acknowledged", people["son"])

    await time_passes(hub, WAIT)
    trace = escalation.traces[-1].as_dict()
    assert trace["state"] == "stopped"
    assert trace["message"] == "action/2: the condition does not hold"
    assert steps(trace) == [
        ("action/0", "notify", {"title": ASKED, "notified": [people["son"]]}),
        ("action/1", "delay", {"seconds": WAIT.total_seconds()}),
        ("action/2", "condition", {"holds": False}),
        ("action/2/condition", "condition alarm", {"holds": False}),
    ]
    await time_passes(hub, WAIT * 6)  # half an hour on: nobody else is ever told
    assert await titles(hub, people) == {
        "son": ["Critical alarm: sos", ASKED],
        "caregiver": [],
        "guard": [],
        "neighbour": [],
    }
    assert len(escalation.traces) == 1


# -- no_sign_of_life ----------------------------------------------------------------------------


async def steps_after(hub: Hub, watch: SimulatedWatch, wait: timedelta, count: int) -> None:
    """``wait`` passes; the watch's keep-alive then carries the day's step count so far."""
    fire_time_changed(hub, wait)
    await watch.link(battery=80, steps=count)
    await settle(hub)


async def test_steps_that_stay_the_same_for_three_hours_open_one_check_in(
    hub: Hub, watch: SimulatedWatch, family: Family, people: dict[str, str]
) -> None:
    await wear(watch, family)
    check_in = hub.automations.create(
        {
            "id": "check_in",
            "use_blueprint": {
                "path": "linli/no_sign_of_life.yaml",
                "input": {"sign_of_life": STEPS, "hours": HOURS},
            },
        },
        owner_id=None,
    )

    # All morning grandma potters about: each half-hourly report counts more steps.
    for count in range(300, 3300, 300):
        await steps_after(hub, watch, HALF_HOUR, count)
    assert state(hub, STEPS) == "3000"
    assert list(check_in.traces) == []
    assert alarms(hub, family.household.id) == []

    # Then she sits still: the watch keeps reporting, always 3000 steps.
    for _ in range(2 * HOURS - 1):
        await steps_after(hub, watch, HALF_HOUR, 3000)
    fire_time_changed(hub, HALF_HOUR - SECOND)
    await settle(hub)
    assert list(check_in.traces) == []

    fire_time_changed(hub, SECOND)  # three hours since the count last changed
    await settle(hub)
    (run,) = check_in.traces
    trace = run.as_dict()
    assert trace["state"] == "finished", trace["message"]
    trigger = trace["trigger"]
    assert (trigger["platform"], trigger["entity_id"], trigger["household_id"]) == (
        "state",
        STEPS,
        family.household.id,
    )
    assert (trigger["from_state"]["state"], trigger["to_state"]["state"]) == ("2700", "3000")
    assert trigger["for"] == HOURS * 3600
    (alarm,) = hub.alarms.active(family.household.id)
    assert steps(trace) == [
        ("condition/0/conditions/0", "condition state", {"holds": False}),  # not unavailable
        ("condition/0", "condition not", {"holds": True}),
        ("action/0", "alarm", {"alarm_type": "check_in", "alarm_id": alarm.id}),
        ("action/1", "notify", {"title": CHECK_IN, "notified": [people["guard"]]}),
    ]
    assert (alarm.alarm_type, alarm.severity, alarm.source_entity_id) == (
        "check_in",
        "minor",
        STEPS,
    )
    assert alarm.message.startswith("老人的手表长时间没有活动迹象")
    assert await titles(hub, people) == {
        "son": ["Minor alarm: check_in"],  # the ladder's first rung
        "caregiver": [],
        "guard": [CHECK_IN],
        "neighbour": [],
    }

    # She stays still three hours more: no second check-in while the count has not changed.
    for _ in range(2 * HOURS):
        await steps_after(hub, watch, HALF_HOUR, 3000)
    assert len(check_in.traces) == 1
    told = await titles(hub, people)
    assert told["guard"].count(CHECK_IN) == 1
    assert told["neighbour"] == []


# -- geofence_at_night, the son's own -----------------------------------------------------------


def community_time(hub: Hub, hour: int, minute: int = 0) -> None:
    """Move the hub's clock on to the next ``hour:minute`` in the community's time zone."""
    now = hub.clock.now().astimezone(ZoneInfo(hub.config.time_zone))
    at = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    fire_time_changed(hub, at if at > now else at + timedelta(days=1))


async def grandma_at_home_with_the_sons_automation(
    hub: Hub, watch: SimulatedWatch, family: Family, api: Api
) -> str:
    """Grandma's watch reports her at home; the son makes the blueprint's automation for
    his household. Returns its id."""
    await wear(watch, family)
    await watch.report(*INSIDE)
    await watch.link()
    assert state(hub, LOCATION) == "home"
    made = await api(
        "son",
        "POST",
        "/api/automations",
        {
            "alias": "奶奶夜里出门",
            "use_blueprint": {
                "path": "linli/geofence_at_night.yaml",
                "input": {"wearer": LOCATION},
            },
        },
        status=201,
    )
    assert (made["household_id"], made["owner_id"]) == (family.household.id, family.son_user.id)
    return made["id"]


async def grandma_goes_out(hub: Hub, watch: SimulatedWatch) -> None:
    await watch.report(*OUTSIDE)
    await watch.link()
    await settle(hub)
    assert state(hub, LOCATION) == "not_home"


async def test_grandma_leaving_home_at_night_raises_the_alarm(
    hub: Hub, watch: SimulatedWatch, family: Family, people: dict[str, str], api: Api
) -> None:
    community_time(hub, 22, 50)
    automation_id = await grandma_at_home_with_the_sons_automation(hub, watch, family, api)

    fire_time_changed(hub, timedelta(minutes=10))  # 23:00
    await grandma_goes_out(hub, watch)

    (trace,) = await api("son", "GET", f"/api/automations/{automation_id}/traces")
    assert trace["state"] == "finished", trace["message"]
    trigger = trace["trigger"]
    assert (trigger["entity_id"], trigger["household_id"]) == (LOCATION, family.household.id)
    assert (trigger["from_state"]["state"], trigger["to_state"]["state"]) == ("home", "not_home")
    (alarm,) = hub.alarms.active(family.household.id)
    assert steps(trace) == [
        ("condition/0", "condition time", {"holds": True}),
        ("condition/1/conditions/0", "condition state", {"holds": False}),  # not unavailable
        ("condition/1", "condition not", {"holds": True}),
        ("action/0", "alarm", {"alarm_type": "geofence_night", "alarm_id": alarm.id}),
    ]
    (shown,) = await api("son", "GET", "/api/alarms")
    assert (shown["id"], shown["alarm_type"], shown["severity"], shown["state"]) == (
        alarm.id,
        "geofence_night",
        "major",
        "active_unacknowledged",
    )
    assert (shown["household_id"], shown["source_entity_id"]) == (family.household.id, LOCATION)
    assert shown["message"] == "老人在夜间离开了安全区域，请立即联系确认。"  # noqa: RUF001
    assert (await titles(hub, people))["neighbour"] == []


async def test_grandma_going_out_in_the_afternoon_raises_nothing(
    hub: Hub, watch: SimulatedWatch, family: Family, people: dict[str, str], api: Api
) -> None:
    community_time(hub, 14, 50)
    automation_id = await grandma_at_home_with_the_sons_automation(hub, watch, family, api)

    fire_time_changed(hub, timedelta(minutes=10))  # 15:00
    await grandma_goes_out(hub, watch)

    (trace,) = await api("son", "GET", f"/api/automations/{automation_id}/traces")
    assert (trace["state"], trace["message"]) == ("stopped", "the conditions do not hold")
    assert trace["trigger"]["to_state"]["state"] == "not_home"
    assert steps(trace) == [("condition/0", "condition time", {"holds": False})]
    assert await api("son", "GET", "/api/alarms") == []
    assert alarms(hub, family.household.id) == []
    assert await titles(hub, people) == {who: [] for who in people}


async def test_grandma_withdrawing_her_location_consent_at_night_is_no_alarm(
    hub: Hub, watch: SimulatedWatch, family: Family, api: Api
) -> None:
    community_time(hub, 22, 50)
    automation_id = await grandma_at_home_with_the_sons_automation(hub, watch, family, api)
    fire_time_changed(hub, timedelta(minutes=10))  # 23:00
    (location,) = [
        consent
        for consent in hub.consent.consents.of_member(family.grandma.id)
        if consent.category == "location"
    ]

    await hub.consent.withdraw(location.id, family.son_user.id)
    await settle(hub)

    assert state(hub, LOCATION) == "unavailable"  # collected no more: she has not gone out
    (trace,) = await api("son", "GET", f"/api/automations/{automation_id}/traces")
    assert (trace["state"], trace["reason"]) == ("stopped", "conditions")
    assert steps(trace)[-1] == ("condition/1", "condition not", {"holds": False})
    assert alarms(hub, family.household.id) == []
