"""Automations and blueprints over the REST API, as the people who use them: 张梅 makes one
for her flat's hall chime, her neighbours of 王家 cannot see it, the property office makes
the community's and reads what automations.yaml could not load, and blueprints are listed
and imported."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
from jsonschema import Draft202012Validator

from linli.http.api.openapi import document_bytes
from linli.hub import Hub
from linli.services import ServiceCall
from linli.testing.plugin import HubFactory

MOTION, CHIME = "binary_sensor.zhang_motion", "switch.zhang_chime"
WANG_DOOR = "binary_sensor.wang_door"

DOCUMENT = orjson.loads(document_bytes())


def conforms(data: Any, name: str) -> None:
    """That ``data`` is as the OpenAPI document's schema ``name`` says."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": DOCUMENT["components"]}
    Draft202012Validator(schema).validate(data)


def chime_automation(**more: Any) -> dict[str, Any]:
    """Ring the hall chime when someone moves in the hall."""
    return {
        "alias": "走廊有人就响铃",
        "triggers": [{"trigger": "state", "entity_id": MOTION, "to": "on"}],
        "actions": [{"action": "chime.ring", "target": {"entity_id": CHIME}}],
        **more,
    }


@dataclass
class Street:
    """张家 (with 张梅, a resident, and a motion sensor and a chime) and 王家 (with 王强 and a
    door sensor), the property office's operator, and the hub's admin."""

    hub: Hub
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, str] = field(default_factory=dict)
    rung: list[ServiceCall] = field(default_factory=list)

    def __post_init__(self) -> None:
        hub, community = self.hub, self.hub.community
        self.zhang = community.households.create("张家")
        self.wang = community.households.create("王家")
        for name, role, household in (
            ("mei", "resident", self.zhang),
            ("qiang", "resident", self.wang),
            ("guard", "operator", None),
        ):
            user = hub.users.create(f"{name}_user", role)
            self.user_ids[name] = user.id
            self.tokens[name] = hub.http.tokens.create("test", user.id, "long_lived")[1]
            if household is not None:
                community.members.create(household.id, name, "owner", user_id=user.id)
        self.user_ids["admin"] = hub.users.get_by_username("admin").id
        self.tokens["admin"] = hub.http.tokens.admin_token_path.read_text("utf-8").strip()
        for entity_id, household in (
            (MOTION, self.zhang),
            (CHIME, self.zhang),
            (WANG_DOOR, self.wang),
        ):
            domain, object_id = entity_id.split(".")
            device = hub.devices.get_or_create(
                identifiers={("test", object_id)}, name=object_id, household_id=household.id
            )
            hub.entities.get_or_create(
                domain, "test", object_id, suggested_object_id=object_id, device_id=device.id
            )
            hub.states.set(entity_id, "off")

        async def ring(call: ServiceCall) -> None:
            self.rung.append(call)

        hub.services.register("chime", "ring", ring)

    async def request(
        self, who: str, method: str, path: str, body: Any = None, **params: str
    ) -> ClientResponse:
        return await self.client.request(
            method,
            path,
            json=body,
            params=params,
            headers={"Authorization": f"Bearer {self.tokens[who]}"},
        )

    async def json(
        self, who: str, method: str, path: str, body: Any = None, status: int = 200, **params: str
    ) -> Any:
        response = await self.request(who, method, path, body, **params)
        assert response.status == status, await response.text()
        return await response.json()

    async def move(self) -> None:
        """Someone walks through 张家's hall."""
        self.hub.states.set(MOTION, "on")
        await self.hub.block_till_done()
        self.hub.states.set(MOTION, "off")
        await self.hub.block_till_done()


@pytest.fixture
async def street(hub: Hub, hub_client_no_auth: TestClient) -> Street:
    return Street(hub, hub_client_no_auth)


