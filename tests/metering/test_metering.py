"""The hub's meter: what a household used of a paid service, what it costs in fen, and the
monthly statements and the operator's CSV made from those records."""

import asyncio
import csv
import io
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from linli.community.households import HouseholdEntry
from linli.community.matters import INTEGRATION_MATTER
from linli.events import Event
from linli.hub import Hub
from linli.metering import EVENT_USAGE_RECORDED, Month, UsageError
from linli.testing.governance import hold_vote
from linli.testing.plugin import HubFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(text: str) -> float:
    """A time in the community's zone (Asia/Shanghai), e.g. "2026-11-30T23:30"."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI).timestamp()


def charge(household: HouseholdEntry, reference: str, **fields: Any) -> dict[str, Any]:
    """The arguments of a charging session's energy: 12.345 kWh at 1.20 元 unless told."""
    return {
        "household_id": household.id,
        "domain": "charger",
        "item": "energy",
        "description": "充电 12.345 kWh",
        "quantity_milli": 12_345,
        "unit": "kWh",
        "unit_price_fen": 120,
        "reference": reference,
        "occurred_at": local("2026-11-23T20:00"),
        **fields,
    }


def recorded_events(hub: Hub) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []

    def keep(event: Event) -> None:
        events.append(dict(event.data))

    hub.bus.listen(EVENT_USAGE_RECORDED, keep)
    return events


@pytest.fixture
def zhang(hub: Hub) -> HouseholdEntry:
    return hub.community.households.create("张家")


async def test_an_amount_is_exact_and_rounded_half_up_once(hub: Hub, zhang: HouseholdEntry) -> None:
    events = recorded_events(hub)
    cases = [  # (quantity_milli, unit_price_fen, amount_fen)
        (12_345, 120, 1_481),  # 1,481.4
        (12_345, 100, 1_235),  # 1,234.5: half goes up
        (1, 499, 0),  # 0.499
        (1, 500, 1),  # 0.5
        (2_000, 150, 300),
        (0, 120, 0),
    ]
    for number, (quantity, price, _) in enumerate(cases):
        await hub.metering.record(
            **charge(
                zhang,
                f"session-{number}",
                quantity_milli=quantity,
                unit_price_fen=price,
                occurred_at=local(f"2026-11-23T20:0{number}"),
            )
        )

    statement = await hub.metering.statement(zhang.id, Month(2026, 11))

    assert [line.amount_fen for line in statement.lines] == [amount for *_, amount in cases]
    assert statement.total_fen == 1_481 + 1_235 + 0 + 1 + 300 + 0
    assert all(line.funding == "market" and line.billed for line in statement.lines)
    await hub.block_till_done()
    assert events[0] == {
        "household_id": zhang.id,
        "domain": "charger",
        "item": "energy",
        "amount_fen": 1_481,
        "reference": "session-0",
    }
    assert len(events) == len(cases)


async def test_a_use_is_billed_once_however_often_it_is_recorded(
    hub: Hub, zhang: HouseholdEntry
) -> None:
    events = recorded_events(hub)
    first = await hub.metering.record(**charge(zhang, "CP-1/42"))
    again = await hub.metering.record(**charge(zhang, "CP-1/42", quantity_milli=99_000))
    at_once = await asyncio.gather(
        *(hub.metering.record(**charge(zhang, "CP-1/43")) for _ in range(3))
    )
    idle = await hub.metering.record(
        **charge(zhang, "CP-1/42", item="idle_fee", quantity_milli=30_000, unit="min")
    )

    assert again == first  # the first record, as it was
    assert len({record.id for record in at_once}) == 1
    records = await hub.metering.records(Month(2026, 11))
    assert sorted(r.id for r in records) == sorted({first.id, at_once[0].id, idle.id})
    assert (await hub.metering.statement(zhang.id, Month(2026, 11))).total_fen == 2 * 1_481 + 3_600
    await hub.block_till_done()
    assert [event["reference"] for event in events] == ["CP-1/42", "CP-1/43", "CP-1/42"]


