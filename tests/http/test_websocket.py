"""/api/websocket: the auth handshake, then commands with ids."""

import asyncio
import logging
from typing import Any

import aiohttp
import orjson
import pytest
import voluptuous as vol
from aiohttp import ClientWebSocketResponse, WSCloseCode, WSMsgType
from aiohttp.test_utils import TestClient

from linli.http.api import websocket
from linli.http.tokens import ADMIN_TOKEN_FILE
from linli.hub import Hub
from linli.services import ServiceCall
from linli.testing.plugin import HubFactory, WebSocketClient


async def _handshake(
    client: TestClient, token: str, **options: Any
) -> tuple[ClientWebSocketResponse, dict[str, Any]]:
    ws = await client.ws_connect("/api/websocket", **options)
    assert await ws.receive_json(timeout=5) == {"type": "auth_required"}
    await ws.send_json({"type": "auth", "access_token": token})
    return ws, await ws.receive_json(timeout=5)


async def test_handshake_with_a_token(hub: Hub, hub_client_no_auth: TestClient) -> None:
    operator = hub.users.create("wuye", "operator")
    _, token = hub.http.tokens.create("门禁脚本", operator.id, "long_lived")
    ws, answer = await _handshake(hub_client_no_auth, token)
    assert answer == {"type": "auth_ok"}
    await ws.close()


async def test_a_bad_token_closes_the_connection(hub_client_no_auth: TestClient) -> None:
    ws, answer = await _handshake(hub_client_no_auth, "not-a-token")
    assert answer["type"] == "auth_invalid"
    assert answer["message"]
    assert (await ws.receive(timeout=5)).type in (WSMsgType.CLOSE, WSMsgType.CLOSED)
    assert ws.closed


def _admin_token(hub: Hub) -> str:
    return (hub.config.config_dir / ADMIN_TOKEN_FILE).read_text(encoding="utf-8").strip()


async def test_the_rest_api_still_needs_a_token(hub_client_no_auth: TestClient) -> None:
    assert (await hub_client_no_auth.get("/api/states")).status == 401


async def test_ping(hub_ws_client: WebSocketClient) -> None:
    msg_id = await hub_ws_client.send_json_auto_id({"type": "ping"})
    assert await hub_ws_client.receive_json() == {"id": msg_id, "type": "pong"}


async def test_get_states(hub: Hub, hub_ws_client: WebSocketClient) -> None:
    smoke = hub.states.set("binary_sensor.kitchen_smoke", "off", {"device_class": "smoke"})
    charger = hub.states.set("sensor.charger_3_power", "7.2", {"unit_of_measurement": "kW"})
    msg_id = await hub_ws_client.send_json_auto_id({"type": "get_states"})
    raw = await hub_ws_client.ws.receive_str(timeout=5)
    # the cached bytes of each state, not serialised again
    expected = b'{"id":%d,"type":"result","success":true,"result":[%b,%b]}' % (
        msg_id,
        smoke.json,
        charger.json,
    )
    assert raw.encode() == expected
    assert orjson.loads(raw) == {
        "id": msg_id,
        "type": "result",
        "success": True,
        "result": [orjson.loads(smoke.json), orjson.loads(charger.json)],
    }


async def test_subscribe_events_receives_a_fired_event(
    hub: Hub, hub_ws_client: WebSocketClient
) -> None:
    msg_id = await hub_ws_client.send_json_auto_id(
        {"type": "subscribe_events", "event_type": "gate_opened"}
    )
    assert (await hub_ws_client.receive_json())["success"] is True
    hub.bus.fire("other_event", {"x": 1})
    hub.bus.fire("gate_opened", {"gate": "north"})
    message = await hub_ws_client.receive_json()
    assert message["id"] == msg_id
    assert message["type"] == "event"
    assert message["event"]["event_type"] == "gate_opened"
    assert message["event"]["data"] == {"gate": "north"}
    assert message["event"]["context"]["id"]


async def test_state_changed_events_carry_the_states(
    hub: Hub, hub_ws_client: WebSocketClient
) -> None:
    await hub_ws_client.send_json_auto_id({"type": "subscribe_events"})
    assert (await hub_ws_client.receive_json())["success"] is True
    state = hub.states.set("light.hall", "on", {"brightness": 200})
    event = (await hub_ws_client.receive_json())["event"]
    assert event["event_type"] == "state_changed"
    assert event["data"]["old_state"] is None
    assert event["data"]["new_state"] == orjson.loads(state.json)