async def test_a_resident_makes_an_automation_for_her_household(
    street: Street, expect_error
) -> None:
    wrong = chime_automation(
        triggers=[{"trigger": "state", "entity_id": "binary_sensor.zhang_hall", "to": "on"}]
    )
    response = await street.request("mei", "POST", "/api/automations", wrong)
    body = await expect_error(response, 400, "invalid_format", "triggers.0.entity_id")
    assert "binary_sensor.zhang_hall" in body["message"]
    assert list(street.hub.automations) == []

    made = await street.json("mei", "POST", "/api/automations", chime_automation(), 201)
    conforms(made, "Automation")
    assert made["household_id"] == street.zhang.id  # her only household, by default
    assert made["owner_id"] == street.user_ids["mei"]
    assert (made["source"], made["enabled"], made["failure"], made["last_run"]) == (
        "api",
        True,
        None,
        None,
    )
    assert made["config"]["triggers"] == chime_automation()["triggers"]
    automation_id = made["id"]
    listed = await street.json("mei", "GET", "/api/automations")
    assert [item["id"] for item in listed] == [automation_id]
    assert await street.json("mei", "GET", "/api/automations", household_id=street.wang.id) == []

    trace = await street.json("mei", "POST", f"/api/automations/{automation_id}/trigger")
    conforms(trace, "AutomationRun")
    assert trace["trigger"]["platform"] == "manual"
    assert trace["trigger"]["user_id"] == street.user_ids["mei"]
    await street.hub.block_till_done()
    assert [call.data["entity_id"] for call in street.rung] == [[CHIME]]
    assert street.rung[0].context.user_id == street.user_ids["mei"]  # acting with her rights

    await street.move()
    traces = await street.json("mei", "GET", f"/api/automations/{automation_id}/traces")
    for item in traces:
        conforms(item, "AutomationRun")
    assert [item["trigger"]["platform"] for item in traces] == ["state", "manual"]  # newest first
    assert [item["state"] for item in traces] == ["finished", "finished"]
    assert traces[0]["trigger"]["to_state"]["state"] == "on"
    assert [step["path"] for step in traces[0]["steps"]] == ["action/0"]
    assert traces[1]["run_id"] == trace["run_id"]
    assert len(street.rung) == 2
    shown = await street.json("mei", "GET", f"/api/automations/{automation_id}")
    assert shown["last_run"]["state"] == "finished"


async def test_a_neighbour_neither_sees_nor_reaches_it(street: Street, expect_error) -> None:
    made = await street.json("mei", "POST", "/api/automations", chime_automation(), 201)
    path = f"/api/automations/{made['id']}"
    assert await street.json("qiang", "GET", "/api/automations") == []
    assert await street.json("qiang", "GET", "/api/automations", household_id=street.zhang.id) == []
    for method, suffix, body in (
        ("GET", "", None),
        ("PUT", "", chime_automation()),
        ("DELETE", "", None),
        ("POST", "/enable", None),
        ("POST", "/disable", None),
        ("POST", "/trigger", None),
        ("GET", "/traces", None),
    ):
        response = await street.request("qiang", method, path + suffix, body)
        await expect_error(response, 404, "not_found")
    assert street.rung == []
    # Nor can he make one for 张家, or one that watches or acts on 张家's things.
    response = await street.request(
        "qiang", "POST", "/api/automations", chime_automation(household_id=street.zhang.id)
    )
    await expect_error(response, 404, "not_found", "household_id")
    watching = {
        "triggers": [{"trigger": "state", "entity_id": MOTION}],
        "actions": [{"event": "zhang_moved"}],
    }
    response = await street.request("qiang", "POST", "/api/automations", watching)
    body = await expect_error(response, 400, "invalid_format", "triggers.0.entity_id")
    assert body["message"] == f"there is no entity {MOTION}"  # as if it did not exist
    telling = {
        "triggers": [{"trigger": "state", "entity_id": WANG_DOOR, "to": "on"}],
        "actions": [
            {
                "notify": {
                    "to": "household",
                    "title": "门开了",
                    "message": "王家的门开了",
                    "household_id": street.zhang.id,
                }
            }
        ],
    }
    response = await street.request("qiang", "POST", "/api/automations", telling)
    await expect_error(response, 404, "not_found", "actions.0.notify.household_id")
    # The admin sees and manages every household's.
    listed = await street.json("admin", "GET", "/api/automations", household_id=street.zhang.id)
    assert [item["id"] for item in listed] == [made["id"]]
    # Making one for the community is the staff's.
    response = await street.request(
        "mei", "POST", "/api/automations", chime_automation(household_id=None)
    )
    await expect_error(response, 403, "forbidden")


async def test_turning_it_off_and_on_decides_whether_its_trigger_fires_it(
    street: Street,
) -> None:
    made = await street.json("mei", "POST", "/api/automations", chime_automation(), 201)
    path = f"/api/automations/{made['id']}"
    off = await street.json("mei", "POST", f"{path}/disable")
    assert off["enabled"] is False
    await street.move()
    assert street.rung == []
    assert (await street.json("mei", "GET", path))["enabled"] is False

    on = await street.json("mei", "POST", f"{path}/enable")
    assert on["enabled"] is True
    await street.move()
    assert [call.data["entity_id"] for call in street.rung] == [[CHIME]]


