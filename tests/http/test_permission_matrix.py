"""The permission matrix: every API operation, as each kind of user, in a small community.

Households A and B; A has a resident (its owner), a household admin, grandma (whose
wristband measures her heart rate, with her consent) and grandma's caregiver, who lives
elsewhere; B a resident. An operator and an admin run the community. A has a smart plug,
B a door lock, the community a gate; each household charged its car this month. Every
route of the API has rows here (a new route without one fails
:func:`test_every_route_has_a_row`), and every answer of a user of A is searched for B's
ids, every answer of anyone outside A for grandma's heart data.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientWebSocketResponse
from aiohttp.test_utils import TestClient

from linli.auth.users import UserEntry
from linli.config_entries import ConfigEntryState
from linli.flows.handler import FlowContext
from linli.http.server import WEB_APP_INDEX
from linli.hub import Hub
from linli.metering import Month

ROLES = ("resident_a", "household_admin_a", "caregiver", "resident_b", "operator", "admin")
A_SIDE = frozenset({"resident_a", "household_admin_a", "caregiver"})
HEART_MARKER = "grandma-heart-97"
A_SWITCH, HEART, B_LOCK, GATE = "switch.a_plug", "sensor.a_heart_rate", "lock.b_door", "lock.gate"

PLUG = """
async def async_setup_entry(hub, entry):
    await hub.config_entries.forward_entry_setups(entry, ["switch", "lock"])
    return True

async def async_unload_entry(hub, entry):
    return True
"""
PLUG_PLATFORMS = {
    "plug/switch.py": """
from linli.entities.switch import SwitchEntity

class Plug(SwitchEntity):
    _attr_should_poll = False
    _attr_is_on = False

    def __init__(self, name):
        self._attr_unique_id = self._attr_name = name
        self._attr_device_info = {"identifiers": {("plug", name)}, "name": name}

    async def async_turn_on(self):
        self._attr_is_on = True

    async def async_turn_off(self):
        self._attr_is_on = False

async def async_setup_entry(hub, entry, add_entities):
    await add_entities([Plug(name) for name in entry.data.get("switches", [])])
""",
    "plug/lock.py": """
from linli.entities.lock import LockEntity

class Door(LockEntity):
    _attr_should_poll = False
    _attr_is_locked = True

    def __init__(self, name):
        self._attr_unique_id = self._attr_name = name
        self._attr_device_info = {"identifiers": {("plug", name)}, "name": name}

    async def async_lock(self):
        self._attr_is_locked = True

    async def async_unlock(self):
        self._attr_is_locked = False

async def async_setup_entry(hub, entry, add_entities):
    await add_entities([Door(name) for name in entry.data.get("locks", [])])
""",
    "plug/config_flow.py": """
import voluptuous as vol

from linli.config_entries import ConfigFlow, OptionsFlow

class PlugFlow(ConfigFlow):
    async def async_step_user(self, user_input=None):
        if user_input is None:
            return self.show_form("user", vol.Schema({vol.Required("name"): str}))
        return self.create_entry(user_input["name"], {"switches": [user_input["name"]]})

    @staticmethod
    def options_flow(entry):
        return PlugOptions(entry)

class PlugOptions(OptionsFlow):
    async def async_step_options(self, user_input=None):
        if user_input is None:
            return self.show_form("options", vol.Schema({vol.Required("watts"): int}))
        return self.create_entry("", user_input)
""",
}
WRISTBAND = """
async def async_setup_entry(hub, entry):
    await hub.config_entries.forward_entry_setups(entry, ["sensor"])
    return True

async def async_unload_entry(hub, entry):
    return True
"""
WRISTBAND_SENSOR = f"""
from linli.entities.sensor import SensorEntity

class HeartRate(SensorEntity):
    _attr_should_poll = False
    _attr_unique_id = "band-a-heart"
    _attr_name = "a heart rate"
    _attr_native_value = 97
    _attr_extra_state_attributes = {{"note": "{HEART_MARKER}"}}
    _attr_device_info = {{"identifiers": {{("wristband", "band-a")}}, "name": "奶奶的手环"}}

async def async_setup_entry(hub, entry, add_entities):
    await add_entities([HeartRate()])
"""
CHARGER = """
async def async_setup_entry(hub, entry):
    return True

async def async_unload_entry(hub, entry):
    return True
"""
CHARGER_FLOW = """
import voluptuous as vol

from linli.config_entries import ConfigFlow

class ChargerFlow(ConfigFlow):
    async def async_step_user(self, user_input=None):
        return self.show_form("user", vol.Schema({vol.Required("site"): str}))
"""
# A's: its plug off at night. Anyone makes the other: a morning reminder to one's household.
A_AUTOMATION = {
    "alias": "插座夜里关",
    "triggers": [{"trigger": "time", "at": "23:00"}],
    "actions": [{"action": "switch.turn_off", "target": {"entity_id": A_SWITCH}}],
}
REMINDER = {
    "alias": "早上提醒",
    "triggers": [{"trigger": "time", "at": "07:00"}],
    "actions": [{"notify": {"to": "household", "title": "早上好", "message": "记得带钥匙"}}],
}
BLUEPRINT = """
blueprint:
  name: 早上提醒
  domain: automation
triggers:
  - trigger: time
    at: "07:00"
actions:
  - notify: {to: household, title: 早上好, message: 记得带钥匙}
"""
ROSTER = "楼栋,单元,房号,建筑面积(㎡),姓名,身份,电话,照护对象\r\n9,1,101,80.00,钱多,业主,,\r\n"


@dataclass
class Town:
    """The community under test: its records, and each role's user and token."""

    hub: Hub
    users: dict[str, UserEntry] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)  # names of records -> their ids
    b_ids: set[str] = field(default_factory=set)  # what a user of A must never be shown
    numbers: itertools.count[int] = field(default_factory=itertools.count)

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def user_id(self, role: str) -> str:
        return self.users[role].id


