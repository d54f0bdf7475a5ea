"""GET /api/openapi.json: the OpenAPI document of the REST API, and the server agreeing with it.

The document lists exactly the routes the server has under /api/, and schemathesis sends
every operation requests made from the document to a running hub, checking that none is
answered with a server error and that every answer is as documented. The hub has a
community (units, households, members, users, proposals, consents), the requests often name
its real things, and they come from its admin, its operator and its residents.
"""

import asyncio
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import orjson
import pytest
import requests
import schemathesis
import voluptuous as vol
from aiohttp.test_utils import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from linli.auth import passwords
from linli.auth.lockout import FREE_FAILURES, LOCK_AFTER
from linli.auth.users import UserEntry
from linli.flows.handler import FlowContext
from linli.http.api.auth import ANONYMOUS_PATHS
from linli.http.api.openapi import OPENAPI_PATH, UNDOCUMENTED, build_document, document_bytes
from linli.hub import Hub
from linli.plugins import PluginManager
from linli.services import ServiceCall, SupportsResponse
from linli.testing.governance import Owner, add_owners, vote_in
from linli.testing.plugin import HubFactory
from linli.testing.time_travel import fire_time_changed

# The document as the server sends it (its bytes, parsed), so the run checks what is served.
DOCUMENT = orjson.loads(document_bytes())
SCHEMA = schemathesis.openapi.from_dict(DOCUMENT)
OPERATIONS = {result.ok().label: result.ok() for result in SCHEMA.get_all_operations()}

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Per operation and generation mode (valid data, then invalid): ~40 requests an operation.
FUZZ_SETTINGS = settings(
    max_examples=20,
    deadline=None,
    database=None,  # no examples saved from earlier runs: each run stands alone
    derandomize=True,  # the same requests on every run: CI fails only on a change
    # A failure is reported as found: shrinking it against a live hub takes minutes.
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)

METER = {"state_class": "total_increasing", "unit_of_measurement": "kWh"}
TEMPERATURE = {"state_class": "measurement", "unit_of_measurement": "°C"}

CHARGER_FLOW = """
import voluptuous as vol

from linli.config_entries import ConfigFlow, OptionsFlow
from linli.flows import Password, Select


class ChargerFlow(ConfigFlow):
    async def async_step_user(self, user_input=None):
        if user_input is None:
            schema = vol.Schema(
                {
                    vol.Required("site"): vol.All(str, vol.Length(min=1, max=20)),
                    vol.Required("api_key"): Password(),
                    vol.Optional("max_kw", default=22): vol.All(int, vol.Range(min=1, max=350)),
                    vol.Optional("plugs", default=["type2"]): Select(
                        ["type2", "gbt"], multiple=True
                    ),
                    vol.Optional("public", default=False): bool,
                }
            )
            return self.show_form("user", schema)
        return self.create_entry(f"充电站 {user_input['site']}", user_input)

    @staticmethod
    def options_flow(entry):
        return ChargerOptions(entry)


class ChargerOptions(OptionsFlow):
    async def async_step_options(self, user_input=None):
        if user_input is None:
            schema = vol.Schema({vol.Required("price"): vol.Coerce(float)})
            return self.show_form("options", schema)
        return self.create_entry("", user_input)
"""

CHARGER = """
async def async_setup_entry(hub, entry):
    return True

async def async_unload_entry(hub, entry):
    return True
"""


def test_the_document_is_openapi_3_1() -> None:
    assert DOCUMENT["openapi"] == "3.1.0"
    SCHEMA.validate()
    assert build_document() == DOCUMENT


def references(node: Any) -> Iterator[str]:
    """Every ``$ref`` in ``node``, however deep."""
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


def test_every_reference_resolves_and_every_component_is_used() -> None:
    used = set(references(DOCUMENT))
    dangling = []
    for reference in sorted(used):
        node = DOCUMENT
        for part in reference.removeprefix("#/").split("/"):
            if not isinstance(node, dict) or part not in node:
                dangling.append(reference)
                break
            node = node[part]
    assert not dangling
    components = DOCUMENT["components"]
    declared = {
        f"#/components/{kind}/{name}"
        for kind in ("schemas", "responses")
        for name in components[kind]
    }
    assert declared - used == set()