@pytest.mark.parametrize("funding", ["public", "social"])
async def test_a_service_funded_by_the_community_is_metered_at_no_charge(
    hub: Hub, zhang: HouseholdEntry, funding: str
) -> None:
    await hold_vote(
        hub,
        title="小区充电桩",
        matter=INTEGRATION_MATTER,
        domain="charger",
        action="enable",
        funding_model=funding,
    )
    free = await hub.metering.record(**charge(zhang, "CP-1/1"))
    parcel = await hub.metering.record(
        **charge(
            zhang,
            "P-1",
            domain="locker",
            item="overdue_fee",
            quantity_milli=2_000,
            unit="day",
            unit_price_fen=100,
            occurred_at=local("2026-11-24T09:00"),
        )
    )

    assert (free.funding, free.billed, free.amount_fen, free.quantity_milli) == (
        funding,
        False,
        0,
        12_345,
    )
    assert (parcel.funding, parcel.amount_fen) == ("market", 200)
    statement = await hub.metering.statement(zhang.id, Month(2026, 11))
    assert [line.id for line in statement.lines] == [free.id, parcel.id]
    assert statement.totals_by_service() == {"charger": 0, "locker": 200}
    assert statement.total_fen == 200


async def test_the_manifests_first_funding_model_applies_without_a_vote(
    hub: Hub, zhang: HouseholdEntry, integration: Callable[..., str]
) -> None:
    integration("water", integration_type="service", funding=["social", "market"])

    record = await hub.metering.record(**charge(zhang, "W-1", domain="water", unit="t"))

    assert (record.funding, record.amount_fen) == ("social", 0)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("household_id", "nobody"),
        ("quantity_milli", -1),
        ("quantity_milli", 1.5),
        ("quantity_milli", True),
        ("quantity_milli", 2**53),
        ("unit_price_fen", -120),
        ("unit_price_fen", "120"),
        ("unit_price_fen", 2**31),
        ("domain", ""),
        ("domain", "c" * 65),
        ("item", ""),
        ("item", "i" * 65),
        ("unit", ""),
        ("unit", "u" * 17),
        ("reference", ""),
        ("reference", "r" * 129),
        ("occurred_at", float("nan")),
        ("occurred_at", float("inf")),
        ("occurred_at", -1e12),
    ],
)
async def test_an_invalid_use_is_refused_naming_the_field_and_nothing_is_written(
    hub: Hub, zhang: HouseholdEntry, field: str, value: Any
) -> None:
    events = recorded_events(hub)
    use = {**charge(zhang, "CP-1/7"), field: value}
    with pytest.raises(UsageError) as refused:
        await hub.metering.record(**use)

    assert refused.value.field == field
    assert field in str(refused.value) or field == "household_id"
    assert await hub.metering.records() == []
    await hub.block_till_done()
    assert events == []


async def test_an_amount_too_large_to_add_up_exactly_is_refused(
    hub: Hub, zhang: HouseholdEntry
) -> None:
    with pytest.raises(UsageError, match="come to more than") as refused:
        await hub.metering.record(
            **charge(zhang, "CP-1/8", quantity_milli=2**52, unit_price_fen=2_000)
        )
    assert refused.value.field == "quantity_milli"


async def test_months_are_the_communitys_calendar_months(hub: Hub, zhang: HouseholdEntry) -> None:
    times = {
        "first moment": local("2026-11-01T00:00"),
        "last evening": local("2026-11-30T23:30"),
        "just after midnight": local("2026-12-01T00:10"),
        "in UTC still November": local("2026-12-01T07:59"),
        "before": local("2026-10-31T23:59:59"),
    }
    for name, when in times.items():
        await hub.metering.record(**charge(zhang, name, occurred_at=when))

    november = await hub.metering.statement(zhang.id, Month.parse("2026-11"))
    december = await hub.metering.statement(zhang.id, Month.parse("2026-12"))

    assert [line.reference for line in november.lines] == ["first moment", "last evening"]
    assert [line.reference for line in december.lines] == [
        "just after midnight",
        "in UTC still November",
    ]
    assert Month.of(times["last evening"], SHANGHAI) == Month(2026, 11)
    assert Month.of(times["just after midnight"], SHANGHAI) == Month(2026, 12)


async def test_a_use_without_a_time_happened_now_on_the_hubs_clock(
    hub: Hub, zhang: HouseholdEntry
) -> None:
    hub.clock.travel_to(datetime(2026, 12, 1, 0, 10, tzinfo=SHANGHAI))
    record = await hub.metering.record(**charge(zhang, "now", occurred_at=None))

    assert record.occurred_at == pytest.approx(local("2026-12-01T00:10"), abs=5)
    assert record.recorded_at == record.occurred_at
    assert (await hub.metering.statement(zhang.id, Month(2026, 12))).lines == (record,)


def test_a_month_is_written_yyyy_mm() -> None:
    assert Month.parse("2026-01") == Month(2026, 1)
    assert str(Month(2026, 1)) == "2026-01"
    assert (
        Month.parse("9998-12").bounds(SHANGHAI)[1]
        == datetime(9999, 1, 1, tzinfo=SHANGHAI).timestamp()
    )


