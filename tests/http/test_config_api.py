"""/api/config: config entries and the flows that make and change them."""

from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from linli.config_entries import ConfigEntryState
from linli.http.tokens import TokenKind
from linli.hub import Hub

CHARGER = """
async def async_setup_entry(hub, entry):
    hub.data.setdefault("setups", []).append(entry.title)
    return True

async def async_unload_entry(hub, entry):
    return True
"""

CHARGER_FLOW = """
import voluptuous as vol

from linli.config_entries import ConfigFlow, OptionsFlow


class ChargerFlow(ConfigFlow):
    async def async_step_user(self, user_input=None):
        if user_input is None:
            return self.show_form(
                "user", vol.Schema({vol.Required("site"): str, vol.Required("api_key"): str})
            )
        return self.create_entry(f"充电站 {user_input['site']}", user_input)

    @staticmethod
    def options_flow(entry):
        return ChargerOptions(entry)


class ChargerOptions(OptionsFlow):
    async def async_step_options(self, user_input=None):
        if user_input is None:
            return self.show_form("options", vol.Schema({vol.Required("max_kw"): int}))
        return self.create_entry("", user_input)
"""


@pytest.fixture
def charger(integration, write_files, packages_dir: Path) -> str:
    integration("charger", CHARGER, config_flow=True)
    write_files(packages_dir, {"charger/config_flow.py": CHARGER_FLOW})
    return "charger"


async def add_charger(client: TestClient, site: str = "东门") -> dict:
    form = await (await client.post("/api/config/flows", json={"handler": "charger"})).json()
    response = await client.post(
        f"/api/config/flows/{form['flow_id']}", json={"site": site, "api_key": "secret-key"}
    )
    assert response.status == 200
    return await response.json()


async def test_a_flow_makes_an_entry(hub: Hub, hub_client: TestClient, charger: str) -> None:
    response = await hub_client.post("/api/config/flows", json={"handler": charger})
    assert response.status == 200
    form = await response.json()
    assert form["type"] == "form"
    assert form["step_id"] == "user"
    assert [field["name"] for field in form["data_schema"]] == ["site", "api_key"]

    response = await hub_client.post(f"/api/config/flows/{form['flow_id']}", json={"site": 12})
    again = await response.json()
    assert again["type"] == "form"
    assert set(again["errors"]) == {"site", "api_key"}

    done = await add_charger(hub_client)
    assert done["type"] == "create_entry"
    assert done["title"] == "充电站 东门"
    assert "data" not in done  # the api key stays in the hub
    assert done["result"]["state"] == "loaded"
    (entry,) = hub.config_entries.entries(charger)
    assert done["result"]["entry_id"] == entry.id
    assert entry.data == {"site": "东门", "api_key": "secret-key"}


async def test_entries_are_listed_without_their_data(
    hub: Hub, hub_client: TestClient, charger: str
) -> None:
    await add_charger(hub_client, "东门")
    await add_charger(hub_client, "西门")
    response = await hub_client.get("/api/config/entries")
    assert response.status == 200
    entries = await response.json()
    assert [entry["title"] for entry in entries] == ["充电站 东门", "充电站 西门"]
    assert entries[0]["domain"] == "charger"
    assert entries[0]["state"] == "loaded"
    assert "data" not in entries[0]
    assert "secret-key" not in await response.text()
    assert await (await hub_client.get("/api/config/entries?domain=other")).json() == []


async def test_reload_and_remove_an_entry(hub: Hub, hub_client: TestClient, charger: str) -> None:
    entry_id = (await add_charger(hub_client))["result"]["entry_id"]

    response = await hub_client.post(f"/api/config/entries/{entry_id}/reload")
    assert response.status == 200
    body = await response.json()
    assert body["loaded"] is True
    assert body["entry"]["state"] == "loaded"
    assert hub.data["setups"] == ["充电站 东门", "充电站 东门"]

    response = await hub_client.delete(f"/api/config/entries/{entry_id}")
    assert response.status == 200
    assert await response.json() == {"entry_id": entry_id, "removed": True}
    assert hub.config_entries.entries() == []


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/api/config/entries/nope/reload"), ("delete", "/api/config/entries/nope")],
)
async def test_unknown_entry_is_404(hub_client: TestClient, expect_error, method, path) -> None:
    response = await getattr(hub_client, method)(path)
    error = await expect_error(response, 404, "not_found")
    assert error["message"] == "Config entry 'nope' does not exist"