async def test_she_replaces_and_removes_her_automation(street: Street, expect_error) -> None:
    made = await street.json("mei", "POST", "/api/automations", chime_automation(), 201)
    path = f"/api/automations/{made['id']}"
    response = await street.request("mei", "PUT", path, chime_automation(id="another"))
    await expect_error(response, 400, "invalid_format", "id")
    wrong = chime_automation(actions=[{"action": "chime.ring", "target": {"entity_id": "x"}}])
    response = await street.request("mei", "PUT", path, wrong)
    await expect_error(response, 400, "invalid_format", "actions.0.target.entity_id")

    changed = await street.json(
        "mei", "PUT", path, chime_automation(alias="夜里响铃", mode="queued")
    )
    assert (changed["id"], changed["alias"], changed["mode"]) == (made["id"], "夜里响铃", "queued")
    assert changed["household_id"] == street.zhang.id  # still her household's
    await street.move()
    assert len(street.rung) == 1

    removed = await street.json("mei", "DELETE", path)
    assert removed == {"automation_id": made["id"], "removed": True}
    await expect_error(await street.request("mei", "GET", path), 404, "not_found")
    await street.move()
    assert len(street.rung) == 1


async def test_the_property_office_makes_the_community_s_automations(
    street: Street, expect_error
) -> None:
    hub = street.hub
    hub.states.set("binary_sensor.gate_button", "off")
    gate = {
        "alias": "东门按钮",
        "triggers": [{"trigger": "state", "entity_id": "binary_sensor.gate_button", "to": "on"}],
        "actions": [{"event": "gate_button_pressed", "event_data": {"gate": "east"}}],
    }
    made = await street.json("guard", "POST", "/api/automations", gate, 201)
    assert (made["household_id"], made["owner_id"]) == (None, street.user_ids["guard"])
    assert "household_id" not in made["config"]
    heard = []
    hub.bus.listen("gate_button_pressed", heard.append)
    hub.states.set("binary_sensor.gate_button", "on")
    await hub.block_till_done()
    assert [event.data for event in heard] == [{"gate": "east"}]
    assert await street.json("mei", "GET", "/api/automations") == []
    response = await street.request("mei", "GET", f"/api/automations/{made['id']}")
    await expect_error(response, 404, "not_found")
    # An operator manages the community's, not a household's.
    response = await street.request(
        "guard", "POST", "/api/automations", chime_automation(household_id=street.zhang.id)
    )
    await expect_error(response, 404, "not_found", "household_id")
    for_zhang = await street.json(
        "admin", "POST", "/api/automations", chime_automation(household_id=street.zhang.id), 201
    )
    assert for_zhang["household_id"] == street.zhang.id
    listed = await street.json("guard", "GET", "/api/automations")
    assert [item["id"] for item in listed] == [made["id"]]
    assert len(await street.json("mei", "GET", "/api/automations")) == 1


async def test_a_households_event_trigger_hears_its_own_events_and_only_staff_fire_events(
    street: Street, expect_error
) -> None:
    """A household's automation hears its own things (states, times, its alarms, its
    webhooks, events naming it); firing events is the staff's, as over the WebSocket API."""
    hearing = chime_automation(
        triggers=[{"trigger": "event", "event_type": "ev_charger_charging_finished"}],
    )
    await street.json("mei", "POST", "/api/automations", hearing, 201)
    street.hub.bus.fire("ev_charger_charging_finished", {"household_id": street.wang.id})
    street.hub.bus.fire("ev_charger_charging_finished", {})
    await street.hub.block_till_done()
    assert street.rung == []  # not hers
    street.hub.bus.fire("ev_charger_charging_finished", {"household_id": street.zhang.id})
    await street.hub.block_till_done()
    assert [call.data["entity_id"] for call in street.rung] == [[CHIME]]

    firing = chime_automation(actions=[{"delay": 1}, {"event": "zhang_moved"}])
    response = await street.request("mei", "POST", "/api/automations", firing)
    await expect_error(response, 403, "forbidden", "actions.1")
    assert len(list(street.hub.automations)) == 1
    # The data of a service call may say "event": it is no event.
    calling = chime_automation(
        actions=[{"action": "chime.ring", "target": {"entity_id": CHIME}, "data": {"event": "x"}}]
    )
    await street.json("mei", "POST", "/api/automations", calling, 201)