def api_routes(hub: Hub) -> set[tuple[str, str]]:
    """(method, path) of every route under /api/; HEAD is aiohttp's own twin of each GET."""
    return {
        (route.method, route.resource.canonical)
        for route in hub.http.app.router.routes()
        if route.resource is not None
        and route.resource.canonical.startswith("/api/")
        and route.method != "HEAD"
    }


def documented_operations() -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, item in DOCUMENT["paths"].items()
        for method in item
        if method in ("get", "put", "post", "delete", "patch", "head", "options")
    }


async def test_every_route_is_documented(hub: Hub) -> None:
    routes = api_routes(hub)
    assert set(UNDOCUMENTED) <= routes  # left out on purpose, and still there
    missing = routes - set(UNDOCUMENTED) - documented_operations()
    assert not missing, f"Routes the document does not describe: {sorted(missing)}"


async def test_every_documented_operation_is_a_route(hub: Hub) -> None:
    extra = documented_operations() - api_routes(hub)
    assert not extra, f"Operations the server does not have: {sorted(extra)}"


async def test_the_document_is_served_with_a_token_only(
    hub_client: TestClient, hub_client_no_auth: TestClient, expect_error
) -> None:
    response = await hub_client.get(OPENAPI_PATH)
    assert response.status == 200
    assert response.content_type == "application/json"
    assert await response.json() == DOCUMENT
    await expect_error(await hub_client_no_auth.get(OPENAPI_PATH), 401, "unauthorized")


def test_only_logging_in_and_refreshing_need_no_token() -> None:
    anonymous = {
        path
        for path, item in DOCUMENT["paths"].items()
        for operation in item.values()
        if operation.get("security") == []
    }
    assert anonymous == set(ANONYMOUS_PATHS)


# Rosters for POST /api/community/roster: mostly well-formed, with known and new units and
# rows good and bad, as CSV (in the encodings offices save) or as an XLSX workbook.
ROSTER_HEADERS = (
    ("地址", "专有面积", "姓名", "身份", "电话", "照护对象"),
    ("楼栋", "单元", "房号", "建筑面积(㎡)", "姓名", "身份", "户名"),
    ("address", "area", "name", "role"),
)
ROSTER_CELLS = {
    "地址": ("1-1-101", "1-1-102", "2号楼 1单元 301", "3栋0502室", "", "门卫室"),
    "address": ("1-1-201", "2-1-302", "B1-101", "7号楼"),
    "楼栋": ("1", "2号楼", "A座", ""),
    "单元": ("1", "2单元", ""),
    "房号": ("101", "0502", "B102", "1"),
    "专有面积": ("89.35", "120", "75.5㎡", "", "abc", "0", "10001"),
    "建筑面积(㎡)": ("89.35", "66.6", ""),
    "area": ("100", "89.35m²", "1.001"),
    "姓名": ("张伟", "王芳", "Owner 0", "李护工", ""),
    "name": ("Owner 1", "Owner 2", "Tenant"),
    "身份": ("业主", "家属", "租户", "照护人", "户主", "保安", ""),
    "role": ("owner", "family", "tenant", "caregiver", "boss"),
    "电话": ("13800138000", "010-62345678", "", "电话"),
    "照护对象": ("", "张伟", "张奶奶、王芳"),
    "户名": ("张家", "", "王家"),
}
JSON = "application/json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEETS = ("Sheet", "名单")


@st.composite
def roster_rows(draw: st.DrawFn) -> list[list[str]]:
    header = draw(st.sampled_from(ROSTER_HEADERS))
    rows = [list(header)]
    for _ in range(draw(st.integers(1, 6))):
        row = [draw(st.sampled_from(ROSTER_CELLS[name])) for name in header]
        if draw(st.integers(0, 4)) == 0:  # now and then a cell of anything
            row[draw(st.integers(0, len(row) - 1))] = draw(st.text(max_size=12))
        rows.append(row)
    return rows