async def test_unsubscribe_stops_delivery(hub: Hub, hub_ws_client: WebSocketClient) -> None:
    sub_id = await hub_ws_client.send_json_auto_id(
        {"type": "subscribe_events", "event_type": "gate_opened"}
    )
    await hub_ws_client.receive_json()
    msg_id = await hub_ws_client.send_json_auto_id(
        {"type": "unsubscribe_events", "subscription": sub_id}
    )
    assert await hub_ws_client.receive_json() == {
        "id": msg_id,
        "type": "result",
        "success": True,
        "result": None,
    }
    hub.bus.fire("gate_opened", {"gate": "north"})
    ping_id = await hub_ws_client.send_json_auto_id({"type": "ping"})
    assert await hub_ws_client.receive_json() == {"id": ping_id, "type": "pong"}

    msg_id = await hub_ws_client.send_json_auto_id(
        {"type": "unsubscribe_events", "subscription": sub_id}
    )
    assert (await hub_ws_client.receive_json())["error"]["code"] == "not_found"


async def test_subscribe_entities(hub: Hub, hub_ws_client: WebSocketClient) -> None:
    light = hub.states.set("light.hall", "off", {"brightness": 0, "effect": "none"})
    hub.states.set("sensor.other", "1")
    msg_id = await hub_ws_client.send_json_auto_id(
        {"type": "subscribe_entities", "entity_ids": ["light.hall", "light.porch"]}
    )
    assert (await hub_ws_client.receive_json())["success"] is True
    initial = await hub_ws_client.receive_json()
    assert initial == {
        "id": msg_id,
        "type": "event",
        "event": {
            "a": {
                "light.hall": {
                    "s": "off",
                    "a": {"brightness": 0, "effect": "none"},
                    "c": light.context.id,
                    "lc": light.last_changed_timestamp,
                }
            }
        },
    }

    hub.states.set("sensor.other", "2")  # not subscribed to
    new = hub.states.set("light.hall", "on", {"brightness": 255})
    diff = (await hub_ws_client.receive_json())["event"]
    assert diff == {
        "c": {
            "light.hall": {
                "+": {
                    "s": "on",
                    "lc": new.last_changed_timestamp,
                    "lu": new.last_updated_timestamp,
                    "c": new.context.id,
                    "a": {"brightness": 255},
                },
                "-": {"a": ["effect"]},
            }
        }
    }

    porch = hub.states.set("light.porch", "on")
    added = (await hub_ws_client.receive_json())["event"]
    assert added["a"]["light.porch"]["s"] == "on"
    assert added["a"]["light.porch"]["c"] == porch.context.id

    hub.states.remove("light.hall")
    assert (await hub_ws_client.receive_json())["event"] == {"r": ["light.hall"]}


async def test_subscribe_entities_rejects_bad_entity_ids(hub_ws_client: WebSocketClient) -> None:
    await hub_ws_client.send_json_auto_id({"type": "subscribe_entities", "entity_ids": [1]})
    assert (await hub_ws_client.receive_json())["error"]["code"] == "invalid_format"


@pytest.fixture
def gate(hub: Hub) -> list[ServiceCall]:
    calls: list[ServiceCall] = []

    async def open_gate(call: ServiceCall) -> dict[str, Any]:
        calls.append(call)
        return {"opened": call.data["gate"]}

    hub.services.register(
        "gate",
        "open",
        open_gate,
        vol.Schema({vol.Required("gate"): vol.In(["north", "south"])}),
        supports_response="optional",
    )
    return calls


async def test_call_service(hub_ws_client: WebSocketClient, gate: list[ServiceCall]) -> None:
    msg_id = await hub_ws_client.send_json_auto_id(
        {
            "type": "call_service",
            "domain": "gate",
            "service": "open",
            "service_data": {"gate": "north"},
            "return_response": True,
        }
    )
    answer = await hub_ws_client.receive_json()
    assert answer["id"] == msg_id
    assert answer["success"] is True
    assert answer["result"]["response"] == {"opened": "north"}
    assert answer["result"]["context"]["id"] == gate[0].context.id
    assert gate[0].context.user_id is not None


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ({"domain": "gate", "service": "close"}, "not_found"),
        ({"domain": "gate", "service": "open", "service_data": {"gate": "moon"}},
         "service_validation_error"),
        ({"domain": "gate"}, "invalid_format"),
        ({"domain": "gate", "service": "open", "service_data": []}, "invalid_format"),
    ],
)  # fmt: skip
async def test_call_service_errors(
    hub_ws_client: WebSocketClient, gate: list[ServiceCall], message: dict[str, Any], code: str
) -> None:
    msg_id = await hub_ws_client.send_json_auto_id({"type": "call_service", **message})
    answer = await hub_ws_client.receive_json()
    assert answer["id"] == msg_id
    assert answer["success"] is False
    assert answer["error"]["code"] == code
    assert answer["error"]["message"]
    assert gate == []


