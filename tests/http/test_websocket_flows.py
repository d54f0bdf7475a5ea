"""Config and options flows over /api/websocket: the REST flows' results, as commands."""

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from linli.http.tokens import TokenKind
from linli.hub import Hub
from linli.testing.plugin import WebSocketClient

PARKING = """
async def async_setup_entry(hub, entry):
    return True
"""

PARKING_FLOW = """
import voluptuous as vol

from linli.config_entries import ConfigFlow, OptionsFlow


class ParkingFlow(ConfigFlow):
    async def async_step_user(self, user_input=None):
        if user_input is None:
            return self.show_form(
                "user", vol.Schema({vol.Required("garage"): str, vol.Required("api_key"): str})
            )
        return self.create_entry(f"停车场 {user_input['garage']}", user_input)

    @staticmethod
    def options_flow(entry):
        return ParkingOptions(entry)


class ParkingOptions(OptionsFlow):
    async def async_step_options(self, user_input=None):
        if user_input is None:
            return self.show_form("options", vol.Schema({vol.Required("spaces"): int}))
        return self.create_entry("", user_input)
"""

FLOW = "config_entries/flow"
OPTIONS = "config_entries/options/flow"

Command = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def parking(
    integration: Callable[..., str], write_files: Callable[..., None], packages_dir: Path
) -> str:
    integration("parking", PARKING, config_flow=True)
    write_files(packages_dir, {"parking/config_flow.py": PARKING_FLOW})
    return "parking"


@pytest.fixture
def command(hub_ws_client: WebSocketClient) -> Command:
    """``await command("config_entries/flow/start", handler=...)``: the result message."""
    return _commander(hub_ws_client)


def _commander(client: WebSocketClient) -> Command:
    async def send(command_type: str, **fields: Any) -> dict[str, Any]:
        msg_id = await client.send_json_auto_id({"type": command_type, **fields})
        answer = await client.receive_json()
        assert answer["id"] == msg_id
        assert answer["type"] == "result"
        return answer

    return send


@pytest.fixture
async def resident(hub: Hub, hub_client_no_auth: TestClient) -> AsyncIterator[Command]:
    """Commands from a second user's WebSocket connection."""
    resident = hub.users.create("wang.fang", "resident")
    _, token = hub.http.tokens.create("resident", resident.id, TokenKind.long_lived)
    ws = await hub_client_no_auth.ws_connect("/api/websocket")
    assert (await ws.receive_json(timeout=5))["type"] == "auth_required"
    await ws.send_json({"type": "auth", "access_token": token})
    assert (await ws.receive_json(timeout=5))["type"] == "auth_ok"
    yield _commander(WebSocketClient(ws))
    await ws.close()


def error_of(answer: dict[str, Any]) -> dict[str, str]:
    assert answer["success"] is False, answer
    return answer["error"]


async def test_a_flow_makes_an_entry(hub: Hub, command: Command, parking: str) -> None:
    form = (await command(f"{FLOW}/start", handler=parking))["result"]
    assert form["type"] == "form"
    assert form["step_id"] == "user"
    assert [field["name"] for field in form["data_schema"]] == ["garage", "api_key"]

    again = await command(f"{FLOW}/configure", flow_id=form["flow_id"], user_input={"garage": 1})
    assert again["success"] is True
    assert set(again["result"]["errors"]) == {"garage", "api_key"}

    shown = await command(f"{FLOW}/configure", flow_id=form["flow_id"])  # no input: the form
    assert shown["result"]["step_id"] == "user"
    assert not shown["result"]["errors"]

    done = await command(
        f"{FLOW}/configure",
        flow_id=form["flow_id"],
        user_input={"garage": "北区", "api_key": "secret-key"},
    )
    result = done["result"]
    assert result["type"] == "create_entry"
    assert result["title"] == "停车场 北区"
    assert "data" not in result  # the api key stays in the hub
    (entry,) = hub.config_entries.entries(parking)
    assert result["result"]["entry_id"] == entry.id
    assert result["result"]["state"] == "loaded"
    assert entry.data == {"garage": "北区", "api_key": "secret-key"}
    assert (await command(f"{FLOW}/progress"))["result"] == []


async def test_the_same_results_as_the_rest_api(
    hub_client: TestClient, command: Command, parking: str
) -> None:
    rest = await (await hub_client.post("/api/config/flows", json={"handler": parking})).json()
    ws = (await command(f"{FLOW}/start", handler=parking))["result"]
    assert rest.pop("flow_id") != ws.pop("flow_id")
    assert ws == rest


async def test_progress_and_abort(command: Command, parking: str) -> None:
    form = (await command(f"{FLOW}/start", handler=parking))["result"]
    progress = await command(f"{FLOW}/progress")
    assert progress["result"] == [
        {"flow_id": form["flow_id"], "handler": parking, "step_id": "user"}
    ]

    aborted = await command(f"{FLOW}/abort", flow_id=form["flow_id"])
    assert aborted["result"] == {"flow_id": form["flow_id"], "aborted": True}
    assert (await command(f"{FLOW}/progress"))["result"] == []
    for command_type in (f"{FLOW}/configure", f"{FLOW}/abort"):
        error = error_of(await command(command_type, flow_id=form["flow_id"]))
        assert error["code"] == "not_found"
        assert form["flow_id"] in error["message"]