@pytest.fixture
def integrations(integration: Callable[..., str], write_files, packages_dir: Path) -> None:
    integration("plug", PLUG, config_flow=True)
    write_files(packages_dir, PLUG_PLATFORMS)
    integration("wristband", WRISTBAND, data_categories=["health"])
    write_files(packages_dir, {"wristband/sensor.py": WRISTBAND_SENSOR})
    integration("charger", CHARGER, integration_type="service", config_flow=True)
    write_files(packages_dir, {"charger/config_flow.py": CHARGER_FLOW})


@pytest.fixture
async def town(hub: Hub, integrations: None) -> Town:
    """Households A and B, their people and devices, the gate, an open proposal."""
    town = Town(hub)
    community, users = hub.community, hub.users
    unit_a = community.units.create("7号楼 2单元 1203", Decimal("89.35"))
    unit_b = community.units.create("8号楼 1单元 501", Decimal("120.00"))
    a = community.households.create("张家", unit_a.id)
    b = community.households.create("赵家", unit_b.id)
    for role, user_role in (
        ("resident_a", "resident"),
        ("household_admin_a", "household_admin"),
        ("caregiver", "resident"),
        ("resident_b", "resident"),
        ("operator", "operator"),
    ):
        town.users[role] = users.create(role.replace("_", "."), user_role)
    town.users["admin"] = users.get_by_username("admin")
    for role, user in town.users.items():
        town.tokens[role] = hub.http.tokens.create("test", user.id, "long_lived")[1]
    owner_a = community.members.create(a.id, "张伟", "owner", user_id=town.user_id("resident_a"))
    community.members.create(a.id, "张芳", "family", user_id=town.user_id("household_admin_a"))
    grandma = community.members.create(a.id, "张奶奶", "family")
    community.members.create(  # lives elsewhere: of A only as grandma's caregiver
        a.id,
        "李护工",
        "caregiver",
        user_id=town.user_id("caregiver"),
        cares_for=frozenset({grandma.id}),
    )
    owner_b = community.members.create(b.id, "赵强", "owner", user_id=town.user_id("resident_b"))

    entries = hub.config_entries
    entry_a = await entries.add("plug", "张家插座", {"switches": ["a_plug"]}, household_id=a.id)
    entry_b = await entries.add("plug", "赵家门锁", {"locks": ["b_door"]}, household_id=b.id)
    entry_gate = await entries.add("plug", "东门", {"locks": ["gate"]})
    await entries.add("wristband", "奶奶的手环", {}, household_id=a.id)
    await entries.add("charger", "充电站", {})
    band = hub.devices.get_by_identifier("wristband", "band-a")
    hub.consent.assign(band.id, grandma.id, owner_a.user_id)
    hub.consent.give(grandma.id, "health", "all", owner_a.user_id)
    assert hub.states.get(HEART).state == "97"
    for entry in (entry_a, entry_b, entry_gate):
        assert entry.state is ConfigEntryState.loaded, (entry.title, entry.state, entry.reason)
    assert {A_SWITCH, B_LOCK, GATE} <= {state.entity_id for state in hub.states.all()}

    async def open_all(call: Any) -> None:
        pass

    hub.services.register("gate", "open_all", open_all)
    proposal = hub.governance.propose(
        title="东门换锁",
        description="",
        matter="other",
        domain=None,
        action=None,
        funding_model=None,
        amount_fen=0,
        opens_at=None,
        closes_at=hub.clock.time() + 3600,
        created_by=town.user_id("admin"),
    )
    town.ids.update(
        household_a=a.id,
        household_b=b.id,
        unit_a=unit_a.id,
        grandma=grandma.id,
        owner_a=owner_a.id,
        entry_a=entry_a.id,
        entry_gate=entry_gate.id,
        plug_a=hub.devices.get_by_identifier("plug", "a_plug").id,
        band=band.id,
        proposal=proposal.id,
    )
    alarms = hub.alarms
    alarm_a = alarms.raise_alarm(
        "smoke", "critical", source_entity_id=None, household_id=a.id, message="厨房烟雾"
    )
    alarm_b = alarms.raise_alarm(
        "water_leak", "major", source_entity_id=None, household_id=b.id, message="卫生间漏水"
    )
    alarm_shared = alarms.raise_alarm(
        "smoke", "critical", source_entity_id=None, household_id=None, message="地下车库烟雾"
    )
    town.ids.update(alarm_a=alarm_a.id, alarm_b=alarm_b.id, alarm_shared=alarm_shared.id)
    automations = hub.automations
    automation_a = automations.create(
        {**A_AUTOMATION, "household_id": a.id}, owner_id=town.user_id("resident_a")
    )
    automation_heart = automations.create(
        {
            "alias": "奶奶心率过高",
            "triggers": [{"trigger": "numeric_state", "entity_id": HEART, "above": 120}],
            "actions": [{"notify": {"to": "household", "title": "心率", "message": "过高"}}],
            "household_id": a.id,
        },
        owner_id=town.user_id("resident_a"),
    )
    automation_b = automations.create(
        {
            "alias": "赵家门开了",
            "triggers": [{"trigger": "state", "entity_id": B_LOCK, "to": "unlocked"}],
            "actions": [{"notify": {"to": "household", "title": "门", "message": "开了"}}],
            "household_id": b.id,
        },
        owner_id=town.user_id("resident_b"),
    )
    automation_shared = automations.create(
        {
            "alias": "东门开了就全开",
            "triggers": [{"trigger": "state", "entity_id": GATE, "to": "unlocked"}],
            "actions": [{"action": "gate.open_all"}],
        },
        owner_id=town.user_id("operator"),
    )
    town.ids.update(
        automation_a=automation_a.id,
        automation_heart=automation_heart.id,
        automation_b=automation_b.id,
        automation_shared=automation_shared.id,
    )
    usage_a, usage_b = [
        await hub.metering.record(
            household_id=household.id,
            domain="charger",
            item="energy",
            description="充电",
            quantity_milli=12_345,
            unit="kWh",
            unit_price_fen=120,
            reference=f"session-{household.name}",
        )
        for household in (a, b)
    ]
    town.ids["month"] = str(Month.of(usage_a.occurred_at, hub.metering.zone))
    lock_b = hub.devices.get_by_identifier("plug", "b_door")
    town.b_ids = {
        b.id,
        owner_b.id,
        town.user_id("resident_b"),
        entry_b.id,
        lock_b.id,
        B_LOCK,
        alarm_b.id,
        automation_b.id,
        usage_b.id,
        usage_b.reference,
    }
    await hub.block_till_done()
    return town