async def test_a_household_notifies_only_its_own_members_by_account(
    street: Street, expect_error
) -> None:
    def telling(user_id: str) -> dict[str, Any]:
        step = {"notify": {"to": ["household", user_id], "title": "有人", "message": "走廊有人"}}
        return chime_automation(actions=[step])

    response = await street.request(
        "mei", "POST", "/api/automations", telling(street.user_ids["qiang"])
    )
    body = await expect_error(response, 403, "forbidden", "actions.0.notify.to")
    assert street.user_ids["qiang"] in body["message"]
    await street.json("mei", "POST", "/api/automations", telling(street.user_ids["mei"]), 201)
    await street.json("guard", "POST", "/api/automations", telling(street.user_ids["qiang"]), 201)


async def test_a_trace_shows_what_json_can_hold(street: Street) -> None:
    """A trigger's facts may hold states (an event trigger on state_changed) and durations
    (a state trigger's ``for``): the traces answer them as JSON."""
    hub = street.hub
    automation = {
        "triggers": [
            {
                "trigger": "event",
                "event_type": "state_changed",
                "event_data": {"entity_id": MOTION},
            },
            {"trigger": "state", "entity_id": MOTION, "to": "off", "for": "00:00:00"},
        ],
        "actions": [{"event": "noticed"}],
    }
    made = await street.json("guard", "POST", "/api/automations", automation, 201)
    await street.move()
    await hub.block_till_done()
    traces = await street.json("guard", "GET", f"/api/automations/{made['id']}/traces")
    platforms = sorted(trace["trigger"]["platform"] for trace in traces)
    assert platforms == ["event", "event", "state"]
    for trace in traces:
        conforms(trace, "AutomationRun")
    event = next(trace for trace in traces if trace["trigger"]["platform"] == "event")
    assert event["trigger"]["event"]["data"]["new_state"]["entity_id"] == MOTION
    state = next(trace for trace in traces if trace["trigger"]["platform"] == "state")
    assert state["trigger"]["for"] == 0


# -- automations.yaml --------------------------------------------------------------------------

AUTOMATIONS_YAML = """
- id: night_patrol
  alias: 夜间巡逻提醒
  triggers:
    - trigger: event
      event_type: patrol_due
  actions:
    - event: patrol_reminded
- id: broken
  alias: 坏的
  triggers:
    - trigger: state
      entity_id: binary_sensor.nowhere
  actions:
    - event: never
"""


@pytest.fixture
async def yaml_hub(hub_factory: HubFactory, tmp_path: Path) -> Hub:
    config_dir = tmp_path / "yaml_hub"
    config_dir.mkdir()
    (config_dir / "automations.yaml").write_text(AUTOMATIONS_YAML, encoding="utf-8")
    return await hub_factory(config_dir=config_dir)


@pytest.fixture
async def yaml_client(yaml_hub: Hub) -> AsyncIterator[TestClient]:
    client = TestClient(TestServer(yaml_hub.http.app, port=0))
    await client.start_server()
    yield client
    await client.close()


async def test_an_automation_of_automations_yaml_is_edited_in_the_file(
    yaml_hub: Hub, yaml_client: TestClient, expect_error
) -> None:
    street = Street(yaml_hub, yaml_client)
    path = "/api/automations/night_patrol"
    shown = await street.json("guard", "GET", path)
    assert (shown["source"], shown["owner_id"], shown["household_id"]) == ("yaml", None, None)
    assert shown["config"]["alias"] == "夜间巡逻提醒"
    for method, body in (("PUT", {**shown["config"], "alias": "改"}), ("DELETE", None)):
        response = await street.request("guard", method, path, body)
        body = await expect_error(response, 409, "read_only")
        assert "automations.yaml" in body["message"]
    assert yaml_hub.automations.get("night_patrol") is not None
    # It can be turned off and on, and run by hand.
    assert (await street.json("guard", "POST", f"{path}/disable"))["enabled"] is False
    assert (await street.json("guard", "POST", f"{path}/enable"))["enabled"] is True
    trace = await street.json("guard", "POST", f"{path}/trigger")
    assert trace["automation_id"] == "night_patrol"
    # What the file could not load is for staff to read.
    problems = await street.json("guard", "GET", "/api/automations/problems")
    assert list(problems) == ["broken"]
    assert "binary_sensor.nowhere" in problems["broken"]
    assert "triggers.0.entity_id" in problems["broken"]
    response = await street.request("mei", "GET", "/api/automations/problems")
    await expect_error(response, 403, "forbidden")
    assert await street.json("mei", "GET", "/api/automations") == []


