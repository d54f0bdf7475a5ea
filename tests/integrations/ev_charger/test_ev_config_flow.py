"""The forms of a charging site: the endpoint, supply and prices; the options change the
prices for new sessions; the integration passes the vendors' checker."""

from __future__ import annotations

from pathlib import Path

import linli.integrations.ev_charger as integration
from linli.config_entries import ConfigEntryState
from linli.flows import FlowContext, FlowResultType
from linli.hub import Hub
from linli.integrations.ev_charger.const import DOMAIN
from linli.toolkit.check import check_package

OPERATOR = "operator-1"


async def test_the_form_opens_an_endpoint_for_the_charge_points(hub: Hub) -> None:
    flows = hub.config_entries.flow
    form = await flows.init(DOMAIN, context=FlowContext(user_id=OPERATOR))
    fields = {field["name"]: field.get("default") for field in form.data_schema}
    assert fields["endpoint"] == "ocpp"
    assert fields["tariff_fen_per_kwh"] == 120
    done = await flows.configure(
        form.flow_id,
        {"name": "东区车库", "endpoint": "east", "supply_limit_kw": 30},
        user_id=OPERATOR,
    )
    assert done.type is FlowResultType.create_entry
    entry = done.result
    assert entry.state is ConfigEntryState.loaded
    assert "east" in hub.http.endpoints
    assert hub.data[DOMAIN][entry.id].site.settings.supply_limit_w == 30_000

    await hub.config_entries.unload(entry.id)
    assert "east" not in hub.http.endpoints


async def test_an_endpoint_another_integration_uses_is_an_error_on_its_field(hub: Hub) -> None:
    async def other(request):  # type: ignore[no-untyped-def]
        raise AssertionError

    hub.http.endpoints.register("lockers", other)
    flows = hub.config_entries.flow
    form = await flows.init(DOMAIN, context=FlowContext(user_id=OPERATOR))
    again = await flows.configure(
        form.flow_id, {"name": "车库", "endpoint": "lockers"}, user_id=OPERATOR
    )
    assert again.type is FlowResultType.form
    assert again.errors == {"endpoint": "endpoint_in_use"}
    bad = await flows.configure(
        form.flow_id, {"name": "车库", "endpoint": "Bad Name"}, user_id=OPERATOR
    )
    assert bad.errors == {"endpoint": "invalid_endpoint"}


async def test_new_prices_apply_from_the_next_session(hub: Hub) -> None:
    flows = hub.config_entries.flow
    form = await flows.init(DOMAIN, context=FlowContext(user_id=OPERATOR))
    entry = (await flows.configure(form.flow_id, {"name": "车库"}, user_id=OPERATOR)).result
    options = hub.config_entries.options
    form = await options.init(entry.id, context=FlowContext(user_id=OPERATOR))
    await options.configure(form.flow_id, {"tariff_fen_per_kwh": 95}, user_id=OPERATOR)
    await hub.block_till_done()
    assert hub.data[DOMAIN][entry.id].site.settings.prices.tariff_fen_per_kwh == 95


async def test_the_integration_passes_the_checker(hub: Hub) -> None:
    problems = check_package(Path(integration.__file__).parent)
    assert [str(p) for p in problems if p.field != "version"] == []
    translations = hub.integrations.catalog.require(DOMAIN).translations()
    assert translations["name"].startswith("电动汽车充电桩")
    assert translations["entity"]["sensor"]["session_energy"]["name"] == "本次充电电量"
