"""The forms: a bank with its compartments and the courier system's endpoint, and its fees
and limits; the integration passes the checker and speaks Chinese."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient
from locker_helpers import BANK_DATA, SECRET, URL

import linli.integrations.courier_locker as integration
from linli.config_entries import ConfigEntry, ConfigEntryState
from linli.flows import FlowContext, FlowResult, FlowResultType
from linli.hub import Hub
from linli.integrations.courier_locker.const import DOMAIN
from linli.toolkit.check import check_package

OPERATOR = "operator-1"
ANSWERS = {"name": "Lockers A", "secret": SECRET, "small": 10, "medium": 6, "large": 2}


async def add(hub: Hub, **answers: Any) -> FlowResult:
    flows = hub.config_entries.flow
    form = await flows.init(DOMAIN, context=FlowContext(user_id=OPERATOR))
    return await flows.configure(form.flow_id, {**ANSWERS, **answers}, user_id=OPERATOR)


async def test_the_form_adds_a_bank_with_numbered_compartments(
    hub: Hub, hub_client_no_auth: TestClient
) -> None:
    form = await hub.config_entries.flow.init(DOMAIN, context=FlowContext(user_id=OPERATOR))
    assert [(f["name"], f.get("default")) for f in form.data_schema] == [
        ("name", None),
        ("endpoint", "lockers"),
        ("secret", None),
        ("small", 0),
        ("medium", 0),
        ("large", 0),
        ("overdue_hours", 48),
        ("overdue_fee_fen", 100),
        ("max_tries", 5),
        ("expire_days", 7),
    ]
    assert form.data_schema[2]["type"] == "password"

    done = await add(hub)
    assert done.type is FlowResultType.create_entry
    entry = done.result
    assert (entry.title, entry.unique_id, entry.state) == (
        "Lockers A",
        "lockers",
        ConfigEntryState.loaded,
    )
    sizes = [
        hub.states.get(f"sensor.lockers_a_compartment_{n}").attributes["size"]
        for n in (1, 10, 11, 16, 17, 18)
    ]
    assert sizes == ["small", "small", "medium", "medium", "large", "large"]
    assert hub.states.get("sensor.lockers_a_free_small_compartments").state == "10"
    assert (await hub_client_no_auth.post(URL, data=b"{}")).status == 401  # listening

    again = await add(hub)
    assert (again.type, again.reason) == (FlowResultType.abort, "already_configured")

    await hub.config_entries.unload(entry.id)
    assert (await hub_client_no_auth.post(URL, data=b"{}")).status == 404
    assert not hub.services.has(DOMAIN, "reissue_code")


async def test_the_form_says_what_is_wrong(hub: Hub) -> None:
    bad_endpoint = await add(hub, endpoint="Lockers/A")
    assert (bad_endpoint.type, bad_endpoint.errors) == (
        FlowResultType.form,
        {"endpoint": "invalid_endpoint"},
    )
    empty = await add(hub, small=0, medium=0, large=0)
    assert empty.errors == {"base": "no_compartments"}


async def test_an_endpoint_another_integration_has_fails_the_setup(hub: Hub) -> None:
    async def other(_request: object) -> None:
        raise AssertionError("not called")

    hub.http.endpoints.register("lockers", other)
    entry = await hub.config_entries.add(DOMAIN, "Lockers A", BANK_DATA, unique_id="lockers")

    assert entry.state is ConfigEntryState.setup_error
    assert entry.reason == "The endpoint /connect/lockers/ is taken"
    assert DOMAIN not in hub.data or not hub.data[DOMAIN]


async def test_the_options_change_the_fees_and_limits(hub: Hub, bank: ConfigEntry) -> None:
    options = hub.config_entries.options
    form = await options.init(bank.id, context=FlowContext(user_id=OPERATOR))
    assert [(f["name"], f["default"]) for f in form.data_schema] == [
        ("overdue_hours", 48),
        ("overdue_fee_fen", 150),
        ("max_tries", 5),
        ("expire_days", 7),
    ]
    answers = {"overdue_hours": 24, "overdue_fee_fen": 50, "max_tries": 3, "expire_days": 3}
    done = await options.configure(form.flow_id, answers, user_id=OPERATOR)

    assert done.type is FlowResultType.create_entry
    assert bank.state is ConfigEntryState.loaded  # reloaded with them
    settings = hub.data[DOMAIN][bank.id].settings
    assert (settings.overdue_hours, settings.overdue_fee_fen, settings.max_tries) == (24, 50, 3)


async def test_the_integration_passes_the_checker_and_speaks_chinese(hub: Hub) -> None:
    problems = check_package(Path(integration.__file__).parent)
    assert [str(p) for p in problems if p.field != "version"] == []  # built in: no version
    translations = hub.integrations.catalog.require(DOMAIN).translations()
    assert translations["name"] == "快递柜"
    assert translations["entity"]["sensor"]["waiting_parcels"]["name"] == "待取快递"
    folder = Path(integration.__file__).parent / "translations"
    notifications = [
        json.loads((folder / f"{language}.json").read_text(encoding="utf-8"))["notifications"]
        for language in ("zh-Hans", "en")
    ]
    assert keys(notifications[0]) == keys(notifications[1])  # every notice in both


def keys(texts: dict[str, Any], prefix: str = "") -> set[str]:
    found = set()
    for key, value in texts.items():
        found |= keys(value, f"{prefix}{key}.") if isinstance(value, dict) else {prefix + key}
    return found
