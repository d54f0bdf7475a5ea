"""What the web app asks besides the rest of the API: its own files, the integrations with
their votes and failures, their texts, and the operator's key figures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from linli.hub import Hub
from linli.plugins import FrontendPanel, create_plugin_manager, hookimpl
from linli.testing.governance import vote_in
from linli.testing.plugin import HubFactory

FIGURES = """
async def async_setup(hub, config):
    hub.figures.contribute("tally_counter", lambda: {"gates": 2, "open": 1})
    hub.figures.contribute("tally_counter", lambda: {"gates": 3, "open": 0.5})
    hub.figures.contribute("tally_counter", lambda: 1 / 0)
    return True
"""


def token_of(hub: Hub, username: str, role: str) -> dict[str, str]:
    user = hub.users.create(username, role)
    return {"Authorization": f"Bearer {hub.http.tokens.create('test', user.id, 'long_lived')[1]}"}


async def test_the_web_app_is_served_without_a_token_but_nothing_else_of_its_folder(
    hub_client_no_auth: TestClient,
) -> None:
    page = await hub_client_no_auth.get("/")
    assert page.status == 200
    assert '<script type="module" src="/frontend/app.js">' in await page.text()
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy  # no inline or foreign scripts
    assert "frame-ancestors 'none'" in policy
    module = await hub_client_no_auth.get("/frontend/lib/api.js")
    assert module.status == 200
    assert module.content_type == "text/javascript"
    assert module.headers["Cache-Control"] == "no-cache"
    texts = await hub_client_no_auth.get("/frontend/translations/zh-Hans/app.json")
    assert (await texts.json())["login"]["submit"] == "登录"
    for path in ("/frontend/__init__.py", "/frontend/missing.js", "/frontend/%2e%2e/hub.py"):
        answer = await hub_client_no_auth.get(path)
        assert answer.status == 404, path
        assert (await answer.json())["code"] == "not_found"


@pytest.mark.votes_required
async def test_integrations_show_the_vote_that_lets_them_run_and_their_names(
    hub: Hub, hub_client: TestClient
) -> None:
    async def courier_locker(**params: str) -> dict[str, Any]:
        answer = await hub_client.get("/api/integrations", params=params)
        assert answer.status == 200
        return next(item for item in await answer.json() if item["domain"] == "courier_locker")

    before = await courier_locker()
    assert before["name"] == "快递柜"
    assert before["allowed"] is False
    assert "has not been voted in" in before["refusal"]
    assert before["decided_by"] is None

    proposal = await vote_in(hub, "courier_locker")
    after = await courier_locker(language="en")
    assert after["name"] == "Courier lockers"
    assert after["allowed"] is True
    assert after["refusal"] is None
    assert after["decided_by"]["id"] == proposal.id
    assert after["decided_by"]["title"] == "Enable courier_locker"
    assert after["funding_model"] == "market"


async def test_a_failed_integration_shows_its_cause(
    hub: Hub, hub_client: TestClient, integration: Callable[..., str]
) -> None:
    integration("broken_gate", "async def async_setup(hub, config):\n    raise OSError('no port')")
    await hub.integrations.setup(["broken_gate"])
    answer = await hub_client.get("/api/integrations")
    broken = next(item for item in await answer.json() if item["domain"] == "broken_gate")
    assert broken["state"] == "failed"
    assert "no port" in broken["failure"]


async def test_the_integrations_texts_come_in_either_language(hub_client: TestClient) -> None:
    chinese = await (await hub_client.get("/api/translations/zh-Hans")).json()
    english = await (await hub_client.get("/api/translations/en")).json()
    assert chinese["ev_charger"]["figures"]["charging"] == "充电中"
    assert english["ev_charger"]["figures"]["charging"] == "Charging"
    unknown = await hub_client.get("/api/translations/fr")
    assert unknown.status == 404
    assert "zh-Hans, en" in (await unknown.json())["message"]


async def test_the_dashboard_counts_the_community_and_adds_up_the_integrations_figures(
    hub: Hub,
    hub_client: TestClient,
    integration: Callable[..., str],
    device_factory: Callable[..., Any],
    entity_factory: Callable[..., Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    community = hub.community
    unit = community.units.create("1-1-101", "89.35")
    household = community.households.create("王家", unit.id)
    community.members.create(household.id, "王阿姨", "owner")
    community.members.create(household.id, "小王", "family")
    online, offline = device_factory(name="烟感"), device_factory(name="手环")
    entity_factory("binary_sensor", state="off", device_id=online.id)
    entity_factory("sensor", state="unavailable", device_id=offline.id)
    hub.alarms.raise_alarm(
        "smoke", "critical", source_entity_id=None, household_id=household.id, message="厨房烟雾"
    )
    hub.alarms.raise_alarm(
        "battery", "warning", source_entity_id=None, household_id=household.id, message="电量低"
    )
    integration("tally_counter", FIGURES)
    await hub.integrations.setup(["tally_counter"])

    answer = await hub_client.get("/api/dashboard")
    assert answer.status == 200
    figures = await answer.json()
    assert figures["community"] == {"units": 1, "households": 1, "members": 2}
    assert figures["devices"] == {"total": 2, "online": 1}
    assert figures["alarms"]["active"] == 2
    assert figures["alarms"]["by_severity"] == {
        "critical": 1,
        "major": 0,
        "minor": 0,
        "warning": 1,
    }
    assert figures["integrations"]["loaded"] >= 1
    assert figures["services"] == {"tally_counter": {"gates": 5, "open": 1.5}}
    assert "The figures of tally_counter cannot be counted" in caplog.text
    assert figures["usage"]["total_fen"] == 0


async def test_residents_may_not_see_the_dashboard(hub: Hub, hub_client: TestClient) -> None:
    answer = await hub_client.get("/api/dashboard", headers=token_of(hub, "neighbour", "resident"))
    assert answer.status == 403
    staff = await hub_client.get("/api/dashboard", headers=token_of(hub, "zhou", "operator"))
    assert staff.status == 200


class PanelPlugin:
    """A vendor's plugin that adds pages to the web app."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @hookimpl
    def linli_frontend_panels(self) -> list[FrontendPanel]:
        return [
            FrontendPanel("lockers", "快递柜管理", "mdi:locker", self.folder, "panel.js"),
            FrontendPanel(
                "fees", "收费", "mdi:cash", self.folder, "panel.js", roles=("operator", "admin")
            ),
            FrontendPanel("Bad Name", "?", "mdi:alert", self.folder, "panel.js"),
            FrontendPanel("gone", "?", "mdi:alert", self.folder / "missing", "panel.js"),
            FrontendPanel("escape", "?", "mdi:alert", self.folder, "../secret.js"),
        ]


