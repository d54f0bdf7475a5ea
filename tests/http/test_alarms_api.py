"""/api/alarms, /api/notifications and the alarm WebSocket commands, as the people who use
them: the 张 family (the son, and the daughter who cares for grandma from elsewhere), the
王 neighbours, the security desk; each sees and handles only the alarms that are theirs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import ClientResponse, ClientWebSocketResponse
from aiohttp.test_utils import TestClient

from linli.alarms import Alarm
from linli.hub import Hub

SOS_BUTTON = "binary_sensor.grandma_sos"
PEOPLE = ("son", "daughter", "neighbour", "guard")


@dataclass
class Street:
    hub: Hub
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        community, users = self.hub.community, self.hub.users
        self.zhang = community.households.create("张家")
        self.wang = community.households.create("王家")
        for name, role in (
            ("son", "resident"),
            ("daughter", "resident"),
            ("neighbour", "resident"),
            ("guard", "operator"),
        ):
            user = users.create(f"{name}_user", role)
            self.user_ids[name] = user.id
            self.tokens[name] = self.hub.http.tokens.create("test", user.id, "long_lived")[1]
        grandma = community.members.create(self.zhang.id, "张奶奶", "family")
        community.members.create(self.zhang.id, "张伟", "owner", user_id=self.user_ids["son"])
        community.members.create(
            self.zhang.id,
            "张丽",
            "caregiver",
            user_id=self.user_ids["daughter"],
            cares_for=frozenset({grandma.id}),
        )
        community.members.create(self.wang.id, "王芳", "owner", user_id=self.user_ids["neighbour"])
        self.hub.entities.get_or_create(
            "binary_sensor",
            "test",
            "grandma-sos",
            suggested_object_id="grandma_sos",
            household_id=self.zhang.id,
        )
        self.hub.consent.assign(SOS_BUTTON, grandma.id, self.user_ids["son"])

    def sos(self) -> Alarm:
        return self.hub.alarms.raise_alarm(
            "sos", "critical", source_entity_id=SOS_BUTTON, household_id=None, message="SOS"
        )

    def smoke_at_wang(self) -> Alarm:
        return self.hub.alarms.raise_alarm(
            "smoke", "critical", source_entity_id=None, household_id=self.wang.id, message="厨房"
        )

    def garage_smoke(self) -> Alarm:
        return self.hub.alarms.raise_alarm(
            "smoke", "major", source_entity_id=None, household_id=None, message="车库"
        )

    async def get(self, who: str, path: str, **params: str) -> ClientResponse:
        return await self.client.get(path, params=params, headers=self._auth(who))

    async def post(self, who: str, path: str, body: Any = None) -> ClientResponse:
        return await self.client.post(path, json=body, headers=self._auth(who))

    def _auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture
async def street(hub: Hub, hub_client_no_auth: TestClient) -> Street:
    return Street(hub, hub_client_no_auth)


async def ids(response: ClientResponse) -> list[str]:
    assert response.status == 200, await response.text()
    return [item["id"] for item in await response.json()]


async def test_each_sees_the_alarms_that_are_theirs(street: Street) -> None:
    sos, smoke, garage = street.sos(), street.smoke_at_wang(), street.garage_smoke()
    seen = {who: await ids(await street.get(who, "/api/alarms")) for who in PEOPLE}
    assert seen == {
        "son": [sos.id],
        "daughter": [sos.id],  # she cares for grandma, whose button it is
        "neighbour": [smoke.id],
        "guard": [garage.id, smoke.id, sos.id],  # newest first
    }
    assert await ids(await street.get("guard", "/api/alarms", severity="major")) == [garage.id]
    assert await ids(await street.get("guard", "/api/alarms", household_id=street.wang.id)) == [
        smoke.id
    ]
    assert await ids(await street.get("guard", "/api/alarms", limit="1")) == [garage.id]
    assert (
        await ids(await street.get("neighbour", "/api/alarms", household_id=street.zhang.id)) == []
    )

    answer = await street.get("son", f"/api/alarms/{sos.id}")
    body = await answer.json()
    assert (body["alarm_type"], body["state"], body["escalation_step"]) == (
        "sos",
        "active_unacknowledged",
        0,
    )
    assert (await street.get("neighbour", f"/api/alarms/{sos.id}")).status == 404


async def test_bad_filters_are_refused(street: Street, expect_error) -> None:
    answer = await street.get("guard", "/api/alarms", state="active,burning")
    body = await expect_error(answer, 400, "invalid_format", field="state")
    assert "active_unacknowledged" in body["message"]
    await expect_error(
        await street.get("guard", "/api/alarms", limit="0"), 400, "invalid_format", field="limit"
    )


async def test_acknowledge_clear_and_comment(street: Street, expect_error) -> None:
    hub = street.hub
    sos = street.sos()
    await expect_error(
        await street.post("neighbour", f"/api/alarms/{sos.id}/acknowledge"), 404, "not_found"
    )

    answer = await street.post(
        "daughter", f"/api/alarms/{sos.id}/acknowledge", {"comment": "在路上"}
    )
    assert answer.status == 200, await answer.text()
    body = await answer.json()
    assert body["state"] == "active_acknowledged"
    assert body["acknowledged_by"] == street.user_ids["daughter"]
    assert body["next_escalation_at"] is None
    assert [c["text"] for c in body["comments"]] == ["在路上"]
    # Whom each step tells (the console names the step), and who acted, by name.
    assert body["ladder"] == ["household", "caregivers", "security", "external"]
    assert body["names"] == {street.user_ids["daughter"]: "daughter_user"}
    [stored] = await hub.alarms.query()  # committed before the answer
    assert stored.state.acknowledged

    answer = await street.post("guard", f"/api/alarms/{sos.id}/clear")
    assert (await answer.json())["state"] == "cleared_acknowledged"
    again = await street.post("son", f"/api/alarms/{sos.id}/clear", {"comment": "误按"})
    body = await again.json()
    assert (body["state"], body["cleared_by"]) == ("cleared_acknowledged", street.user_ids["guard"])
    assert [c["text"] for c in body["comments"]] == ["在路上", "误按"]

    answer = await street.post("son", f"/api/alarms/{sos.id}/comments", {"text": "已换电池"})
    assert answer.status == 201
    body = await answer.json()
    assert body["comments"][-1]["by"] == street.user_ids["son"]
    assert set(body["names"].values()) == {"daughter_user", "guard_user", "son_user"}
    await expect_error(
        await street.post("son", f"/api/alarms/{sos.id}/comments", {"text": " "}),
        400,
        "invalid_format",
        field="text",
    )
    await expect_error(
        await street.post("son", f"/api/alarms/{sos.id}/comments", {}),
        400,
        "invalid_format",
        field="text",
    )
    await expect_error(
        await street.post("son", f"/api/alarms/{sos.id}/acknowledge", {"note": "x"}),
        400,
        "invalid_format",
        field="note",
    )
    kinds = [(r.kind, r.actor) for r in await hub.audit.records() if r.kind.startswith("alarm")]
    assert kinds == [
        ("alarm_acknowledged", street.user_ids["daughter"]),
        ("alarm_cleared", street.user_ids["guard"]),
    ]


async def test_the_notification_list(street: Street, expect_error) -> None:
    sos = street.sos()
    await street.hub.block_till_done()
    [note] = await (await street.get("son", "/api/notifications")).json()
    assert (note["alarm_id"], note["title"], note["read_at"]) == (
        sos.id,
        "Critical alarm: sos",
        None,
    )
    assert await (await street.get("neighbour", "/api/notifications")).json() == []
    await expect_error(
        await street.post("neighbour", f"/api/notifications/{note['id']}/read"), 404, "not_found"
    )

    answer = await street.post("son", f"/api/notifications/{note['id']}/read")
    assert (await answer.json())["read_at"] is not None
    assert await (await street.get("son", "/api/notifications", unread="true")).json() == []
    assert len(await (await street.get("son", "/api/notifications")).json()) == 1


# --- the WebSocket -----------------------------------------------------------------------------

Socket = Callable[[str], Awaitable[ClientWebSocketResponse]]


@pytest.fixture
async def socket(street: Street) -> AsyncIterator[Socket]:
    """``await socket(who)``: a WebSocket connection of that person, past the handshake."""
    sockets: list[ClientWebSocketResponse] = []

    async def connect(who: str) -> ClientWebSocketResponse:
        ws = await street.client.ws_connect("/api/websocket")
        assert (await ws.receive_json(timeout=5))["type"] == "auth_required"
        await ws.send_json({"type": "auth", "access_token": street.tokens[who]})
        assert (await ws.receive_json(timeout=5))["type"] == "auth_ok"
        sockets.append(ws)
        return ws

    yield connect
    for ws in sockets:
        await ws.close()


async def subscribe(ws: ClientWebSocketResponse, command: str) -> None:
    await ws.send_json({"id": 1, "type": command})
    assert await ws.receive_json(timeout=5) == {
        "id": 1,
        "type": "result",
        "success": True,
        "result": None,
    }


async def event(ws: ClientWebSocketResponse) -> dict[str, Any]:
    message = await ws.receive_json(timeout=5)
    assert (message["id"], message["type"]) == (1, "event"), message
    return message["event"]


async def test_alarms_are_pushed_to_whom_they_concern(street: Street, socket: Socket) -> None:
    sos = street.sos()
    son, neighbour = await socket("son"), await socket("neighbour")
    await subscribe(son, "alarms/subscribe")
    await subscribe(neighbour, "alarms/subscribe")
    assert [alarm["id"] for alarm in (await event(son))["alarms"]] == [sos.id]
    assert (await event(neighbour))["alarms"] == []

    smoke = street.smoke_at_wang()
    street.hub.alarms.acknowledge(sos.id, by_user_id=street.user_ids["son"])

    assert (await event(neighbour))["raised"]["id"] == smoke.id
    updated = (await event(son))["updated"]  # the 王 family's smoke never reaches him
    assert (updated["id"], updated["state"]) == (sos.id, "active_acknowledged")


async def test_notifications_are_pushed_to_their_user(street: Street, socket: Socket) -> None:
    son, neighbour = await socket("son"), await socket("neighbour")
    await subscribe(son, "notifications/subscribe")
    await subscribe(neighbour, "notifications/subscribe")

    sos = street.sos()
    street.smoke_at_wang()

    pushed = (await event(son))["notification"]
    assert (pushed["alarm_id"], pushed["user_id"]) == (sos.id, street.user_ids["son"])
    assert (await event(neighbour))["notification"]["message"] == "厨房 (王家)"
    await son.send_json({"id": 2, "type": "unsubscribe_events", "subscription": 1})
    assert (await son.receive_json(timeout=5))["success"] is True
    street.sos()  # still active: nothing new
    street.hub.alarms.raise_alarm(
        "fall", "critical", source_entity_id=SOS_BUTTON, household_id=None, message="跌倒"
    )
    await street.hub.block_till_done()
    await son.send_json({"id": 3, "type": "ping"})
    assert await son.receive_json(timeout=5) == {"id": 3, "type": "pong"}  # no push before it