async def test_an_options_flow_changes_the_entry(
    hub: Hub, hub_client: TestClient, charger: str
) -> None:
    entry_id = (await add_charger(hub_client))["result"]["entry_id"]
    response = await hub_client.post("/api/config/options/flows", json={"handler": entry_id})
    form = await response.json()
    assert form["step_id"] == "options"
    response = await hub_client.post(
        f"/api/config/options/flows/{form['flow_id']}", json={"max_kw": 22}
    )
    done = await response.json()
    assert done["type"] == "create_entry"
    assert done["result"]["entry_id"] == entry_id
    entry = hub.config_entries.get(entry_id)
    assert entry.options == {"max_kw": 22}
    assert entry.state is ConfigEntryState.loaded


async def test_aborting_a_flow(
    hub: Hub, hub_client: TestClient, charger: str, expect_error
) -> None:
    form = await (await hub_client.post("/api/config/flows", json={"handler": charger})).json()
    response = await hub_client.delete(f"/api/config/flows/{form['flow_id']}")
    assert response.status == 200
    assert await response.json() == {"flow_id": form["flow_id"], "aborted": True}
    assert hub.config_entries.flow.progress() == []
    response = await hub_client.post(f"/api/config/flows/{form['flow_id']}", json={})
    await expect_error(response, 404, "not_found")
    await expect_error(
        await hub_client.delete(f"/api/config/flows/{form['flow_id']}"), 404, "not_found"
    )


async def test_another_users_flow_is_not_found(
    hub: Hub, hub_client: TestClient, hub_client_no_auth: TestClient, charger: str, expect_error
) -> None:
    form = await (await hub_client.post("/api/config/flows", json={"handler": charger})).json()
    resident = hub.users.create("wang.fang", "resident")
    _, token = hub.http.tokens.create("resident", resident.id, TokenKind.long_lived)
    response = await hub_client_no_auth.post(
        f"/api/config/flows/{form['flow_id']}",
        json={"site": "x", "api_key": "y"},
        headers={"Authorization": f"Bearer {token}"},
    )
    await expect_error(response, 404, "not_found")
    assert hub.config_entries.entries() == []


@pytest.mark.parametrize(
    ("path", "handler", "message"),
    [
        ("/api/config/flows", "nothing", "No flow handler 'nothing': the handler is the domain"),
        ("/api/config/options/flows", "nope", "No flow handler 'nope': the handler is the id"),
    ],
)
async def test_an_unknown_flow_handler_is_404(
    hub_client: TestClient, charger: str, expect_error, path: str, handler: str, message: str
) -> None:
    response = await hub_client.post(path, json={"handler": handler})
    error = await expect_error(response, 404, "not_found")
    assert error["message"].startswith(message)


async def test_an_integration_without_a_config_flow_is_404(
    hub_client: TestClient, integration, expect_error
) -> None:
    integration("plain")
    response = await hub_client.post("/api/config/flows", json={"handler": "plain"})
    error = await expect_error(response, 404, "not_found")
    assert "the integration has no config flow" in error["message"]


@pytest.mark.parametrize(
    ("body", "field"), [({}, "handler"), ({"handler": 3}, "handler"), ([], None)]
)
async def test_a_bad_flow_start_is_400(
    hub_client: TestClient, expect_error, body, field: str | None
) -> None:
    response = await hub_client.post("/api/config/flows", json=body)
    await expect_error(response, 400, "invalid_format", field=field)


@pytest.mark.parametrize("body", [[1], {"site": "x", "api_key": "y", "colour": "red"}])
async def test_input_a_form_could_not_send_is_400(
    hub_client: TestClient, charger: str, expect_error, body
) -> None:
    form = await (await hub_client.post("/api/config/flows", json={"handler": charger})).json()
    response = await hub_client.post(f"/api/config/flows/{form['flow_id']}", json=body)
    await expect_error(response, 400, "invalid_format")


async def test_an_empty_submission_shows_the_form_again(
    hub_client: TestClient, charger: str
) -> None:
    form = await (await hub_client.post("/api/config/flows", json={"handler": charger})).json()
    again = await (await hub_client.post(f"/api/config/flows/{form['flow_id']}")).json()
    assert again["type"] == "form"
    assert again["step_id"] == "user"