async def test_plugins_add_panels_to_the_web_app_for_the_roles_they_name(
    hub_factory: HubFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "panel"
    folder.mkdir()
    (folder / "panel.js").write_text(
        "customElements.define('lockers-panel', class extends HTMLElement {});"
    )
    (tmp_path / "secret.js").write_text("// not the panel's")
    plugins = create_plugin_manager(entry_points=False)
    plugins.register(PanelPlugin(folder), name="vendor")
    hub = await hub_factory(plugins=plugins)
    client = TestClient(TestServer(hub.http.app, port=0))
    await client.start_server()
    try:
        resident = await client.get("/api/panels", headers=token_of(hub, "wang", "resident"))
        assert [panel["name"] for panel in await resident.json()] == ["lockers"]
        operator = await client.get("/api/panels", headers=token_of(hub, "zhou", "operator"))
        lockers, fees = await operator.json()
        assert lockers == {
            "name": "lockers",
            "title": "快递柜管理",
            "icon": "mdi:locker",
            "module_url": "/frontend/panels/lockers/panel.js",
        }
        assert fees["name"] == "fees"
        for problem in ("'Bad Name' is left out", "'gone' is left out", "'escape' is left out"):
            assert problem in caplog.text

        module = await client.get(lockers["module_url"])
        assert module.status == 200
        assert module.content_type == "text/javascript"
        assert "lockers-panel" in await module.text()
        for path in ("/frontend/panels/lockers/%2e%2e/secret.js", "/frontend/panels/gone/panel.js"):
            assert (await client.get(path)).status == 404, path
    finally:
        await client.close()
