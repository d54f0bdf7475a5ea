"""Statements and the usage export over the REST API, as the people who use them: the 张
family sees what it owes, the 王 neighbours theirs, the property office every household's
and the month's records as a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson
import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from jsonschema import Draft202012Validator

from linli.http.api.openapi import document_bytes
from linli.hub import Hub
from linli.metering import UsageRecord

SHANGHAI = ZoneInfo("Asia/Shanghai")
ExpectError = Callable[..., Awaitable[dict[str, Any]]]  # the fixture expect_error


@dataclass
class Street:
    hub: Hub
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)
    uses: list[UsageRecord] = field(default_factory=list)

    def __post_init__(self) -> None:
        community = self.hub.community
        self.zhang = community.households.create("张家")
        self.wang = community.households.create("王家")
        for name, role, household in (
            ("son", "resident", self.zhang),
            ("neighbour", "resident", self.wang),
            ("guard", "operator", None),
        ):
            user = self.hub.users.create(f"{name}_user", role)
            self.tokens[name] = self.hub.http.tokens.create("test", user.id, "long_lived")[1]
            if household is not None:
                community.members.create(household.id, name, "owner", user_id=user.id)

    async def charge(self, household_id: str, reference: str, kwh_milli: int, when: str) -> None:
        self.uses.append(
            await self.hub.metering.record(
                household_id=household_id,
                domain="charger",
                item="energy",
                description=f"充电 {reference}",
                quantity_milli=kwh_milli,
                unit="kWh",
                unit_price_fen=120,
                reference=reference,
                occurred_at=datetime.fromisoformat(when).replace(tzinfo=SHANGHAI).timestamp(),
            )
        )

    async def get(self, who: str, path: str, **params: str) -> ClientResponse:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who != "admin" else None
        return await self.client.get(path, params=params, headers=headers)


@pytest.fixture
async def street(hub: Hub, hub_client: TestClient) -> Street:
    """张家 charged twice in November 2026 (once at 23:30 on the 30th) and once just after
    midnight on 1 December; 王家 once in November."""
    street = Street(hub, hub_client)
    await street.charge(street.zhang.id, "S-1", 12_345, "2026-11-05T19:00")
    await street.charge(street.wang.id, "S-2", 20_000, "2026-11-12T08:00")
    await street.charge(street.zhang.id, "S-3", 5_000, "2026-11-30T23:30")
    await street.charge(street.zhang.id, "S-4", 1_000, "2026-12-01T00:10")
    return street


def statement_path(household_id: str, month: str) -> str:
    return f"/api/households/{household_id}/statements/{month}"


def assert_documented(value: Any, schema_name: str) -> None:
    """``value`` is as the OpenAPI document's schema ``schema_name`` describes it (the
    document's own fuzzing meets no usage, so no lines)."""
    components = orjson.loads(document_bytes())["components"]
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": components}
    Draft202012Validator(schema).validate(value)


async def test_a_household_sees_what_it_owes_for_a_month(street: Street) -> None:
    response = await street.get("son", statement_path(street.zhang.id, "2026-11"))

    assert response.status == 200, await response.text()
    statement = await response.json()
    assert statement["household_id"] == street.zhang.id
    assert statement["month"] == "2026-11"
    assert [line["reference"] for line in statement["lines"]] == ["S-1", "S-3"]
    assert statement["lines"][0]["amount_fen"] == 1_481
    assert statement["total_fen"] == 1_481 + 600
    assert statement["totals_by_service"] == {"charger": 2_081}
    assert_documented(statement, "Statement")
    december = await (await street.get("son", statement_path(street.zhang.id, "2026-12"))).json()
    assert [line["reference"] for line in december["lines"]] == ["S-4"]
    empty = await (await street.get("son", statement_path(street.zhang.id, "2027-01"))).json()
    assert (empty["lines"], empty["total_fen"]) == ([], 0)


async def test_a_household_cannot_see_its_neighbours_statement(
    street: Street, expect_error: ExpectError
) -> None:
    await expect_error(
        await street.get("son", statement_path(street.wang.id, "2026-11")), 404, "not_found"
    )
    for who in ("guard", "admin"):
        response = await street.get(who, statement_path(street.wang.id, "2026-11"))
        assert response.status == 200
        assert (await response.json())["total_fen"] == 2_400
    await expect_error(
        await street.get("guard", statement_path("nobody", "2026-11")), 404, "not_found"
    )


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "november", "0000-01", "2026-11-01"])
async def test_a_malformed_month_is_a_400_naming_it(
    street: Street, expect_error: ExpectError, month: str
) -> None:
    body = await expect_error(
        await street.get("son", statement_path(street.zhang.id, month)),
        400,
        "invalid_format",
        field="month",
    )
    assert "YYYY-MM" in body["message"]
    for path in ("/api/statements", "/api/usage/export"):
        await expect_error(
            await street.get("guard", path, month=month), 400, "invalid_format", field="month"
        )


async def test_staff_list_every_households_statement(
    street: Street, expect_error: ExpectError
) -> None:
    response = await street.get("guard", "/api/statements", month="2026-11")

    assert response.status == 200
    statements = await response.json()
    totals = {s["household_id"]: s["total_fen"] for s in statements}
    assert totals == {street.zhang.id: 2_081, street.wang.id: 2_400}
    for statement in statements:
        assert_documented(statement, "Statement")
    assert await (await street.get("admin", "/api/statements", month="2027-01")).json() == []
    await expect_error(
        await street.get("son", "/api/statements", month="2026-11"), 403, "forbidden"
    )
    await expect_error(
        await street.get("guard", "/api/statements"), 400, "invalid_format", field="month"
    )


async def test_staff_download_the_months_records_as_csv(
    street: Street, expect_error: ExpectError
) -> None:
    response = await street.get("guard", "/api/usage/export", month="2026-11")

    assert response.status == 200
    assert (response.content_type, response.charset) == ("text/csv", "utf-8")
    assert response.headers["Content-Disposition"] == 'attachment; filename="usage-2026-11.csv"'
    rows = list(csv.DictReader(io.StringIO(await response.text())))
    household_ids = [row["household_id"] for row in rows]
    assert household_ids == sorted(household_ids)  # by household, then time
    assert [row["reference"] for row in rows if row["household_id"] == street.zhang.id] == [
        "S-1",
        "S-3",
    ]
    totals: dict[str, int] = {}
    for row in rows:
        totals[row["household_id"]] = totals.get(row["household_id"], 0) + int(row["amount_fen"])
    statements = await (await street.get("guard", "/api/statements", month="2026-11")).json()
    assert totals == {s["household_id"]: s["total_fen"] for s in statements}
    assert {row["household"] for row in rows} == {"张家", "王家"}
    await expect_error(
        await street.get("son", "/api/usage/export", month="2026-11"), 403, "forbidden"
    )
