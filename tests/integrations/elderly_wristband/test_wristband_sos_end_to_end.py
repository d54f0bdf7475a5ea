"""Grandma presses SOS on her watch: the alarm climbs the ladder, through the real transports,
until somebody answers it.

Everything a person would see goes over a real connection: the watch is a TCP client
speaking the 3G protocol, the family, the caregiver, the security desk and the neighbour
use the REST API and a WebSocket with their own tokens, and the ladder's external step
(and the members' phones) reach an SMS gateway: an aiohttp server on a free port that
checks each request's signature. Only the hub's clock is moved by the test.

- Nobody answers: household, then a minute later the caregiver, then the security desk,
  then the district's emergency centre through the gateway; the neighbours never.
- The caregiver acknowledges at her step: nobody further is ever told.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import orjson
import pytest
from aiohttp import ClientWebSocketResponse, web
from aiohttp.test_utils import TestClient
from wristband_helpers import INSIDE, WATCH_ID, Family

from linli.alarms import Alarm, AlarmState
from linli.auth.users import UserEntry
from linli.clock import Clock
from linli.config import AlarmsConfig, ExternalContact, WebhookConfig
from linli.hub import Hub
from linli.integrations.elderly_wristband.simulator import SimulatedWatch
from linli.notifications.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from linli.plugins import PluginManager
from linli.testing import fire_time_changed
from linli.testing.plugin import HubFactory
from linli.testing.processes import free_port

SOS_BIT = 1 << 16  # the SOS alarm bit of a report's terminal status
SOS_SENSOR = f"binary_sensor.wristband_{WATCH_ID}_sos"
MINUTE = timedelta(seconds=60)  # a critical alarm climbs a step a minute (the default ladder)
SECRET = "the SMS gateway's shared secret"
EMERGENCY_CENTRE = "district-110"  # the ladder's external contact
CAREGIVERS_PHONE = "13900000002"
NEIGHBOURS_PHONE = "13900000004"
TITLE = "Critical alarm: sos"
MESSAGE = f"Wristband {WATCH_ID}: SOS (张家)"
SMS = f"[测试小区] {TITLE}. {MESSAGE}"
ACTIVE = "active_unacknowledged"
PEOPLE = ("son", "caregiver", "guard", "neighbour")

# --- the SMS gateway --------------------------------------------------------------------------


@dataclass
class SmsGateway:
    """Receives the hub's webhook requests and keeps the ones whose signature holds.

    It reads the time from ``clock`` (the hub's, which the test moves), as a gateway whose
    clock agrees with the hub's would."""

    url: str
    clock: Clock | None = None
    received: list[dict[str, Any]] = field(default_factory=list)
    forged: int = 0

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        timestamp = request.headers.get(TIMESTAMP_HEADER, "")
        signed = request.headers.get(SIGNATURE_HEADER, "")
        assert self.clock is not None
        if not verify(SECRET, timestamp, body, signed, now=self.clock.time()):
            self.forged += 1
            return web.Response(status=401)
        self.received.append(orjson.loads(body))
        return web.Response(status=200)

    def recipients(self) -> list[str]:
        """To whom the SMS went, in the order they arrived."""
        return [sms["recipient"] for sms in self.received]


@pytest.fixture
async def gateway() -> AsyncIterator[SmsGateway]:
    port = free_port()
    gateway = SmsGateway(f"http://127.0.0.1:{port}/sms")
    app = web.Application()
    app.router.add_post("/sms", gateway.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield gateway
    await runner.cleanup()


@pytest.fixture
async def hub(hub_factory: HubFactory, plugins: PluginManager, gateway: SmsGateway) -> Hub:
    """A hub whose ladder ends at the emergency centre, reached (like members' phones)
    through the gateway."""
    alarms = AlarmsConfig(
        webhook=WebhookConfig(gateway.url, SECRET),
        external=(ExternalContact("webhook", EMERGENCY_CENTRE),),
        phone_channels=("webhook",),
    )
    hub = await hub_factory(plugins=plugins, alarms=alarms)
    hub.integrations.timeout = 10.0
    hub.config_entries.setup_timeout = 10.0
    gateway.clock = hub.clock
    return hub


# --- the people and their web app ---------------------------------------------------------------


class WebApp:
    """One person's web app: a WebSocket connection with their own token."""

    def __init__(self, ws: ClientWebSocketResponse) -> None:
        self.ws = ws
        self._last_id = 0
        self._subscriptions: set[int] = set()

    async def _command(self, payload: dict[str, Any]) -> int:
        self._last_id += 1
        await self.ws.send_json({**payload, "id": self._last_id})
        return self._last_id

    async def subscribe(self, command: str) -> None:
        msg_id = await self._command({"type": command})
        answer = await self.ws.receive_json(timeout=5)
        assert answer == {"id": msg_id, "type": "result", "success": True, "result": None}
        self._subscriptions.add(msg_id)

    async def pushed(self) -> list[tuple[str, str, str]]:
        """What the hub pushed since the last call, in order, as the person sees it:
        ``("notification", alarm_id, message)``, or ``("raised"|"updated", alarm_id,
        "<state>, step <n>")`` for an alarm in their list (``"alarms"`` for each one of the
        list sent on subscribing).

        A ping marks the end: whatever the hub pushed before it answers comes first."""
        pong = {"id": await self._command({"type": "ping"}), "type": "pong"}
        pushed: list[tuple[str, str, str]] = []
        while (message := await self.ws.receive_json(timeout=5)) != pong:
            assert message["type"] == "event", message
            assert message["id"] in self._subscriptions, message
            ((kind, content),) = message["event"].items()
            if kind == "notification":
                pushed.append((kind, content["alarm_id"], content["message"]))
            elif kind == "alarms":
                pushed += [(kind, alarm["id"], shown(alarm)) for alarm in content]
            else:
                pushed.append((kind, content["id"], shown(content)))
        return pushed


def shown(alarm: dict[str, Any]) -> str:
    """How an alarm of the API shows in a list: its state and the step it has reached."""
    step = alarm["escalation_step"]
    return alarm["state"] if step is None else f"{alarm['state']}, step {step}"


@dataclass
class Street:
    """The 张 household (grandma wears the watch, her son has an account), grandma's
    caregiver daughter who lives elsewhere, the security desk's guard and the 王
    neighbours; each with a token, the way their web app talks to the hub."""

    hub: Hub
    family: Family
    client: TestClient
    users: dict[str, UserEntry] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        community, users = self.hub.community, self.hub.users
        self.users["son"] = self.family.son_user
        self.users["caregiver"] = users.create("zhang_li", "resident")
        self.users["guard"] = users.create("bao_an", "operator")
        self.users["neighbour"] = users.create("wang_fang", "resident")
        community.members.create(
            self.family.household.id,
            "张丽",
            "caregiver",
            user_id=self.users["caregiver"].id,
            phone=CAREGIVERS_PHONE,
            cares_for=frozenset({self.family.grandma.id}),
        )
        neighbours = community.households.create("王家")
        community.members.create(
            neighbours.id,
            "王芳",
            "owner",
            user_id=self.users["neighbour"].id,
            phone=NEIGHBOURS_PHONE,
        )
        for who, user in self.users.items():
            self.tokens[who] = self.hub.http.tokens.create("test", user.id, "long_lived")[1]

    def _auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    async def web_app(self, who: str) -> WebApp:
        ws = await self.client.ws_connect("/api/websocket")
        assert (await ws.receive_json(timeout=5))["type"] == "auth_required"
        await ws.send_json({"type": "auth", "access_token": self.tokens[who]})
        assert (await ws.receive_json(timeout=5))["type"] == "auth_ok"
        return WebApp(ws)

    async def told(self) -> dict[str, list[str]]:
        """Each person's notification list (``GET /api/notifications``) as the alarm ids
        of its notifications, oldest first; each checked to be this SOS's."""
        await self.hub.block_till_done()
        lists: dict[str, list[str]] = {}
        for who in PEOPLE:
            answer = await self.client.get("/api/notifications", headers=self._auth(who))
            assert answer.status == 200, await answer.text()
            notes = list(reversed(await answer.json()))
            assert all((n["title"], n["message"]) == (TITLE, MESSAGE) for n in notes), notes
            lists[who] = [note["alarm_id"] for note in notes]
        return lists

    async def acknowledge(self, who: str, alarm_id: str) -> dict[str, Any]:
        answer = await self.client.post(
            f"/api/alarms/{alarm_id}/acknowledge", json={}, headers=self._auth(who)
        )
        assert answer.status == 200, await answer.text()
        return await answer.json()

    async def alarm(self, who: str, alarm_id: str) -> dict[str, Any]:
        answer = await self.client.get(f"/api/alarms/{alarm_id}", headers=self._auth(who))
        assert answer.status == 200, await answer.text()
        return await answer.json()


@pytest.fixture
async def street(hub: Hub, family: Family, hub_client_no_auth: TestClient) -> Street:
    return Street(hub, family, hub_client_no_auth)


@pytest.fixture
async def web_apps(street: Street) -> AsyncIterator[dict[str, WebApp]]:
    """Everyone's web app, open and listening for their notifications; the son's and the
    neighbour's also show the alarms they may handle."""
    apps = {who: await street.web_app(who) for who in PEOPLE}
    for who, app in apps.items():
        await app.subscribe("notifications/subscribe")
        if who in ("son", "neighbour"):
            await app.subscribe("alarms/subscribe")
            assert await app.pushed() == []  # no open alarm yet
    yield apps
    for app in apps.values():
        await app.ws.close()


async def press_sos(hub: Hub, watch: SimulatedWatch) -> Alarm:
    """Grandma presses SOS: the watch sends an AL report with the SOS bit, the hub answers
    AL (the watch stops resending); returns the alarm raised."""
    answer = await watch.alarm(*INSIDE, status=SOS_BIT)
    assert (answer.device_id, answer.content) == (WATCH_ID, b"AL")
    assert hub.states.get(SOS_SENSOR).state == "on"
    (alarm,) = hub.alarms.open()
    assert (alarm.alarm_type, alarm.severity, alarm.source_entity_id) == (
        "sos",
        "critical",
        SOS_SENSOR,
    )
    assert alarm.data == {"device_id": WATCH_ID, "latitude": INSIDE[0], "longitude": INSIDE[1]}
    return alarm


@pytest.fixture
async def grandmas_watch(watch: SimulatedWatch, family: Family) -> SimulatedWatch:
    """The watch, connected and known to the hub, worn by grandma in the 张 household, who
    consented to the hub collecting her health data and location (without that, the SOS
    sensor is unavailable; the alarm goes out all the same)."""
    await watch.link()
    family.owns()
    family.consents("health", "location")
    return watch


async def test_an_sos_nobody_answers_climbs_to_the_emergency_centre(
    hub: Hub,
    grandmas_watch: SimulatedWatch,
    street: Street,
    web_apps: dict[str, WebApp],
    gateway: SmsGateway,
) -> None:
    sos = await press_sos(hub, grandmas_watch)

    # Step 0, at once: the household. The son's app rings and lists the alarm.
    assert await web_apps["son"].pushed() == [
        ("raised", sos.id, ACTIVE),
        ("updated", sos.id, f"{ACTIVE}, step 0"),
        ("notification", sos.id, MESSAGE),
    ]
    for who in ("caregiver", "guard", "neighbour"):
        assert await web_apps[who].pushed() == [], who
    assert await street.told() == {"son": [sos.id], "caregiver": [], "guard": [], "neighbour": []}
    assert gateway.recipients() == []  # nobody in the household has a phone number

    # Nobody acknowledges. A minute later, step 1: the caregiver, in the app and by SMS.
    fire_time_changed(hub, MINUTE - timedelta(seconds=1))
    assert await street.told() == {"son": [sos.id], "caregiver": [], "guard": [], "neighbour": []}
    fire_time_changed(hub, timedelta(seconds=1))
    assert await web_apps["caregiver"].pushed() == [("notification", sos.id, MESSAGE)]
    # The son's list shows the alarm climbing.
    assert await web_apps["son"].pushed() == [("updated", sos.id, f"{ACTIVE}, step 1")]
    for who in ("guard", "neighbour"):
        assert await web_apps[who].pushed() == [], who
    assert await street.told() == {
        "son": [sos.id],
        "caregiver": [sos.id],
        "guard": [],
        "neighbour": [],
    }
    assert gateway.recipients() == [CAREGIVERS_PHONE]

    # Another minute, step 2: the security desk.
    fire_time_changed(hub, MINUTE)
    assert await web_apps["guard"].pushed() == [("notification", sos.id, MESSAGE)]
    assert await web_apps["son"].pushed() == [("updated", sos.id, f"{ACTIVE}, step 2")]
    for who in ("caregiver", "neighbour"):
        assert await web_apps[who].pushed() == [], who
    assert await street.told() == {
        "son": [sos.id],
        "caregiver": [sos.id],
        "guard": [sos.id],
        "neighbour": [],
    }
    assert gateway.recipients() == [CAREGIVERS_PHONE]

    # Another minute, step 3, the last: the emergency centre, through the gateway.
    fire_time_changed(hub, MINUTE)
    await hub.block_till_done()
    assert gateway.recipients() == [CAREGIVERS_PHONE, EMERGENCY_CENTRE]
    assert gateway.forged == 0
    assert gateway.received[-1]["message"] == SMS
    assert gateway.received[-1]["hub"] == "测试小区"
    assert await web_apps["son"].pushed() == [("updated", sos.id, f"{ACTIVE}, step 3")]
    for who in ("caregiver", "guard", "neighbour"):
        assert await web_apps[who].pushed() == [], who  # each step tells its people once
    assert await street.told() == {
        "son": [sos.id],
        "caregiver": [sos.id],
        "guard": [sos.id],
        "neighbour": [],
    }
    reached = await street.alarm("guard", sos.id)
    assert (reached["state"], reached["escalation_step"], reached["next_escalation_at"]) == (
        "active_unacknowledged",
        3,
        None,
    )

    # The top of the ladder: more time tells nobody again, the neighbours least of all.
    fire_time_changed(hub, MINUTE * 10)
    await hub.block_till_done()
    assert gateway.recipients() == [CAREGIVERS_PHONE, EMERGENCY_CENTRE]
    for who in PEOPLE:
        assert await web_apps[who].pushed() == [], who
    assert (await street.told())["neighbour"] == []


async def test_the_caregiver_acknowledging_stops_the_climb(
    hub: Hub,
    grandmas_watch: SimulatedWatch,
    street: Street,
    web_apps: dict[str, WebApp],
    gateway: SmsGateway,
) -> None:
    sos = await press_sos(hub, grandmas_watch)
    fire_time_changed(hub, MINUTE)  # nobody answered the household's step
    assert await web_apps["caregiver"].pushed() == [("notification", sos.id, MESSAGE)]
    assert await web_apps["son"].pushed() == [
        ("raised", sos.id, ACTIVE),
        ("updated", sos.id, f"{ACTIVE}, step 0"),
        ("notification", sos.id, MESSAGE),
        ("updated", sos.id, f"{ACTIVE}, step 1"),
    ]

    acknowledged = await street.acknowledge("caregiver", sos.id)
    caregiver_id = street.users["caregiver"].id
    assert (acknowledged["state"], acknowledged["acknowledged_by"]) == (
        "active_acknowledged",
        caregiver_id,
    )
    assert acknowledged["next_escalation_at"] is None
    # The son sees that his sister has it in hand.
    assert await web_apps["son"].pushed() == [("updated", sos.id, "active_acknowledged, step 1")]
    assert hub.alarms.get(sos.id).acknowledged_by == caregiver_id

    # However long it goes on (the watch keeping in touch every five minutes), the
    # security desk and the emergency centre are never told.
    for minute in range(1, 121):
        fire_time_changed(hub, MINUTE)
        if minute % 5 == 0:
            await grandmas_watch.link()
    await hub.block_till_done()
    assert await street.told() == {
        "son": [sos.id],
        "caregiver": [sos.id],
        "guard": [],
        "neighbour": [],
    }
    for who in PEOPLE:
        assert await web_apps[who].pushed() == [], who
    assert gateway.recipients() == [CAREGIVERS_PHONE]
    assert gateway.forged == 0
    stored = await street.alarm("son", sos.id)
    assert (stored["state"], stored["acknowledged_by"], stored["escalation_step"]) == (
        "active_acknowledged",
        caregiver_id,
        1,
    )

    # Grandma lets go: the watch's next report has no SOS bit. Its SOS sensor goes off, but
    # the integration leaves the alarm to people to clear (rules.py: "a critical alarm,
    # which people clear").
    await grandmas_watch.report(*INSIDE)
    await grandmas_watch.link()
    assert hub.states.get(SOS_SENSOR).state == "off"
    assert hub.alarms.get(sos.id).state is AlarmState.active_acknowledged
    assert await web_apps["son"].pushed() == []