# --- the matrix ------------------------------------------------------------------------------

Value = Any | Callable[[Town, str], Any]
Prepare = Callable[[Town, str], Awaitable[dict[str, str]]]
ALL_200 = "200 200 200 200 200 200"
STAFF_ONLY = "403 403 403 403 200 200"


@dataclass(frozen=True)
class Case:
    method: str
    route: str  # the route's path as the router has it
    statuses: str  # the answer's status for each of ROLES, in order
    variant: str = ""
    args: Value = None  # path arguments besides the defaults
    json: Value = None
    params: Value = None
    data: Value = None
    prepare: Prepare | None = None  # makes what one role's request needs: path arguments

    @property
    def name(self) -> str:
        return f"{self.method} {self.route}" + (f" ({self.variant})" if self.variant else "")


def _value(value: Value, town: Town, role: str) -> Any:
    return value(town, role) if callable(value) else value


def _defaults(town: Town) -> dict[str, str]:
    """What each path argument is unless a case says otherwise: something of A's."""
    return {
        "entity_id": A_SWITCH,
        "entry_id": town.ids["entry_a"],
        "unit_id": town.ids["unit_a"],
        "household_id": town.ids["household_a"],
        "member_id": town.ids["grandma"],
        "proposal_id": town.ids["proposal"],
        "domain": "plug",
        "user_id": town.user_id("resident_a"),
        "alarm_id": town.ids["alarm_a"],
        "month": town.ids["month"],
        "automation_id": town.ids["automation_a"],
    }


def _number(town: Town) -> int:
    return next(town.numbers)


async def own_flow(town: Town, role: str) -> dict[str, str]:
    flows = town.hub.config_entries.flow
    form = await flows.init("plug", context=FlowContext(user_id=town.user_id(role)))
    return {"flow_id": form.flow_id}


async def resident_as_flow(town: Town, role: str) -> dict[str, str]:
    return await own_flow(town, "resident_a")


async def own_options_flow(town: Town, role: str) -> dict[str, str]:
    flows = town.hub.config_entries.options
    context = FlowContext(user_id=town.user_id(role))
    return {"flow_id": (await flows.init(town.ids["entry_a"], context=context)).flow_id}


async def new_entry_of_a(town: Town, role: str) -> dict[str, str]:
    entry = await town.hub.config_entries.add(
        "plug", f"临时 {role}", {}, household_id=town.ids["household_a"]
    )
    return {"entry_id": entry.id}


async def new_automation_of_a(town: Town, role: str) -> dict[str, str]:
    automation = town.hub.automations.create(
        {**A_AUTOMATION, "household_id": town.ids["household_a"]},
        owner_id=town.user_id("resident_a"),
    )
    return {"automation_id": automation.id}


async def new_unit(town: Town, role: str) -> dict[str, str]:
    unit = town.hub.community.units.create(f"9号楼 3单元 {_number(town) + 101}", Decimal(50))
    return {"unit_id": unit.id}


async def household_of_the_caller(town: Town, role: str) -> dict[str, str]:
    community = town.hub.community
    household = community.households.create(f"新家 {role}")
    community.members.create(household.id, "我", "family", user_id=town.user_id(role))
    return {"household_id": household.id}


async def new_member_of_a(town: Town, role: str) -> dict[str, str]:
    members = town.hub.community.members
    member = members.create(town.ids["household_a"], f"亲戚 {role}", "family")
    return {"member_id": member.id}


async def new_consent(town: Town, role: str) -> dict[str, str]:
    consent, _ = town.hub.consent.give(
        town.ids["grandma"], "health", "wristband", town.user_id("resident_a")
    )
    return {"consent_id": consent.id}


async def own_notification(town: Town, role: str) -> dict[str, str]:
    [notification] = town.hub.notifications.notify(
        [town.user_id(role)], title="门禁", message=f"访客 {role}"
    )
    return {"notification_id": notification.id}


async def resident_as_notification(town: Town, role: str) -> dict[str, str]:
    return await own_notification(town, "resident_a")


async def own_token(town: Town, role: str) -> dict[str, str]:
    record, _ = town.hub.http.tokens.create(f"旧手机 {role}", town.user_id(role), "long_lived")
    return {"token_id": record.id}


async def resident_as_token(town: Town, role: str) -> dict[str, str]:
    return await own_token(town, "resident_a")


