"""A parcel left past its free storage costs its household a fee per started day, on its
monthly statement; a community that funds the lockers publicly pays it for them."""

from __future__ import annotations

from datetime import timedelta

from locker_helpers import (
    FEE,
    WANG_ADDRESS,
    ZHANG_ADDRESS,
    Courier,
    Neighbours,
    add_bank,
    code_of,
    waiting_parcels,
)

from linli.community.matters import INTEGRATION_MATTER
from linli.config_entries import ConfigEntry
from linli.hub import Hub
from linli.integrations.courier_locker.const import DOMAIN
from linli.metering import Month
from linli.testing import fire_time_changed
from linli.testing.governance import Owner, hold_vote

DECEMBER = Month.parse("2026-12")


async def test_an_overdue_parcel_puts_its_fee_on_the_households_statement(
    hub: Hub, bank: ConfigEntry, neighbours: Neighbours, courier: Courier
) -> None:
    await courier.deposit("P-1", compartment=2)
    code = code_of(hub, neighbours.zhang.id, 2)

    fire_time_changed(hub, timedelta(hours=48, minutes=1))  # the free 48 h are over
    await hub.block_till_done()
    (parcel,) = hub.states.get(waiting_parcels(hub, neighbours.zhang.id)).attributes["parcels"]
    assert parcel["overdue"] is True
    title, message = (await neighbours.told("zhang"))[-1]
    assert title == "快递已超时"
    assert "超时费每天 ¥1.50" in message

    fire_time_changed(hub, timedelta(hours=24))  # 25 h overdue: two started days
    assert await (await courier.pickup(2, code)).json() == {"open": True}

    statement = await hub.metering.statement(neighbours.zhang.id, DECEMBER)
    (line,) = statement.lines
    assert (line.domain, line.item, line.unit, line.quantity_milli) == (
        DOMAIN,
        "overdue_fee",
        "day",
        2000,
    )
    assert (line.unit_price_fen, line.amount_fen, statement.total_fen) == (FEE, 300, 300)
    assert line.description.startswith("Lockers A 顺丰快递")
    assert "SFP-1" in line.description
    assert line.description.endswith("超时 2 天")
    assert line.reference == "lockers/P-1"
    title, message = (await neighbours.told("zhang"))[-1]
    assert message.endswith("超时费 ¥3.00 计入 2026-12 账单。")
    assert (await hub.metering.statement(neighbours.wang.id, DECEMBER)).lines == ()


async def test_a_parcel_picked_up_in_time_costs_nothing(
    hub: Hub, bank: ConfigEntry, neighbours: Neighbours, courier: Courier
) -> None:
    await courier.deposit("P-1", compartment=1)
    fire_time_changed(hub, timedelta(hours=47, minutes=59))

    assert await (await courier.pickup(1, code_of(hub, neighbours.zhang.id, 1))).json() == {
        "open": True
    }
    assert (await hub.metering.statement(neighbours.zhang.id, DECEMBER)).lines == ()


async def test_public_funding_meters_the_fee_at_no_charge(
    hub: Hub, neighbours: Neighbours, courier: Courier
) -> None:
    owners = [
        Owner(neighbours.users[who], hub.community.units.get_by_address(address))
        for who, address in (("zhang", ZHANG_ADDRESS), ("wang", WANG_ADDRESS))
    ]
    proposal = await hold_vote(
        hub,
        owners,
        title="快递柜由公共收益支付",
        matter=INTEGRATION_MATTER,
        domain=DOMAIN,
        action="enable",
        funding_model="public",
    )
    assert proposal.status == "passed"
    await add_bank(hub)
    await courier.deposit("P-1", compartment=1)
    deposited = (await neighbours.told("zhang"))[-1][1]
    assert "超时费" not in deposited  # nothing to pay: no fee terms

    fire_time_changed(hub, timedelta(days=3))
    await courier.pickup(1, code_of(hub, neighbours.zhang.id, 1))

    statement = await hub.metering.statement(neighbours.zhang.id, DECEMBER)
    (line,) = statement.lines
    assert (line.funding, line.quantity_milli, line.amount_fen, statement.total_fen) == (
        "public",
        2000,
        0,
        0,
    )