@pytest.mark.parametrize(
    "text",
    [
        "2026-13",
        "2026-00",
        "26-11",
        "2026-1",
        "2026-11\n",
        "0000-01",
        "1969-12",
        "9999-01",
        "\uff12\uff10\uff12\uff16-\uff11\uff11",  # full-width digits
        "2026/11",
        "",
    ],
)
def test_anything_else_is_not_a_month(text: str) -> None:
    with pytest.raises(ValueError, match="is not a month: expected YYYY-MM"):
        Month.parse(text)


async def test_a_month_without_use_has_an_empty_statement(hub: Hub, zhang: HouseholdEntry) -> None:
    statement = await hub.metering.statement(zhang.id, Month(2026, 11))

    assert statement.as_dict() == {
        "household_id": zhang.id,
        "month": "2026-11",
        "total_fen": 0,
        "totals_by_service": {},
        "lines": [],
    }
    assert await hub.metering.statements(Month(2026, 11)) == []


Restart = Callable[[Hub], Awaitable[Hub]]


async def test_statements_and_the_csv_add_up_and_survive_a_restart(
    hub_factory: HubFactory, database_url: str, restart: Restart
) -> None:
    hub = await hub_factory(database_url=database_url)
    community = hub.community.households
    zhang, wang, li = (community.create(name) for name in ("张家", "王家", "=李家"))
    uses = [
        (zhang, "S-1", 12_345, 120, "充电 12.345 kWh"),
        (zhang, "S-2", 7_500, 135, '=HYPERLINK("http://evil","点我")'),
        (wang, "S-3", 30_001, 120, "充电, 夜间"),
        (zhang, "S-4", 999, 1, "+1 -2"),
        (li, "S-5", 1_000, 250, '说 "你好"\n第二行'),
    ]
    for number, (household, reference, quantity, price, description) in enumerate(uses):
        await hub.metering.record(
            **charge(
                household,
                reference,
                quantity_milli=quantity,
                unit_price_fen=price,
                description=description,
                occurred_at=local(f"2026-11-{number + 10}T08:00"),
            )
        )
    await hub.metering.record(**charge(wang, "S-6", occurred_at=local("2026-12-01T00:00")))
    month = Month(2026, 11)
    before = [statement.as_dict() for statement in await hub.metering.statements(month)]
    csv_before = await hub.metering.export_csv(month)

    hub = await restart(hub)

    statements = await hub.metering.statements(month)
    assert [statement.as_dict() for statement in statements] == before
    assert await hub.metering.export_csv(month) == csv_before
    totals = {statement.household_id: statement.total_fen for statement in statements}
    assert totals == {zhang.id: 1_481 + 1_013 + 1, wang.id: 3_600, li.id: 250}
    for statement in statements:
        assert statement.total_fen == sum(line.amount_fen for line in statement.lines)

    rows = list(csv.DictReader(io.StringIO(csv_before)))
    assert len(rows) == 5  # December's use is not on November's export
    by_household: dict[str, int] = {}
    for row in rows:
        assert row["month"] == "2026-11"
        by_household[row["household_id"]] = by_household.get(row["household_id"], 0) + int(
            row["amount_fen"]
        )
        assert f"{int(row['amount_fen']) / 100:.2f}" == row["amount_yuan"]
    assert by_household == totals
    row = {row["reference"]: row for row in rows}
    assert row["S-1"]["quantity"] == "12.345"
    assert row["S-1"]["occurred_at"] == "2026-11-10T08:00:00+08:00"
    assert row["S-1"]["household"] == "张家"
    assert row["S-2"]["description"] == '\'=HYPERLINK("http://evil","点我")'
    assert row["S-4"]["description"] == "'+1 -2"
    assert row["S-5"]["household"] == "'=李家"
    assert row["S-5"]["description"] == '说 "你好"\n第二行'
    assert row["S-3"]["description"] == "充电, 夜间"


async def test_a_statement_outlives_the_household(hub: Hub, zhang: HouseholdEntry) -> None:
    record = await hub.metering.record(**charge(zhang, "S-1"))
    hub.community.households.remove(zhang.id)

    (statement,) = await hub.metering.statements(Month(2026, 11))

    assert statement.lines == (record,)
    (row,) = csv.DictReader(io.StringIO(await hub.metering.export_csv(Month(2026, 11))))
    assert (row["household_id"], row["household"], row["amount_fen"]) == (zhang.id, "", "1481")