def _proposal(town: Town, role: str) -> dict[str, Any]:
    closes = town.hub.clock.now() + timedelta(hours=2)
    return {"title": f"刷墙 {role}", "matter": "other", "closes_at": closes.isoformat()}


WEB_APP = "200" if WEB_APP_INDEX.is_file() else "404"  # served without a token
EVERY_ENTITY = {"entity_id": f"{A_SWITCH},{HEART},{B_LOCK},{GATE}"}
STATES = "/api/states/{entity_id}"
SERVICE = "/api/services/{domain}/{service}"
STATEMENT = "/api/households/{household_id}/statements/{month}"
AUTOMATION = "/api/automations/{automation_id}"
OF_A = "200 200 404 404 404 200"  # A's people, and the admin


NO_PANEL = {"name": "lockers", "path": "panel.js"}  # no plugin of the town offers one


def this_month(town: Town, role: str) -> dict[str, str]:
    return {"month": town.ids["month"]}


CASES = (
    Case("GET", "/", " ".join([WEB_APP] * 6)),
    Case("GET", "/frontend/{path}", ALL_200, args={"path": "app.js"}),
    Case("GET", "/frontend/panels/{name}/{path}", "404 404 404 404 404 404", args=NO_PANEL),
    Case("GET", "/api/", ALL_200),
    # Devices' endpoints: none registered in the town, so every role finds nothing there.
    Case(
        "*",
        "/connect/{name}/{rest}",
        "404 404 404 404 404 404",
        args={"name": "ocpp", "rest": "CP-1"},
    ),
    Case("GET", "/api/openapi.json", ALL_200),
    Case("GET", "/api/websocket", "400 400 400 400 400 400", "no handshake"),
    # States.
    Case("GET", "/api/states", ALL_200),
    Case("GET", STATES, "200 200 404 404 200 200", "A's switch"),
    Case("GET", STATES, "200 200 200 404 404 404", "A's heart rate", {"entity_id": HEART}),
    Case("GET", STATES, "404 404 404 200 200 200", "B's lock", {"entity_id": B_LOCK}),
    Case("GET", STATES, ALL_200, "the shared gate", {"entity_id": GATE}),
    Case("POST", STATES, "403 403 404 404 403 200", "A's switch", json={"state": "on"}),
    Case(
        "POST", STATES, "403 403 403 404 404 404", "A's heart", {"entity_id": HEART}, {"state": "1"}
    ),
    Case("POST", STATES, STAFF_ONLY, "the gate", {"entity_id": GATE}, {"state": "open"}),
    Case(
        "POST",
        STATES,
        "403 403 403 403 201 201",
        "a new entity",
        lambda town, role: {"entity_id": f"sensor.new_{role}"},
        {"state": "1"},
    ),
    # Services.
    Case("GET", "/api/services", ALL_200),
    Case(
        "POST",
        SERVICE,
        "200 200 404 404 403 200",
        "A's switch",
        {"domain": "switch", "service": "turn_on"},
        {"entity_id": A_SWITCH},
    ),
    Case(
        "POST",
        SERVICE,
        "404 404 404 200 403 200",
        "B's lock",
        {"domain": "lock", "service": "unlock"},
        {"entity_id": B_LOCK},
    ),
    Case(
        "POST",
        SERVICE,
        ALL_200,
        "the shared gate",
        {"domain": "lock", "service": "unlock"},
        {"entity_id": GATE},
    ),
    Case(  # a caregiver sees grandma's data and controls nothing of it
        "POST",
        SERVICE,
        "400 400 403 404 404 404",
        "A's heart rate",
        {"domain": "switch", "service": "turn_on"},
        {"entity_id": HEART},
    ),
    Case(
        "POST",
        SERVICE,
        "400 400 404 404 403 400",
        "A's device",
        {"domain": "switch", "service": "turn_on"},
        lambda town, role: {"device_id": town.ids["plug_a"]},
    ),
    Case("POST", SERVICE, STAFF_ONLY, "no target", {"domain": "gate", "service": "open_all"}, {}),
    Case("POST", "/api/events/{event_type}", STAFF_ONLY, args={"event_type": "doorbell"}),
    # Config entries and flows.
    Case("GET", "/api/config/entries", ALL_200),
    Case("POST", "/api/config/entries/{entry_id}/reload", "403 200 404 404 404 200", "A's"),
    Case(
        "POST",
        "/api/config/entries/{entry_id}/reload",
        "404 404 404 404 200 200",
        "the gate's",
        lambda town, role: {"entry_id": town.ids["entry_gate"]},
    ),
    Case(
        "DELETE",
        "/api/config/entries/{entry_id}",
        "403 200 404 404 404 200",
        prepare=new_entry_of_a,
    ),
    Case(
        "POST", "/api/config/flows", "200 200 403 200 200 200", "a device", json={"handler": "plug"}
    ),
    Case(
        "POST",
        "/api/config/flows",
        "404 404 404 200 403 200",
        "a device of B",
        json=lambda town, role: {"handler": "plug", "household_id": town.ids["household_b"]},
    ),
    Case("POST", "/api/config/flows", STAFF_ONLY, "a service", json={"handler": "charger"}),
    Case("POST", "/api/config/flows/{flow_id}", ALL_200, "one's own", prepare=own_flow),
    Case(
        "POST",
        "/api/config/flows/{flow_id}",
        "200 404 404 404 404 404",
        "resident A's",
        prepare=resident_as_flow,
    ),
    Case("DELETE", "/api/config/flows/{flow_id}", ALL_200, prepare=own_flow),
    Case(
        "POST",
        "/api/config/options/flows",
        "403 200 404 404 404 200",
        json=lambda town, role: {"handler": town.ids["entry_a"]},
    ),
    Case("POST", "/api/config/options/flows/{flow_id}", ALL_200, prepare=own_options_flow),
    Case("DELETE", "/api/config/options/flows/{flow_id}", ALL_200, prepare=own_options_flow),
    # Registries and what the recorder kept.
    Case("GET", "/api/registry/devices", ALL_200),
    Case("GET", "/api/registry/entities", ALL_200),
    Case("GET", "/api/registry/areas", ALL_200),
    Case("GET", "/api/history", ALL_200, params=EVERY_ENTITY),
    Case("GET", "/api/logbook", ALL_200),
    Case("GET", "/api/statistics", ALL_200, params={"statistic_id": EVERY_ENTITY["entity_id"]}),
    # Units, households, members, roster.
    Case("GET", "/api/community/units", ALL_200),
    Case(
        "POST",
        "/api/community/units",
        "403 403 403 403 201 201",
        json=lambda town, role: {"address": f"9号楼 1单元 {_number(town) + 201}", "area": "80"},
    ),
    Case("GET", "/api/community/units/{unit_id}", ALL_200),
    Case("PATCH", "/api/community/units/{unit_id}", STAFF_ONLY, json={"area": "89.35"}),
    Case("DELETE", "/api/community/units/{unit_id}", STAFF_ONLY, prepare=new_unit),
    Case("GET", "/api/community/households", ALL_200),
    Case("POST", "/api/community/households", "403 403 403 403 201 201", json={"name": "新家"}),
    Case("GET", "/api/community/households/{household_id}", "200 200 404 404 200 200"),
    Case(
        "PATCH",
        "/api/community/households/{household_id}",
        "403 403 404 404 200 200",
        json={"name": "张家"},
    ),
    Case(
        "DELETE",
        "/api/community/households/{household_id}",
        STAFF_ONLY,
        "the caller's",
        prepare=household_of_the_caller,
    ),
    Case("GET", "/api/community/households/{household_id}/members", "200 200 404 404 200 200"),
    Case(
        "POST",
        "/api/community/households/{household_id}/members",
        "403 201 404 404 201 201",
        "a family member",
        json=lambda town, role: {"name": f"表亲 {role}", "role": "family"},
    ),
    Case(  # who owns a unit is the property office's fact: owners vote
        "POST",
        "/api/community/households/{household_id}/members",
        "403 403 404 404 201 201",
        "an owner",
        json=lambda town, role: {"name": f"业主 {role}", "role": "owner"},
    ),
    Case(
        "PATCH",
        "/api/community/members/{member_id}",
        "403 200 404 404 200 200",
        "grandma",
        json={"phone": "13800138000"},
    ),
    Case(
        "PATCH",
        "/api/community/members/{member_id}",
        "403 403 404 404 200 200",
        "an owner",
        lambda town, role: {"member_id": town.ids["owner_a"]},
        {"phone": "13800138000"},
    ),
    Case(
        "DELETE",
        "/api/community/members/{member_id}",
        "403 200 404 404 200 200",
        prepare=new_member_of_a,
    ),
    Case(
        "POST",
        "/api/community/roster",
        STAFF_ONLY,
        params={"dry_run": "true"},
        data=ROSTER.encode(),
    ),
    # Proposals and ratings: owners vote, households rate what they use.
    Case("POST", "/api/community/proposals", "403 403 403 403 201 201", json=_proposal),
    Case("GET", "/api/community/proposals", ALL_200),
    Case("GET", "/api/community/proposals/{proposal_id}", ALL_200),
    Case(
        "POST",
        "/api/community/proposals/{proposal_id}/ballots",
        "201 403 403 201 403 403",
        json={"choice": "agree"},
    ),
    Case("GET", "/api/community/proposals/{proposal_id}/ballots/history", STAFF_ONLY),
    Case(
        "POST",
        "/api/community/ratings",
        "201 201 201 201 403 403",
        json={"domain": "plug", "score": 4},
    ),
    Case("GET", "/api/community/ratings/{domain}", ALL_200),
    # Privacy.
    Case(
        "POST",
        "/api/privacy/consents",
        "200 200 200 403 403 403",
        json=lambda town, role: {"member_id": town.ids["grandma"], "category": "health"},
    ),
    Case("GET", "/api/privacy/consents", ALL_200),
    Case(
        "DELETE",
        "/api/privacy/consents/{consent_id}",
        "200 200 200 403 403 403",
        prepare=new_consent,
    ),
    Case(
        "POST",
        "/api/privacy/subjects",
        "200 200 200 403 403 403",
        json=lambda town, role: {"target": town.ids["band"], "member_id": town.ids["grandma"]},
    ),
    Case("GET", "/api/privacy/households/{household_id}/export", "200 200 404 404 403 200"),
    Case("GET", "/api/privacy/audit", STAFF_ONLY),
    Case("GET", "/api/privacy/audit/verify", STAFF_ONLY),
    # Paid services: a household sees what it owes, staff every household's.
    Case("GET", STATEMENT, "200 200 404 404 200 200", "A's"),
    Case(
        "GET",
        STATEMENT,
        "404 404 404 200 200 200",
        "B's",
        lambda town, role: {"household_id": town.ids["household_b"]},
    ),
    Case("GET", "/api/statements", STAFF_ONLY, params=this_month),
    Case("GET", "/api/usage/export", STAFF_ONLY, params=this_month),
    # The web app's: what integrations there are, their texts, and the key figures.
    Case("GET", "/api/integrations", ALL_200),
    Case("GET", "/api/translations/{language}", ALL_200, args={"language": "zh-Hans"}),
    Case("GET", "/api/dashboard", STAFF_ONLY),
    Case("GET", "/api/panels", ALL_200),
    # Alarms: a household handles its own, a caregiver those of whom they care for, staff all.
    Case("GET", "/api/alarms", ALL_200),
    Case("GET", "/api/alarms/{alarm_id}", "200 200 200 404 200 200", "A's"),
    Case(
        "GET",
        "/api/alarms/{alarm_id}",
        "404 404 404 200 200 200",
        "B's",
        lambda town, role: {"alarm_id": town.ids["alarm_b"]},
    ),
    Case(
        "GET",
        "/api/alarms/{alarm_id}",
        "404 404 404 404 200 200",
        "the community's",
        lambda town, role: {"alarm_id": town.ids["alarm_shared"]},
    ),
    Case("POST", "/api/alarms/{alarm_id}/acknowledge", "200 200 200 404 200 200", "A's"),
    Case("POST", "/api/alarms/{alarm_id}/clear", "200 200 200 404 200 200", "A's"),
    Case(
        "POST",
        "/api/alarms/{alarm_id}/comments",
        "201 201 201 404 201 201",
        "A's",
        json={"text": "已到现场"},
    ),
    # Automations: a household's are its own, the community's the staff's; an admin reaches
    # every household's, but not one about grandma's heart rate.
    Case("GET", "/api/automations", ALL_200),
    Case("POST", "/api/automations", "201 201 403 201 201 201", "one's own", json=REMINDER),
    Case(
        "POST",
        "/api/automations",
        "201 201 404 404 404 201",
        "for A",
        json=lambda town, role: {**REMINDER, "household_id": town.ids["household_a"]},
    ),
    Case(
        "POST",
        "/api/automations",
        "403 403 403 403 201 201",
        "the community's",
        json={**REMINDER, "household_id": None},
    ),
    Case("GET", "/api/automations/problems", STAFF_ONLY),
    Case("GET", AUTOMATION, OF_A, "A's"),
    Case(
        "GET",
        AUTOMATION,
        "200 200 404 404 404 404",
        "A's about grandma's heart",
        lambda town, role: {"automation_id": town.ids["automation_heart"]},
    ),
    Case(
        "GET",
        AUTOMATION,
        "404 404 404 200 404 200",
        "B's",
        lambda town, role: {"automation_id": town.ids["automation_b"]},
    ),
    Case(
        "GET",
        AUTOMATION,
        "404 404 404 404 200 200",
        "the community's",
        lambda town, role: {"automation_id": town.ids["automation_shared"]},
    ),
    Case("PUT", AUTOMATION, OF_A, "A's", json=A_AUTOMATION),
    Case("DELETE", AUTOMATION, OF_A, prepare=new_automation_of_a),
    Case("POST", AUTOMATION + "/enable", OF_A),
    Case("POST", AUTOMATION + "/disable", OF_A),
    Case("POST", AUTOMATION + "/trigger", OF_A),
    Case("GET", AUTOMATION + "/traces", OF_A),
    Case("GET", "/api/blueprints", ALL_200),
    Case(
        "POST",
        "/api/blueprints",
        "403 403 403 403 201 201",
        json=lambda town, role: {"filename": f"morning_{role}.yaml", "text": BLUEPRINT},
    ),
    Case("GET", "/api/notifications", ALL_200),
    Case(
        "POST",
        "/api/notifications/{notification_id}/read",
        ALL_200,
        "one's own",
        prepare=own_notification,
    ),
    Case(
        "POST",
        "/api/notifications/{notification_id}/read",
        "200 404 404 404 404 404",
        "resident A's",
        prepare=resident_as_notification,
    ),
    # Accounts: one's own, and the admin's.
    Case(
        "POST",
        "/api/auth/login",
        "401 401 401 401 401 401",
        json=lambda town, role: {"username": f"nobody.{role}", "password": "not a password"},
    ),
    Case("POST", "/api/auth/token", "401 401 401 401 401 401", json={"refresh_token": "forged"}),
    Case("POST", "/api/auth/logout", "400 400 400 400 400 400", "a long-lived token"),
    Case("GET", "/api/auth/me", ALL_200),
    Case("GET", "/api/auth/tokens", ALL_200),
    Case("POST", "/api/auth/tokens", "201 201 201 201 201 201", json={"name": "电表脚本"}),
    Case("DELETE", "/api/auth/tokens/{token_id}", ALL_200, "one's own", prepare=own_token),
    Case(
        "DELETE",
        "/api/auth/tokens/{token_id}",
        "200 404 404 404 404 404",
        "resident A's",
        prepare=resident_as_token,
    ),
    Case("GET", "/api/auth/users", "403 403 403 403 403 200"),
    Case(
        "POST",
        "/api/auth/users",
        "403 403 403 403 403 201",
        json=lambda town, role: {"username": f"new.{role}"},
    ),
    Case("PATCH", "/api/auth/users/{user_id}", "403 403 403 403 403 200", json={"name": "张伟"}),
)


