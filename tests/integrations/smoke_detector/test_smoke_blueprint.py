"""The shipped blueprint "smoke or gas" end to end: a kitchen detector reports smoke over
zigbee2mqtt on the hub's broker, and the community's automation made from the blueprint
raises the critical response alarm for that flat, tells its household and the security
desk, and unlocks the escape doors where the community asked for it."""

from __future__ import annotations

from typing import Any

import aiomqtt
import pytest
from detector_helpers import SMOKE, add_detector, send, state
from mqtt_helpers import wait_for

from linli.automation.automation import Automation
from linli.hub import Hub
from linli.services import ServiceCall

BLUEPRINT = "linli/smoke_or_gas.yaml"
ESCAPE_DOOR = "lock.east_stair_escape_door"
TITLE = "烟雾或燃气报警"


class EscapeDoors:
    """The access-control system's locks: ``lock.unlock``/``lock.lock`` set their state."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        for service in ("lock", "unlock"):
            hub.services.register("lock", service, self._handle)
        hub.states.set(ESCAPE_DOOR, "locked")

    async def _handle(self, call: ServiceCall) -> None:
        for entity_id in call.data["entity_id"]:
            state = "unlocked" if call.service == "unlock" else "locked"
            self.hub.states.set(entity_id, state, context=call.context)

    @property
    def state(self) -> str:
        door = self.hub.states.get(ESCAPE_DOOR)
        assert door is not None
        return door.state


class Building:
    """Flat 1-101 (王家, with the detector in the kitchen), the 李 neighbours, the guard."""

    def __init__(self, hub: Hub) -> None:
        community, users = hub.community, hub.users
        self.hub = hub
        self.wang = community.households.create("王家", community.units.create("1-101", 89.5).id)
        self.li = community.households.create("李家", community.units.create("1-102", 89.5).id)
        self.people = {
            name: users.create(name, role).id
            for name, role in (("wang", "resident"), ("li", "resident"), ("guard", "operator"))
        }
        community.members.create(self.wang.id, "王强", "owner", user_id=self.people["wang"])
        community.members.create(self.li.id, "李明", "owner", user_id=self.people["li"])

    async def told(self) -> list[str]:
        """Who got the automation's notification."""
        return [
            name
            for name, user_id in self.people.items()
            if any(item.title == TITLE for item in await self.hub.notifications.of_user(user_id))
        ]


@pytest.fixture
async def building(embedded_hub: Hub) -> Building:
    return Building(embedded_hub)


async def run_after(device: aiomqtt.Client, report: str, automation: Automation) -> dict[str, Any]:
    """Send the detector's ``report``; the trace of the run it starts, once it has ended."""
    await send(device, report)
    await wait_for(lambda: automation.traces and automation.traces[-1].state != "running")
    return automation.traces[-1].as_dict()


def from_blueprint(**inputs: Any) -> dict[str, Any]:
    return {
        "id": "fire_response",
        "use_blueprint": {"path": BLUEPRINT, "input": {"detectors": [SMOKE], **inputs}},
    }


async def test_smoke_in_a_kitchen_raises_the_response_tells_people_and_unlocks_the_doors(
    embedded_hub: Hub, device: aiomqtt.Client, building: Building
) -> None:
    hub = embedded_hub
    doors = EscapeDoors(hub)
    await add_detector(hub, building.wang.id)
    await send(device, state())
    await wait_for(lambda: hub.states.get(SMOKE).state == "off")
    automation = hub.automations.create(
        from_blueprint(unlock_escape_doors=True, escape_doors={"entity_id": ESCAPE_DOOR}),
        owner_id=None,  # the community's, as the operator writes it
    )

    trace = await run_after(device, state(smoke=True), automation)
    assert trace["state"] == "finished", trace["message"]
    assert trace["trigger"]["entity_id"] == SMOKE
    assert trace["trigger"]["household_id"] == building.wang.id
    assert [(step["path"], step["kind"]) for step in trace["steps"]] == [
        ("action/0", "alarm"),
        ("action/1", "notify"),
        ("action/2", "service"),
    ]
    response = hub.alarms.get(trace["steps"][0]["result"]["alarm_id"])
    assert (response.alarm_type, response.severity, response.household_id) == (
        "fire_response",
        "critical",
        building.wang.id,
    )
    assert response.source_entity_id == SMOKE  # the console shows which detector
    # the detector's own alarm is there too; the neighbours have none
    assert {alarm.alarm_type for alarm in hub.alarms.active(building.wang.id)} == {
        "smoke",
        "fire_response",
    }
    assert hub.alarms.active(building.li.id) == []
    assert await building.told() == ["wang", "guard"]
    assert doors.state == "unlocked"

    await send(device, state(smoke=True))  # still smoke: the detector reports again
    await send(device, state())
    await wait_for(lambda: hub.states.get(SMOKE).state == "off")
    assert len(automation.traces) == 1  # one fire, one response


async def test_the_doors_stay_locked_unless_the_community_asked(
    embedded_hub: Hub, device: aiomqtt.Client, building: Building
) -> None:
    hub = embedded_hub
    doors = EscapeDoors(hub)
    await add_detector(hub, building.wang.id)
    automation = hub.automations.create(
        from_blueprint(escape_doors={"entity_id": ESCAPE_DOOR}), owner_id=None
    )

    trace = await run_after(device, state(smoke=True), automation)
    assert trace["state"] == "finished"
    assert [step["kind"] for step in trace["steps"]] == ["alarm", "notify"]
    assert doors.state == "locked"
    assert await building.told() == ["wang", "guard"]