# -- blueprints --------------------------------------------------------------------------------

DOOR_CHIME = """
blueprint:
  name: 门开就响铃
  description: Ring a chime when a door opens.
  domain: automation
  author: 张梅
  source_url: https://example.com/door_chime.yaml
  input:
    door:
      name: Door
      selector:
        entity:
          filter:
            domain: binary_sensor
    chime:
      name: Chime
      description: What rings.
      selector:
        entity:
          filter:
            domain: switch
    mode_of_runs:
      name: Mode
      default: single
      selector:
        select:
          options: [single, queued]
mode: !input mode_of_runs
triggers:
  - trigger: state
    entity_id: !input door
    to: "on"
actions:
  - action: chime.ring
    target:
      entity_id: !input chime
"""

BAD_SELECTOR = """
blueprint:
  name: 坏的
  domain: automation
  input:
    wait:
      selector:
        numbr:
          min: 0
triggers:
  - trigger: event
    event_type: x
actions:
  - delay: !input wait
"""


async def test_blueprints_are_listed_and_imported(street: Street, expect_error) -> None:
    listed = await street.json("mei", "GET", "/api/blueprints")
    assert set(listed) == {"blueprints", "problems"}
    shipped = {blueprint["path"] for blueprint in listed["blueprints"]}
    assert "linli/smoke_or_gas.yaml" in shipped
    for blueprint in listed["blueprints"]:
        conforms(blueprint, "Blueprint")

    response = await street.request(
        "mei", "POST", "/api/blueprints", {"filename": "door_chime.yaml", "text": DOOR_CHIME}
    )
    await expect_error(response, 403, "forbidden")
    imported = await street.json(
        "guard",
        "POST",
        "/api/blueprints",
        {"filename": "door_chime.yaml", "text": DOOR_CHIME},
        201,
    )
    conforms(imported, "Blueprint")
    assert imported["path"] == "imported/door_chime.yaml"
    assert (imported["name"], imported["author"]) == ("门开就响铃", "张梅")
    inputs = {item["name"]: item for item in imported["inputs"]}
    assert inputs["chime"]["description"] == "What rings."
    assert inputs["door"]["selector"] == {"entity": {"filter": {"domain": "binary_sensor"}}}
    assert "default" not in inputs["door"]
    assert inputs["mode_of_runs"]["default"] == "single"
    listed = await street.json("mei", "GET", "/api/blueprints")
    assert "imported/door_chime.yaml" in {item["path"] for item in listed["blueprints"]}
    taken = {"filename": "door_chime.yaml", "text": DOOR_CHIME}
    response = await street.request("guard", "POST", "/api/blueprints", taken)
    body = await expect_error(response, 400, "invalid_format", "filename")
    assert "imported/door_chime.yaml" in body["message"]

    # 张梅 uses it; an input that does not exist is named.
    use = {"path": "imported/door_chime.yaml", "input": {"door": MOTION, "chime": CHIME}}
    wrong = {"use_blueprint": {**use, "input": {**use["input"], "chimes": CHIME}}}
    response = await street.request("mei", "POST", "/api/automations", wrong)
    body = await expect_error(response, 400, "invalid_format", "use_blueprint.input.chimes")
    assert "'chimes'" in body["message"]
    made = await street.json("mei", "POST", "/api/automations", {"use_blueprint": use}, 201)
    assert made["config"]["use_blueprint"] == use
    assert made["mode"] == "single"
    await street.move()
    assert [call.data["entity_id"] for call in street.rung] == [[CHIME]]


async def test_a_bad_blueprint_is_refused_naming_its_problem(street: Street, expect_error) -> None:
    bad = {"filename": "wait.yaml", "text": BAD_SELECTOR}
    response = await street.request("guard", "POST", "/api/blueprints", bad)
    body = await expect_error(response, 400, "invalid_format", "text")
    assert "numbr" in body["message"]
    assert "'number'" in body["message"]  # did you mean
    for filename in ("../escape.yaml", "no_suffix"):
        response = await street.request(
            "admin", "POST", "/api/blueprints", {"filename": filename, "text": DOOR_CHIME}
        )
        await expect_error(response, 400, "invalid_format", "filename")
    response = await street.request("guard", "POST", "/api/blueprints", {"filename": "x.yaml"})
    await expect_error(response, 400, "invalid_format", "text")
    listed = await street.json("guard", "GET", "/api/blueprints")
    assert not any(item["path"].startswith("imported/") for item in listed["blueprints"])