def test_every_route_has_a_row(hub: Hub) -> None:
    routes = {
        (route.method, route.resource.canonical)
        for route in hub.http.app.router.routes()
        if route.method != "HEAD" and route.resource is not None
    }
    assert routes == {(case.method, case.route) for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
async def test_each_role_gets_what_the_rules_allow(
    town: Town, hub_client_no_auth: TestClient, case: Case
) -> None:
    answers = {}
    for role in ROLES:
        args = {**_defaults(town), **(_value(case.args, town, role) or {})}
        if case.prepare is not None:
            args.update(await case.prepare(town, role))
        path = case.route.format(**args)
        body = _value(case.json, town, role)
        response = await hub_client_no_auth.request(
            "GET" if case.method == "*" else case.method,
            path,
            headers=town.headers(role),
            json=body,
            params=_value(case.params, town, role),
            data=case.data,
        )
        text = await response.text()
        answers[role] = response.status
        asked = path + repr(body)
        if role in A_SIDE:
            shown = [item for item in town.b_ids if item in text and item not in asked]
            assert not shown, f"{role} was shown B's {shown}: {text}"
        else:
            assert HEART_MARKER not in text, f"{role} was shown grandma's heart rate: {text}"
        if role in A_SIDE or case.route.endswith("/export"):
            continue  # an admin's export lists grandma's sensor, without its data
        assert HEART not in text or HEART in asked, f"{role} was shown {HEART}: {text}"
    assert " ".join(str(answers[role]) for role in ROLES) == case.statuses, answers


# --- the same over the WebSocket ---------------------------------------------------------------

Socket = Callable[[str], Awaitable[ClientWebSocketResponse]]


@pytest.fixture
async def socket(town: Town, hub_client_no_auth: TestClient) -> AsyncIterator[Socket]:
    """``await socket(role)``: a WebSocket connection of that role, past the handshake."""
    sockets: list[ClientWebSocketResponse] = []

    async def connect(role: str) -> ClientWebSocketResponse:
        ws = await hub_client_no_auth.ws_connect("/api/websocket")
        assert (await ws.receive_json(timeout=5))["type"] == "auth_required"
        await ws.send_json({"type": "auth", "access_token": town.tokens[role]})
        assert (await ws.receive_json(timeout=5))["type"] == "auth_ok"
        sockets.append(ws)
        return ws

    yield connect
    for ws in sockets:
        await ws.close()


async def result(ws: ClientWebSocketResponse, msg_id: int, **command: Any) -> dict[str, Any]:
    await ws.send_json({"id": msg_id, **command})
    answer = await ws.receive_json(timeout=5)
    assert (answer["id"], answer["type"]) == (msg_id, "result"), answer
    return answer


def error_code(answer: dict[str, Any]) -> str:
    assert answer["success"] is False, answer
    return answer["error"]["code"]


async def test_get_states_shows_a_household_its_own_and_the_shared(
    town: Town, socket: Socket
) -> None:
    seen = {}
    for role in ROLES:
        answer = await result(await socket(role), 1, type="get_states")
        seen[role] = {state["entity_id"] for state in answer["result"]} & {
            A_SWITCH,
            HEART,
            B_LOCK,
            GATE,
        }
    assert seen == {
        "resident_a": {A_SWITCH, HEART, GATE},
        "household_admin_a": {A_SWITCH, HEART, GATE},
        "caregiver": {HEART, GATE},
        "resident_b": {B_LOCK, GATE},
        "operator": {A_SWITCH, B_LOCK, GATE},
        "admin": {A_SWITCH, B_LOCK, GATE},
    }


async def test_subscriptions_deliver_only_what_the_subscriber_may_see(
    town: Town, socket: Socket
) -> None:
    hub = town.hub
    resident = await socket("resident_a")
    operator = await socket("operator")
    assert (await result(resident, 1, type="subscribe_events", event_type="state_changed"))[
        "success"
    ]
    assert (await result(resident, 2, type="subscribe_entities"))["success"]
    initial = await resident.receive_json(timeout=5)
    assert set(initial["event"]["a"]) >= {A_SWITCH, HEART, GATE}
    assert B_LOCK not in initial["event"]["a"]
    assert (await result(operator, 1, type="subscribe_events", event_type="state_changed"))[
        "success"
    ]

    hub.states.set(B_LOCK, "unlocked")
    hub.states.set(HEART, "98", {"note": HEART_MARKER})
    hub.states.set(A_SWITCH, "on")

    got = [await resident.receive_json(timeout=5) for _ in range(4)]
    events = [m["event"]["data"]["entity_id"] for m in got if m["id"] == 1]
    changes = [entity for m in got if m["id"] == 2 for entity in m["event"]["c"]]
    assert events == changes == [HEART, A_SWITCH]  # nothing of B's
    first = await operator.receive_json(timeout=5)
    second = await operator.receive_json(timeout=5)
    assert [first["event"]["data"]["entity_id"], second["event"]["data"]["entity_id"]] == [
        B_LOCK,
        A_SWITCH,
    ]  # grandma's heart rate is not the operator's to see


async def test_other_events_are_for_staff(town: Town, socket: Socket) -> None:
    resident = await socket("resident_a")
    for msg_id, event_type in enumerate(("doorbell", "*"), start=1):
        answer = await result(resident, msg_id, type="subscribe_events", event_type=event_type)
        assert error_code(answer) == "forbidden"
    answer = await result(await socket("operator"), 1, type="subscribe_events", event_type="*")
    assert answer["success"] is True


async def test_call_service_needs_control_of_every_target(town: Town, socket: Socket) -> None:
    resident = await socket("resident_a")
    cases = [
        ({"entity_id": A_SWITCH}, "switch", "turn_on", None),
        ({"entity_id": [A_SWITCH, B_LOCK]}, "switch", "turn_on", "not_found"),
        ({"entity_id": GATE}, "lock", "unlock", None),
        ({}, "gate", "open_all", "forbidden"),
    ]
    for msg_id, (data, domain, service, code) in enumerate(cases, start=1):
        answer = await result(
            resident, msg_id, type="call_service", domain=domain, service=service, service_data=data
        )
        assert (None if answer["success"] else error_code(answer)) == code, answer
    assert town.hub.states.get(B_LOCK).state == "locked"
    answer = await result(
        await socket("operator"),
        1,
        type="call_service",
        domain="switch",
        service="turn_off",
        service_data={"entity_id": A_SWITCH},
    )
    assert error_code(answer) == "forbidden"
    assert town.hub.states.get(A_SWITCH).state == "on"


async def test_flows_over_the_websocket_follow_the_same_rules(town: Town, socket: Socket) -> None:
    resident = await socket("resident_a")
    flow = "config_entries/flow/start"
    options = "config_entries/options/flow/start"
    assert (await result(resident, 1, type=flow, handler="plug"))["result"]["type"] == "form"
    assert error_code(await result(resident, 2, type=flow, handler="charger")) == "forbidden"
    answer = await result(resident, 3, type=options, handler=town.ids["entry_a"])
    assert error_code(answer) == "forbidden"
    entry_b = next(e for e in town.hub.config_entries.entries("plug") if e.title == "赵家门锁")
    assert error_code(await result(resident, 4, type=options, handler=entry_b.id)) == "not_found"
    caregiver = await socket("caregiver")
    assert error_code(await result(caregiver, 1, type=flow, handler="plug")) == "forbidden"
    household_admin = await socket("household_admin_a")
    answer = await result(household_admin, 1, type=options, handler=town.ids["entry_a"])
    assert answer["result"]["type"] == "form"


# --- what the rules rest on ----------------------------------------------------------------------


async def test_a_device_a_household_adds_is_theirs(
    town: Town, hub_client_no_auth: TestClient
) -> None:
    headers = town.headers("resident_b")
    form = await (
        await hub_client_no_auth.post(
            "/api/config/flows", json={"handler": "plug"}, headers=headers
        )
    ).json()
    response = await hub_client_no_auth.post(
        f"/api/config/flows/{form['flow_id']}", json={"name": "b_kettle"}, headers=headers
    )
    assert response.status == 200, await response.text()
    entry = (await response.json())["result"]
    assert entry["household_id"] == town.ids["household_b"]
    assert town.hub.entities.get("switch.b_kettle").household_id == town.ids["household_b"]

    async def visible(role: str) -> bool:
        answer = await hub_client_no_auth.get(
            "/api/states/switch.b_kettle", headers=town.headers(role)
        )
        return answer.status == 200

    assert [await visible(role) for role in ROLES] == [False, False, False, True, True, True]


async def test_a_subscriber_stops_seeing_a_household_it_leaves(town: Town, socket: Socket) -> None:
    """What a connection may see is worked out again when memberships change."""
    hub = town.hub
    resident = await socket("resident_a")
    assert (await result(resident, 1, type="subscribe_entities", entity_ids=[A_SWITCH]))["success"]
    assert A_SWITCH in (await resident.receive_json(timeout=5))["event"]["a"]
    hub.community.members.remove(town.ids["owner_a"])
    hub.states.set(A_SWITCH, "on")
    assert (await resident.receive_json(timeout=5))["event"] == {"r": [A_SWITCH]}
    answer = await result(resident, 2, type="get_states")
    assert {state["entity_id"] for state in answer["result"]} == {GATE}


async def test_a_trace_shows_nothing_of_what_its_reader_may_not_see(
    town: Town, hub_client_no_auth: TestClient
) -> None:
    """An automation hearing every state change runs on grandma's heart rate too: the
    operator who made it reads the runs, without her heart rate; her household reads its
    own automation's runs with it."""
    hub = town.hub

    async def call(role: str, method: str, path: str, body: Any = None) -> Any:
        response = await hub_client_no_auth.request(
            method, path, json=body, headers=town.headers(role)
        )
        assert response.status in (200, 201), await response.text()
        return await response.json()

    hearing = {
        "triggers": [{"trigger": "event", "event_type": "state_changed"}],
        "actions": [{"delay": 0}],
        "mode": "parallel",
    }
    made = await call("operator", "POST", "/api/automations", hearing)
    hub.states.set(HEART, "131", {"note": HEART_MARKER})
    hub.states.set(A_SWITCH, "on")
    await hub.block_till_done()
    path = f"/api/automations/{made['id']}/traces"
    response = await hub_client_no_auth.get(path, headers=town.headers("operator"))
    text = await response.text()
    assert response.status == 200, text
    assert HEART_MARKER not in text
    assert HEART not in text
    shown = [trace["trigger"]["event"]["data"] for trace in await response.json()]
    assert shown[1] is None  # grandma's heart rate changed: that is all the operator sees
    assert (shown[0]["entity_id"], shown[0]["new_state"]["state"]) == (A_SWITCH, "on")

    heart = town.ids["automation_heart"]  # heard 131: above 120
    await call("resident_a", "POST", f"/api/automations/{heart}/trigger")
    traces = await call("resident_a", "GET", f"/api/automations/{heart}/traces")
    assert [trace["trigger"]["platform"] for trace in traces] == ["manual", "numeric_state"]
    assert traces[1]["trigger"]["to_state"]["attributes"]["note"] == HEART_MARKER


async def test_a_token_must_belong_to_a_user(
    town: Town, hub_client_no_auth: TestClient, expect_error
) -> None:
    _, token = town.hub.http.tokens.create("made up", "nobody", "long_lived")
    response = await hub_client_no_auth.get(
        "/api/states", headers={"Authorization": f"Bearer {token}"}
    )
    body = await expect_error(response, 401, "unauthorized")
    assert body["message"] == "The account of this token does not exist"
    ws = await hub_client_no_auth.ws_connect("/api/websocket")
    await ws.receive_json(timeout=5)
    await ws.send_json({"type": "auth", "access_token": token})
    assert (await ws.receive_json(timeout=5))["type"] == "auth_invalid"
    await ws.close()
