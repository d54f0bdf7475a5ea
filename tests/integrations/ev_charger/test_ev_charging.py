"""Charging sessions through a real WebSocket with the ``ocpp`` package's charge point:
billing by the meter, the idle fee, refused cards, restarts and the statement."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import aiohttp
from charger_helpers import CARD_A, CARD_B, SITE, ConnectCharger

from linli.community.households import HouseholdEntry
from linli.config_entries import ConfigEntryState
from linli.hub import Hub
from linli.integrations.ev_charger import ChargingSiteRuntime
from linli.integrations.ev_charger.const import DOMAIN
from linli.integrations.ev_charger.simulator import SimulatedChargePoint
from linli.metering import Month
from linli.testing.plugin import HubFactory
from linli.testing.time_travel import fire_time_changed

SESSION_ENERGY = "sensor.charger_cp_1_connector_1_session_energy"


def this_month(hub: Hub) -> Month:
    return Month.of(hub.clock.time(), hub.metering.zone)


async def lines_of(hub: Hub, household: HouseholdEntry) -> dict[str, int]:
    statement = await hub.metering.statement(household.id, this_month(hub))
    return {line.item: line.amount_fen for line in statement.lines}


async def test_a_session_is_billed_by_the_meter(
    hub: Hub, households: list[HouseholdEntry], connect_charger: ConnectCharger
) -> None:
    charger = await connect_charger("CP-1")
    assert await charger.authorize(CARD_A) == "Accepted"
    assert await charger.start_session(1, CARD_A) is not None
    await hub.block_till_done()
    assert charger.power_w(1) == 7000  # alone under 11 kW: the connector's maximum

    for _ in range(6):  # an hour at 7 kW
        await charger.charge(1, 600)
    await hub.block_till_done()
    assert hub.states.get(SESSION_ENERGY).state == "7.0"
    figures = hub.figures.services()[DOMAIN]  # the operator's dashboard
    assert (figures["charging"], figures["power_kw"], figures["limit_kw"]) == (1, 7.0, 11.0)

    await charger.stop_session(1)
    await hub.block_till_done()
    figures = hub.figures.services()[DOMAIN]
    assert (figures["occupied"], figures["charging"]) == (1, 0)  # stopped, still plugged in
    statement = await hub.metering.statement(households[0].id, this_month(hub))
    energy = next(line for line in statement.lines if line.item == "energy")
    assert (energy.quantity_milli, energy.unit, energy.unit_price_fen) == (7000, "kWh", 120)
    assert await lines_of(hub, households[0]) == {"energy": 840, "service_fee": 200}
    assert statement.total_fen == 1040
    assert await lines_of(hub, households[1]) == {}  # nobody else pays for it


async def test_staying_plugged_in_past_the_grace_period_costs_an_idle_fee(
    hub: Hub, households: list[HouseholdEntry], connect_charger: ConnectCharger
) -> None:
    charger = await connect_charger("CP-1")
    await charger.start_session(1, CARD_A)
    await hub.block_till_done()
    await charger.charge(1, 1800)  # 3.5 kWh
    await charger.finish_charging(1)  # the car is full at 21:00 …
    fire_time_changed(hub, timedelta(minutes=20))
    await charger.stop_session(1)  # … the driver ends the session from the car at 21:20 …
    fire_time_changed(hub, timedelta(minutes=30, seconds=30))
    await charger.unplug(1)  # … and unplugs at 21:50:30: 20.5 min past the 30 min grace
    await hub.block_till_done()

    assert await lines_of(hub, households[0]) == {
        "energy": 420,
        "service_fee": 200,
        "idle_fee": 21 * SITE["idle_fee_fen_per_minute"],  # started minutes
    }
    statement = await hub.metering.statement(households[0].id, this_month(hub))
    idle = next(line for line in statement.lines if line.item == "idle_fee")
    assert (idle.quantity_milli, idle.unit) == (21_000, "min")


async def test_unplugging_within_the_grace_period_costs_nothing_more(
    hub: Hub, households: list[HouseholdEntry], connect_charger: ConnectCharger
) -> None:
    charger = await connect_charger("CP-1")
    await charger.start_session(1, CARD_A)
    await hub.block_till_done()
    await charger.charge(1, 600)
    await charger.stop_session(1)
    fire_time_changed(hub, timedelta(minutes=29))
    await charger.unplug(1)
    await hub.block_till_done()
    assert set(await lines_of(hub, households[0])) == {"energy", "service_fee"}


async def test_unknown_cards_are_refused(
    hub: Hub, households: list[HouseholdEntry], connect_charger: ConnectCharger
) -> None:
    charger = await connect_charger("CP-1")
    assert await charger.authorize("DEADBEEF") == "Invalid"
    assert await charger.start_session(1, "DEADBEEF") is None
    await hub.block_till_done()
    assert charger.power_w(1) == 0
    assert hub.states.get(SESSION_ENERGY).state == "unknown"


async def test_the_operators_export_matches_the_statements(
    hub: Hub, households: list[HouseholdEntry], connect_charger: ConnectCharger
) -> None:
    charger = await connect_charger("CP-1", connectors=2)
    await charger.start_session(1, CARD_A)
    await charger.start_session(2, CARD_B)
    await hub.block_till_done()
    await charger.charge(1, 3600)
    await charger.charge(2, 1234)
    await charger.stop_session(1)
    await charger.stop_session(2)
    await hub.block_till_done()

    rows = list(csv.DictReader(io.StringIO(await hub.metering.export_csv(this_month(hub)))))
    for statement in await hub.metering.statements(this_month(hub)):
        mine = [row for row in rows if row["household_id"] == statement.household_id]
        assert len(mine) == len(statement.lines) == 2
        assert sum(int(row["amount_fen"]) for row in mine) == statement.total_fen
    assert {row["household"] for row in rows} == {"1-101", "1-102"}


async def test_a_session_survives_a_restart_of_the_hub_and_is_billed_once(
    hub_factory: HubFactory, tmp_path: Path
) -> None:
    config_dir = tmp_path / "community"
    hub = await hub_factory(config_dir)
    entry = await hub.config_entries.add(DOMAIN, SITE["name"], dict(SITE), unique_id="ocpp")
    household = hub.community.households.create("1-101")
    runtime: ChargingSiteRuntime = hub.data[DOMAIN][entry.id]
    runtime.site.id_tags.register_card(CARD_A, household.id)
    await runtime.site.register("CP-1")
    await hub.http.start()
    url = f"http://127.0.0.1:{hub.http.port}/connect/ocpp"

    async with aiohttp.ClientSession() as session:
        charger = await SimulatedChargePoint.connect(session, url, "CP-1")
        await charger.boot()
        transaction_id = await charger.start_session(1, CARD_A)
        await hub.block_till_done()
        await charger.charge(1, 3600)
        await hub.stop()  # the hub goes down mid-session; the charger's socket closes
        await charger.close()

        hub = await hub_factory(config_dir)
        (entry,) = hub.config_entries.entries(DOMAIN)
        assert entry.state is ConfigEntryState.loaded
        await hub.http.start()
        url = f"http://127.0.0.1:{hub.http.port}/connect/ocpp"
        charger2 = await SimulatedChargePoint.connect(session, url, "CP-1")
        charger2.connectors[1] = charger.connectors[1]  # the same meter, the same session
        await charger2.boot()
        await charger2.charge(1, 0)
        await charger2.stop_session(1)
        charger2.connectors[1].transaction_id = transaction_id
        await charger2.stop_session(1)  # a StopTransaction sent again: billed once
        await hub.block_till_done()
        await charger2.close()

    assert await lines_of(hub, household) == {"energy": 840, "service_fee": 200}