async def test_another_users_flow_is_not_found(
    hub: Hub, command: Command, resident: Command, parking: str
) -> None:
    form = (await command(f"{FLOW}/start", handler=parking))["result"]
    assert (await resident(f"{FLOW}/progress"))["result"] == []
    answer = await resident(
        f"{FLOW}/configure", flow_id=form["flow_id"], user_input={"garage": "x", "api_key": "y"}
    )
    assert error_of(answer)["code"] == "not_found"
    assert error_of(await resident(f"{FLOW}/abort", flow_id=form["flow_id"]))["code"] == "not_found"
    assert hub.config_entries.entries() == []
    assert len((await command(f"{FLOW}/progress"))["result"]) == 1  # still the owner's


async def test_an_options_flow_changes_the_entry(hub: Hub, command: Command, parking: str) -> None:
    form = (await command(f"{FLOW}/start", handler=parking))["result"]
    done = await command(
        f"{FLOW}/configure", flow_id=form["flow_id"], user_input={"garage": "南区", "api_key": "k"}
    )
    entry_id = done["result"]["result"]["entry_id"]

    options = (await command(f"{OPTIONS}/start", handler=entry_id))["result"]
    assert options["step_id"] == "options"
    progress = (await command(f"{OPTIONS}/progress"))["result"]
    assert progress == [{"flow_id": options["flow_id"], "handler": entry_id, "step_id": "options"}]
    assert (await command(f"{FLOW}/progress"))["result"] == []  # the kinds are apart

    done = await command(
        f"{OPTIONS}/configure", flow_id=options["flow_id"], user_input={"spaces": 120}
    )
    assert done["result"]["type"] == "create_entry"
    assert done["result"]["result"]["entry_id"] == entry_id
    assert hub.config_entries.get(entry_id).options == {"spaces": 120}


async def test_an_options_flow_can_be_aborted(command: Command, parking: str) -> None:
    form = (await command(f"{FLOW}/start", handler=parking))["result"]
    done = await command(
        f"{FLOW}/configure", flow_id=form["flow_id"], user_input={"garage": "南区", "api_key": "k"}
    )
    options = await command(f"{OPTIONS}/start", handler=done["result"]["result"]["entry_id"])
    flow_id = options["result"]["flow_id"]
    assert (await command(f"{FLOW}/abort", flow_id=flow_id))["success"] is False  # other kind
    assert (await command(f"{OPTIONS}/abort", flow_id=flow_id))["result"]["aborted"] is True
    assert (await command(f"{OPTIONS}/progress"))["result"] == []


@pytest.mark.parametrize(
    ("kind", "handler", "message"),
    [
        (FLOW, "nothing", "No flow handler 'nothing': the handler is the domain"),
        (OPTIONS, "nope", "No flow handler 'nope': the handler is the id"),
    ],
)
async def test_an_unknown_handler_is_not_found(
    command: Command, parking: str, kind: str, handler: str, message: str
) -> None:
    error = error_of(await command(f"{kind}/start", handler=handler))
    assert error["code"] == "not_found"
    assert error["message"].startswith(message)


async def test_an_integration_without_a_config_flow_is_not_found(
    command: Command, integration: Callable[..., str]
) -> None:
    integration("plain")
    error = error_of(await command(f"{FLOW}/start", handler="plain"))
    assert error["code"] == "not_found"
    assert "the integration has no config flow" in error["message"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Field 'handler' is required"),
        ({"handler": 3}, "Field 'handler' must be a string, got a number"),
    ],
)
@pytest.mark.parametrize("kind", [FLOW, OPTIONS])
async def test_a_bad_start_is_invalid_format(
    command: Command, kind: str, fields: dict[str, Any], message: str
) -> None:
    error = error_of(await command(f"{kind}/start", **fields))
    assert error == {"code": "invalid_format", "message": message}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Field 'flow_id' is required"),
        ({"flow_id": None}, "Field 'flow_id' must be a string, got null"),
        ({"flow_id": "f", "user_input": [1]}, "Field 'user_input' must be an object, got an array"),
    ],
)
async def test_a_bad_configure_is_invalid_format(
    command: Command, fields: dict[str, Any], message: str
) -> None:
    error = error_of(await command(f"{FLOW}/configure", **fields))
    assert error == {"code": "invalid_format", "message": message}


async def test_input_a_form_could_not_send_is_invalid_format(
    command: Command, parking: str
) -> None:
    form = (await command(f"{FLOW}/start", handler=parking))["result"]
    answer = await command(
        f"{FLOW}/configure",
        flow_id=form["flow_id"],
        user_input={"garage": "x", "api_key": "y", "colour": "red"},
    )
    error = error_of(answer)
    assert error["code"] == "invalid_format"
    assert "'colour'" in error["message"]
    assert (await command(f"{FLOW}/progress"))["result"][0]["flow_id"] == form["flow_id"]