async def test_bad_messages_keep_the_connection_up(hub_ws_client: WebSocketClient) -> None:
    msg_id = await hub_ws_client.send_json_auto_id({"type": "make_coffee"})
    answer = await hub_ws_client.receive_json()
    assert answer["id"] == msg_id
    assert answer["success"] is False
    assert answer["error"]["code"] == "unknown_command"

    await hub_ws_client.send_json({"type": "ping"})
    answer = await hub_ws_client.receive_json()
    assert answer["id"] is None
    assert answer["error"]["code"] == "invalid_format"

    await hub_ws_client.ws.send_str("{not json")
    answer = await hub_ws_client.receive_json()
    assert answer["id"] is None
    assert answer["error"]["code"] == "invalid_format"

    await hub_ws_client.send_json({"id": 1, "type": "ping"})  # not above the last id
    assert (await hub_ws_client.receive_json())["error"]["code"] == "id_reuse"

    msg_id = await hub_ws_client.send_json_auto_id({"type": "ping"})
    assert await hub_ws_client.receive_json() == {"id": msg_id, "type": "pong"}


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        ("[1, 2]", "A message must be a JSON object"),
        ('"ping"', "A message must be a JSON object"),
        ('{"id": "9", "type": "ping"}', "A message needs an integer 'id'"),
        ('{"id": true, "type": "ping"}', "A message needs an integer 'id'"),
        ('{"id": 9.5, "type": "ping"}', "A message needs an integer 'id'"),
        (b'{"id": 9, "type": "ping"}', "Send JSON as text"),
    ],
)
async def test_a_message_that_is_not_a_command_gets_an_error(
    hub_ws_client: WebSocketClient, frame: str | bytes, message: str
) -> None:
    if isinstance(frame, bytes):
        await hub_ws_client.ws.send_bytes(frame)
    else:
        await hub_ws_client.ws.send_str(frame)
    assert await hub_ws_client.receive_json() == {
        "id": None,
        "type": "result",
        "success": False,
        "error": {"code": "invalid_format", "message": message},
    }
    msg_id = await hub_ws_client.send_json_auto_id({"type": "ping"})
    assert await hub_ws_client.receive_json() == {"id": msg_id, "type": "pong"}


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ({"type": "unsubscribe_events"}, "Field 'subscription' is required"),
        ({"type": "unsubscribe_events", "subscription": "1"},
         "Field 'subscription' must be an integer, got a string"),
        ({"type": "unsubscribe_events", "subscription": True},
         "Field 'subscription' must be an integer, got a boolean"),
        ({"type": "subscribe_events", "event_type": 3},
         "Field 'event_type' must be a string, got a number"),
        ({"type": "subscribe_entities", "entity_ids": "light.hall"},
         "Field 'entity_ids' must be an array, got a string"),
        ({"type": "call_service", "domain": "gate", "service": "open", "service_data": []},
         "Field 'service_data' must be an object, got an array"),
        ({"type": "call_service", "domain": "gate", "service": "open", "return_response": 1},
         "Field 'return_response' must be a boolean, got a number"),
    ],
)  # fmt: skip
async def test_bad_fields_are_named_as_the_rest_api_names_them(
    hub_ws_client: WebSocketClient, command: dict[str, Any], message: str
) -> None:
    msg_id = await hub_ws_client.send_json_auto_id(command)
    assert await hub_ws_client.receive_json() == {
        "id": msg_id,
        "type": "result",
        "success": False,
        "error": {"code": "invalid_format", "message": message},
    }


async def test_the_server_answers_pings(hub: Hub, hub_client_no_auth: TestClient) -> None:
    ws = await hub_client_no_auth.ws_connect("/api/websocket", autoping=False)
    assert await ws.receive_json(timeout=5) == {"type": "auth_required"}
    await ws.ping(b"before auth")
    message = await ws.receive(timeout=5)
    assert (message.type, message.data) == (WSMsgType.PONG, b"before auth")
    await ws.send_json({"type": "auth", "access_token": _admin_token(hub)})
    assert await ws.receive_json(timeout=5) == {"type": "auth_ok"}
    await ws.ping(b"after auth")
    message = await ws.receive(timeout=5)
    assert (message.type, message.data) == (WSMsgType.PONG, b"after auth")
    await ws.close()