def csv_roster(rows: list[list[str]], encoding: str) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(encoding, errors="replace")


def xlsx_roster(rows: list[list[str]], sheet: str) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.title = sheet
    for row in rows:  # without the control characters a workbook cannot hold
        workbook.active.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row])
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


CSV_ROSTERS = st.one_of(
    st.builds(csv_roster, roster_rows(), st.sampled_from(["utf-8", "utf-8-sig", "gb18030"])),
    st.binary(max_size=64),
)
XLSX_ROSTERS = st.one_of(
    st.builds(xlsx_roster, roster_rows(), st.sampled_from(SHEETS)),
    st.binary(max_size=64).map(lambda data: b"PK\x03\x04" + data),
)
schemathesis.openapi.media_type("text/csv", CSV_ROSTERS)
schemathesis.openapi.media_type(XLSX, XLSX_ROSTERS)

PASSWORD = "correct horse 马"  # the password of every user of the hub who has one

# Who sends the requests: any kind of user, but mostly those who may do what the operation
# does: the staff, or for what is done for oneself, a household's people.
CALLERS = ("admin", "operator", "owner", "household_admin", "landlord", "carer", "outsider")
STAFF = ("admin", "operator")
HOUSEHOLD = ("owner", "household_admin", "carer")
LIKELY_CALLERS = {
    "/api/auth/logout": ("login",),  # a login made for the request, to end
    "/api/auth/tokens/{token_id}": ("admin",),  # whose spare tokens are there to revoke
    "/api/auth/users": ("admin",),
    "/api/auth/users/{user_id}": ("admin",),
    "/api/community/proposals/{proposal_id}/ballots": ("owner", "landlord"),
    "/api/community/ratings": ("owner", "landlord", "household_admin", "carer"),
    "/api/privacy/consents": HOUSEHOLD,
    "/api/privacy/consents/{consent_id}": HOUSEHOLD,
    "/api/privacy/subjects": HOUSEHOLD,
    "/api/privacy/households/{household_id}/export": (*HOUSEHOLD, "admin"),
    "/api/alarms/{alarm_id}": (*HOUSEHOLD, *STAFF),
    "/api/alarms/{alarm_id}/acknowledge": (*HOUSEHOLD, *STAFF),
    "/api/alarms/{alarm_id}/clear": (*HOUSEHOLD, *STAFF),
    "/api/alarms/{alarm_id}/comments": (*HOUSEHOLD, *STAFF),
    "/api/notifications": (*HOUSEHOLD, "operator"),
    # Only one's own notifications can be read: the carer's are the known ones.
    "/api/notifications/{notification_id}/read": ("carer",),
}