async def test_a_client_that_answers_pings_stays_connected(
    hub: Hub, hub_client_no_auth: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(websocket, "HEARTBEAT", 0.2)
    ws, answer = await _handshake(hub_client_no_auth, _admin_token(hub), autoping=False)
    assert answer == {"type": "auth_ok"}
    loop = asyncio.get_running_loop()
    pings, end = 0, loop.time() + 0.7
    while (left := end - loop.time()) > 0:
        try:
            message = await ws.receive(timeout=left)
        except TimeoutError:
            break
        assert message.type is WSMsgType.PING
        pings += 1
        await ws.pong(message.data)
    assert pings >= 2
    await ws.send_json({"id": 1, "type": "ping"})
    assert await ws.receive_json(timeout=5) == {"id": 1, "type": "pong"}
    await ws.close()


async def test_a_client_that_stops_answering_pings_is_closed(
    hub: Hub,
    hub_client_no_auth: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=websocket.__name__)
    monkeypatch.setattr(websocket, "HEARTBEAT", 0.2)
    before = hub.bus.listener_counts()
    ws, answer = await _handshake(hub_client_no_auth, _admin_token(hub), autoping=False)
    assert answer == {"type": "auth_ok"}
    await ws.send_json({"id": 1, "type": "subscribe_entities"})
    assert (await ws.receive_json(timeout=5))["success"] is True
    await ws.receive_json(timeout=5)  # the entities there are
    assert hub.bus.listener_counts() != before

    assert (await ws.receive(timeout=5)).type is WSMsgType.PING  # and no pong goes back
    message = await ws.receive(timeout=5)
    assert (message.type, message.data) == (WSMsgType.CLOSE, WSCloseCode.GOING_AWAY)
    assert "did not answer a ping" in caplog.text
    for _ in range(100):
        if hub.bus.listener_counts() == before:
            break
        await asyncio.sleep(0.01)
    assert hub.bus.listener_counts() == before


async def test_closing_the_client_removes_its_listeners(
    hub: Hub, hub_client_no_auth: TestClient
) -> None:
    before = hub.bus.listener_counts()
    ws, answer = await _handshake(hub_client_no_auth, _admin_token(hub))
    assert answer == {"type": "auth_ok"}
    await ws.send_json({"id": 1, "type": "subscribe_events", "event_type": "gate_opened"})
    await ws.send_json({"id": 2, "type": "subscribe_entities"})
    await ws.receive_json(timeout=5)
    await ws.receive_json(timeout=5)
    assert hub.bus.listener_counts() != before
    await ws.close()
    for _ in range(100):
        if hub.bus.listener_counts() == before:
            break
        await asyncio.sleep(0.01)
    assert hub.bus.listener_counts() == before


async def test_stopping_the_server_closes_connections(
    hub_client_no_auth: TestClient, hub: Hub
) -> None:
    ws, _ = await _handshake(hub_client_no_auth, _admin_token(hub))
    await hub_client_no_auth.close()
    assert ws.closed


async def test_the_hub_stopping_closes_connections(hub_factory: HubFactory) -> None:
    hub = await hub_factory(http_host="127.0.0.1", http_port=0)
    await hub.http.start()
    token = _admin_token(hub)
    before = hub.bus.listener_counts()
    async with aiohttp.ClientSession() as session:
        ws = await session.ws_connect(f"http://127.0.0.1:{hub.http.port}/api/websocket")
        assert (await ws.receive_json(timeout=5))["type"] == "auth_required"
        await ws.send_json({"type": "auth", "access_token": token})
        assert (await ws.receive_json(timeout=5))["type"] == "auth_ok"
        await ws.send_json({"id": 1, "type": "subscribe_entities"})
        assert (await ws.receive_json(timeout=5))["success"] is True

        async def read_until_closed() -> WSMsgType:
            message = await ws.receive(timeout=5)
            while message.type is WSMsgType.TEXT:
                message = await ws.receive(timeout=5)
            return message.type

        reader = asyncio.create_task(read_until_closed())  # a client reads all the time
        await hub.stop()
        assert await reader in (WSMsgType.CLOSE, WSMsgType.CLOSED)
        assert ws.close_code == WSCloseCode.GOING_AWAY
        await ws.close()
    # the hub's own listeners stop with it; the connection's subscription is gone too
    assert hub.bus.listener_counts().get("state_changed") == before.get("state_changed")


async def test_a_client_too_far_behind_is_dropped(
    hub: Hub, hub_ws_client: WebSocketClient, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    monkeypatch.setattr(websocket, "MAX_PENDING", 5)
    before = hub.bus.listener_counts()
    await hub_ws_client.send_json_auto_id({"type": "subscribe_events", "event_type": "tick"})
    assert (await hub_ws_client.receive_json())["success"] is True
    for number in range(10):  # all at once: the writer has no chance to send in between
        hub.bus.fire("tick", {"n": number})
    assert hub.bus.listener_counts() == before
    message = await hub_ws_client.ws.receive(timeout=5)
    assert message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED)
    assert "fell 5 messages behind" in caplog.text