@dataclass
class Target:
    """A running hub for schemathesis: its URL, the tokens of its callers, and values that
    name real things (a list of values, or of functions making a fresh one)."""

    base_url: str
    tokens: dict[str, str]
    known: dict[str, list[Any]] = field(default_factory=dict)
    # Operation label -> values for it alone (e.g. the login's usernames).
    known_for: dict[str, dict[str, list[Any]]] = field(default_factory=dict)

    def log_in(self, session: requests.Session) -> dict[str, Any]:
        """A new login of the user "session" (who is nothing else in the run)."""
        body = {"username": "session", "password": PASSWORD}
        response = session.post(f"{self.base_url}/api/auth/login", json=body, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()


@dataclass
class Community:
    """The people, places, votes and consents of the hub under test."""

    owners: list[Owner]
    users: dict[str, UserEntry]
    households: list[str]
    members: list[str]
    device_id: str
    entity_id: str
    consents: list[str]
    proposals: list[str]


def in_hours(hub: Hub, hours: float, *, local: bool = False) -> str:
    """A time ``hours`` from the hub's now in ISO 8601: in UTC, or ``local`` (in the
    community's time zone, without an offset)."""
    when = hub.clock.now() + timedelta(hours=hours)
    if local:
        return when.astimezone(ZoneInfo(hub.config.time_zone)).replace(tzinfo=None).isoformat()
    return when.isoformat()


def add_user(hub: Hub, username: str, role: str) -> UserEntry:
    return hub.users.create(username, role, password_hash=passwords.hash_password(PASSWORD))


async def build_community(hub: Hub) -> Community:
    """Three units with their owners' households (one owner owns two units), a family
    member, her caregiver and the household's admin, an operator; a wristband whose data
    needs consent; the charger voted in; a proposal open for votes, one not open yet, one
    decided."""
    community = hub.community
    owners = add_owners(hub, ["89.35", "120.00", "75.50"])
    await vote_in(hub, "charger", owners)  # moves the clock past the vote
    decided = hub.governance.proposals.about("charger")[0]
    households = [hub.community.households.households_in_unit(o.unit.id)[0] for o in owners]
    first, _, third = households
    owner = owners[0].user
    community.members.create(third.id, "Owner 1", "owner", user_id=owners[1].user.id)
    grandma = community.members.create(first.id, "张奶奶", "family")
    users = {
        "owner": owner,
        "landlord": owners[1].user,  # owns two units: names the one they vote for
        "carer": add_user(hub, "li_hugong", "resident"),
        "household_admin": add_user(hub, "zhang_min", "household_admin"),
        "operator": add_user(hub, "wuye", "operator"),
        "outsider": add_user(hub, "passer_by", "resident"),
        "session": add_user(hub, "session", "resident"),  # logins made for the run
        "visitor": add_user(hub, "visitor", "resident"),  # the logins schemathesis makes
        "former": add_user(hub, "former", "resident"),
    }
    hub.users.update(users["former"].id, disabled=True)
    community.members.create(first.id, "张敏", "family", user_id=users["household_admin"].id)
    community.members.create(
        first.id, "李护工", "caregiver", user_id=users["carer"].id, cares_for={grandma.id}
    )
    device = hub.devices.get_or_create(
        identifiers={("wristband", "wb-1")}, name="手环", household_id=first.id
    )
    entity = hub.entities.get_or_create("sensor", "wristband", "wb-1-heart", device_id=device.id)
    hub.consent.assign(device.id, grandma.id, owner.id)
    health, _ = hub.consent.give(grandma.id, "health", "all", owner.id)
    location, _ = hub.consent.give(grandma.id, "location", "all", owner.id)
    await hub.consent.withdraw(location.id, owner.id)
    now = hub.clock.time()
    day = 24 * 3600
    open_now = hub.governance.propose(
        title="更换电梯", matter="use_maintenance_fund", closes_at=now + 2 * day
    )
    later = hub.governance.propose(
        title="选举业委会", matter="elect_committee", opens_at=now + day, closes_at=now + 2 * day
    )
    hub.governance.cast(open_now.id, owners[2].user.id, "agree")
    await hub.database.flush()
    return Community(
        owners=owners,
        users=users,
        households=[household.id for household in households],
        members=[member.id for member in community.members],
        device_id=device.id,
        entity_id=entity.entity_id,
        consents=[health.id, location.id],
        proposals=[open_now.id, later.id, decided.id],
    )


@pytest.fixture
async def target(
    hub_factory: HubFactory,
    plugins: PluginManager,
    integration,
    write_files,
    packages_dir: Path,
) -> Target:
    """A hub serving on a free port, with states, history, statistics, services, a config
    entry, flows in progress, devices, entities and areas, and a community (units,
    households, members, users, proposals, consents, alarms and notifications) for the
    requests to meet."""
    integration("charger", CHARGER, config_flow=True)
    integration("wristband", data_categories=["health", "location"])
    write_files(packages_dir, {"charger/config_flow.py": CHARGER_FLOW})
    hub = await hub_factory(
        plugins=plugins, http_host="127.0.0.1", http_port=0, votes_required=True
    )
    hub.integrations.timeout = 10.0
    hub.config_entries.setup_timeout = 10.0
    await hub.http.start()
    people = await build_community(hub)
    tokens = {
        "admin": hub.http.tokens.admin_token_path.read_text(encoding="utf-8").strip(),
        **{
            name: hub.http.tokens.create("schemathesis", people.users[name].id, "long_lived")[1]
            for name in CALLERS
            if name != "admin"
        },
    }
    # Tokens for DELETE /api/auth/tokens/{token_id} to revoke: not those of the callers.
    admin = hub.users.get_by_username("admin")
    assert admin is not None
    spare_tokens = [
        hub.http.tokens.create(name, user_id, "long_lived")[0].id
        for name, user_id in (
            ("spare", admin.id),
            ("spare 2", admin.id),
            ("spare", people.users["owner"].id),
        )
    ]
    target = Target(f"http://127.0.0.1:{hub.http.port}", tokens)

    def open_gate(call: ServiceCall) -> None:
        hub.states.set(f"lock.{call.data['gate']}", "unlocked", context=call.context)

    hub.services.register(
        "gate", "open", open_gate, vol.Schema({vol.Required("gate"): vol.In(["north", "south"])})
    )
    hub.services.register(
        "gate", "battery", lambda call: {"battery": 87}, supports_response=SupportsResponse.only
    )
    hub.services.register(
        "gate", "echo", lambda call: dict(call.data), supports_response=SupportsResponse.optional
    )

    building = hub.areas.create("3号楼", "building")
    hub.areas.create("大堂", "common", building.id)
    device = hub.devices.get_or_create(
        identifiers={("charger", "CP-1")}, connections={("mac", "aa:bb")}, name="1号桩"
    )
    hub.entities.get_or_create("sensor", "charger", "cp1-energy", device_id=device.id)
    hub.states.set("sensor.charger_energy", "100", METER)
    hub.states.set("sensor.hall_temperature", "21.5", TEMPERATURE)
    hub.states.set("lock.north", "locked")
    await hub.block_till_done()
    fire_time_changed(hub, timedelta(minutes=30))
    hub.states.set("sensor.charger_energy", "104.5", METER)
    hub.states.set("sensor.hall_temperature", "22", TEMPERATURE)
    fire_time_changed(hub, timedelta(hours=2))
    await hub.block_till_done()
    await hub.recorder.compile_statistics()

    # Flows as the admin's: the admin token's user continues and aborts them.
    as_admin = FlowContext(user_id=admin.id)
    flows, options = hub.config_entries.flow, hub.config_entries.options
    form = await flows.init("charger", context=as_admin)
    done = await flows.configure(form.flow_id, {"site": "东门", "api_key": "k"}, user_id=admin.id)
    entry_id = done.result.id
    config_flows = [(await flows.init("charger", context=as_admin)).flow_id for _ in range(2)]
    options_flows = [(await options.init(entry_id, context=as_admin)).flow_id for _ in range(2)]
    hub.governance.ratings.rate(people.owners[0].user.id, "charger", 4, "快")  # the entry's there
    await hub.database.flush()
    # Grandma's SOS, told to her household, her carer, then the security desk; and a smoke
    # alarm of another household, over.
    sos = hub.alarms.raise_alarm(
        "sos", "critical", source_entity_id=people.entity_id, household_id=None, message="SOS"
    )
    fire_time_changed(hub, timedelta(seconds=60))
    fire_time_changed(hub, timedelta(seconds=60))
    smoke = hub.alarms.raise_alarm(
        "smoke", "critical", source_entity_id=None, household_id=people.households[1], message="烟"
    )
    hub.alarms.acknowledge(smoke.id, by_user_id=people.users["operator"].id)
    hub.alarms.clear(smoke.id)
    await hub.block_till_done()
    notifications = [n.id for n in await hub.notifications.of_user(people.users["carer"].id)]
    assert notifications, "the carer was told of the SOS"
    # Automations: the first household's (its owner's), and two of the community's (the
    # operator's and the admin's), which the requests name: both staff manage them.
    reminder = {
        "triggers": [{"trigger": "time", "at": "07:30"}],
        "actions": [{"notify": {"to": "household", "title": "早上好", "message": "带钥匙"}}],
    }
    hub.automations.create(
        {**reminder, "household_id": people.households[0]}, owner_id=people.users["owner"].id
    )
    automations = [
        hub.automations.create(reminder, owner_id=user_id).id
        for user_id in (people.users["operator"].id, admin.id)
    ]
    # A refresh token already exchanged: using it again ends its login.
    spent = hub.http.tokens.create_login(people.users["session"].id, "phone").refresh_token
    hub.http.tokens.refresh(spent)

    # Sorted: the draws are derandomised, so the same values in the same order make the same
    # requests on every run, whatever order the hub wrote its states in.
    target.known = {
        "entity_id": sorted(state.entity_id for state in hub.states.all()),
        "statistic_id": ["sensor.charger_energy", "sensor.hall_temperature"],
        "domain": ["charger", "wristband", "gate"],
        "service": ["open", "battery", "echo"],
        "entry_id": [entry_id],
        "flow_id": config_flows + options_flows,
        "handler": ["charger", entry_id],
        "price": [1.5],  # the options flow's field
        "event_type": ["gate_rang"],
        "unit_id": [owner.unit.id for owner in people.owners],
        "household_id": people.households,
        "member_id": people.members,
        "cares_for": people.members,
        "user_id": [user.id for user in hub.users],
        "proposal_id": people.proposals,
        "consent_id": people.consents,
        "token_id": spare_tokens,
        "target": [people.device_id, people.entity_id],
        "scope": ["all", "wristband"],
        "kind": ["ballot_cast", "proposal_opened", "consent_given", "roster_imported"],
        "sheet": list(SHEETS),
        "address": ["4-1-101", "5号楼 2单元 1203", people.owners[0].unit.address],
        "area": ["89.35", "120", "66.6㎡"],
        "phone": ["13800138000", "010-62345678", None],
        "score": [1, 3, 5],
        "amount_fen": [0, 1_500_000],
        "closes_at": [in_hours(hub, 2), in_hours(hub, 48, local=True)],
        "opens_at": [in_hours(hub, 0), in_hours(hub, 1, local=True)],
        # Each a new login's, or one already exchanged (which ends its login).
        "refresh_token": [lambda session: target.log_in(session)["refresh_token"], spent],
        "alarm_id": [sos.id, smoke.id],
        "notification_id": sorted(notifications),
        "text": ["已到现场"],
        "comment": ["在处理"],
        "automation_id": automations,
        # An automation's parts (one, or a list of one: as generated), in either spelling,
        # and a blueprint without inputs.
        "triggers": reminder["triggers"],
        "trigger": reminder["triggers"],
        "conditions": [{"condition": "time", "after": "06:00"}],
        "condition": [{"condition": "time", "after": "06:00"}],
        "actions": reminder["actions"],
        "action": reminder["actions"],
        "use_blueprint": [{"path": "linli/charging_finished.yaml"}],
    }
    target.known_for = {
        # Logins as users nobody else in the run is: failures may lock them, harmlessly.
        "POST /api/auth/login": {
            "username": ["visitor", "former"],
            "password": [PASSWORD],
        },
        "POST /api/auth/users": {
            "username": ["zhao_liu", "wuye"],
            "password": [PASSWORD, "20260101"],
        },
        # The gate's services (the other domains have none), echo most often: it takes any
        # data, so among 20 calls some are done whatever else was drawn (odds of none about
        # 1 in 700); open and battery mostly meet their schema's and response's refusals.
        "POST /api/services/{domain}/{service}": {
            "domain": ["gate"],
            "service": ["echo", "echo", "echo", "open", "battery"],
        },
    }
    return target


async def test_refused_logins_are_answered_as_documented(
    hub_factory: HubFactory, plugins: PluginManager
) -> None:
    """Wrong passwords for one username: 401, then slowed down (429), then locked (423),
    each answer as documented, with its Retry-After. (The schemathesis run's logins are
    too few, and too fast, to show it.)"""
    hub = await hub_factory(plugins=plugins, http_host="127.0.0.1", http_port=0)
    await hub.http.start()
    add_user(hub, "visitor", "resident")
    base_url = f"http://127.0.0.1:{hub.http.port}"
    wrong = OPERATIONS["POST /api/auth/login"].Case(
        body={"username": "visitor", "password": "not the password"}, media_type=JSON
    )
    statuses = []
    with requests.Session() as session:
        while 423 not in statuses and len(statuses) < 3 * LOCK_AFTER:
            response = await asyncio.to_thread(
                wrong.call_and_validate, base_url=base_url, session=session, checks=CHECKS
            )
            statuses.append(response.status_code)
            if response.status_code == 429:  # wait as told, on the hub's clock
                wait = int(response.headers["retry-after"][0])
                fire_time_changed(hub, timedelta(seconds=wait))
    free = [401] * FREE_FAILURES
    assert statuses == free + [429, 401] * (LOCK_AFTER - FREE_FAILURES) + [423]


def use_known_values(
    case: schemathesis.Case, known: dict[str, list[Any]], data: Any, session: requests.Session
) -> None:
    """Mostly (three times in four) swap a generated path or query parameter, or a field of
    a JSON body, for the name of a real thing: random text rarely names an entity or a
    member."""

    def real(name: str, generated: Any) -> Any:
        value = data.draw(st.sampled_from(known[name]))
        if callable(value):
            value = value(session)
        return [value] if isinstance(generated, list) else value

    for values in (case.path_parameters, case.query, case.body):
        if not isinstance(values, dict):
            continue
        for name in list(values):
            if name in known and data.draw(st.integers(0, 3)) < 3:
                values[name] = real(name, values[name])


def draw_caller(operation: schemathesis.APIOperation, data: Any) -> str:
    """Three times in four one of the operation's likely callers, else anyone."""
    likely = LIKELY_CALLERS.get(operation.path, STAFF)
    pool = likely if data.draw(st.integers(0, 3)) < 3 else CALLERS
    return pool[data.draw(st.integers(0, 2**16)) % len(pool)]


def fuzz(operation: schemathesis.APIOperation, target: Target) -> set[int]:
    """Send the operation valid requests, then invalid ones; raise on the first failure.
    Returns the statuses answered."""
    known = {**target.known, **target.known_for.get(operation.label, {})}
    statuses: set[int] = set()
    with requests.Session() as session:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @FUZZ_SETTINGS
            @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
            def run(case: schemathesis.Case, data: Any) -> None:
                use_known_values(case, known, data, session)
                caller = draw_caller(operation, data)
                if caller == "login":
                    token = target.log_in(session)["access_token"]
                else:
                    token = target.tokens[caller]
                response = case.call_and_validate(
                    base_url=target.base_url,
                    session=session,
                    headers={"Authorization": f"Bearer {token}"},
                    checks=CHECKS,
                    timeout=10,
                )
                statuses.add(response.status_code)

            run()
    return statuses


# Operations the run finds a server error in: bugs to fix in the server, not here. Strict:
# once one is fixed, its test passes and fails as such, to be taken off this list.
SERVER_BUGS: dict[str, str] = {}


@pytest.mark.parametrize(
    "label",
    [
        pytest.param(label, marks=pytest.mark.xfail(reason=SERVER_BUGS[label], strict=True))
        if label in SERVER_BUGS
        else label
        for label in sorted(OPERATIONS)
    ],
)
async def test_the_server_answers_as_documented(label: str, target: Target) -> None:
    statuses = await asyncio.to_thread(fuzz, OPERATIONS[label], target)
    # The requests reached real things: some were done, not all refused.
    assert any(200 <= status < 300 for status in statuses), sorted(statuses)
