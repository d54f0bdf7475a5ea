"""/api/community/proposals and /api/community/ratings: a community of 903 units votes a
vendor's lockers in through the API, on SQLite and on PostgreSQL."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from linli.config_entries import ConfigEntryState
from linli.hub import Hub
from linli.plugins import PluginManager
from linli.testing.governance import Owner, add_owners, decide, vote, vote_in
from linli.testing.plugin import HubFactory

PROPOSALS = "/api/community/proposals"
LOCKER = """
async def async_setup_entry(hub, entry):
    return True

async def async_unload_entry(hub, entry):
    return True
"""


@pytest.fixture
async def hub(hub_factory: HubFactory, plugins: PluginManager, database_url: str) -> Hub:
    """Every test here runs on SQLite and on PostgreSQL."""
    return await hub_factory(database_url=database_url, plugins=plugins, votes_required=True)


@pytest.fixture
def locker(integration: Callable[..., str]) -> str:
    return integration("parcel_box", LOCKER, funding=["market", "social"])


def bearer(hub: Hub, user_id: str) -> dict[str, str]:
    _, token = hub.http.tokens.create("phone", user_id, "long_lived")
    return {"Authorization": f"Bearer {token}"}


def in_hours(hub: Hub, hours: float = 1) -> str:
    return (hub.clock.now() + timedelta(hours=hours)).isoformat()


async def open_proposal(client: TestClient, **fields: Any) -> dict[str, Any]:
    response = await client.post(PROPOSALS, json=fields)
    assert response.status == 201, await response.text()
    return await response.json()


async def test_903_units_vote_a_vendor_in(
    hub: Hub, hub_client: TestClient, hub_client_no_auth: TestClient, locker: str
) -> None:
    # Areas from 60 to 150 m²; the 602 largest units vote, the 452 largest of them agree.
    owners = add_owners(
        hub, [f"{60 + index * 37 % 90}.{index % 4 * 25:02d}" for index in range(903)]
    )
    by_size = sorted(owners, key=lambda owner: owner.unit.area_dm2, reverse=True)
    voters, agreeing = by_size[:602], by_size[:452]
    entry = await hub.config_entries.add(locker, "东门快递柜", {})
    assert entry.reason is not None

    proposal = await open_proposal(
        hub_client,
        title="东门快递柜",
        description="A vendor's lockers by the east gate; the vendor pays for power.",
        matter="common_parts_business",
        domain=locker,
        action="enable",
        funding_model="market",
        amount_fen=0,
        closes_at=in_hours(hub),
    )
    assert proposal["status"] == "open"
    assert proposal["voting_open"] is True
    assert proposal["created_by"] == hub.users.get_by_username("admin").id
    url = f"{PROPOSALS}/{proposal['id']}"

    vote(hub, hub.governance.proposals.require(proposal["id"]), agreeing, "agree")
    vote(hub, hub.governance.proposals.require(proposal["id"]), voters[452:600], "disagree")

    async def cast(owner: Owner, choice: str) -> dict[str, Any]:
        response = await hub_client_no_auth.post(
            f"{url}/ballots", json={"choice": choice}, headers=bearer(hub, owner.user.id)
        )
        assert response.status == 201, await response.text()
        return await response.json()

    ballot = await cast(voters[600], "abstain")
    assert ballot["unit_id"] == voters[600].unit.id
    assert ballot["address"] == voters[600].unit.address
    tally = (await (await hub_client.get(url)).json())["tally"]
    assert tally["participation_by_owners"] == "601/903"
    assert (tally["quorum_by_area"], tally["quorum_by_owners"]) == (True, False)

    await cast(voters[601], "agree")  # the 602nd unit: exactly 2/3 of the owners
    await cast(voters[601], "disagree")  # changed its mind: still one ballot

    # Each owner reads back their own current ballot, and only theirs.
    async def mine(owner: Owner) -> list[dict[str, Any]]:
        response = await hub_client_no_auth.get(url, headers=bearer(hub, owner.user.id))
        return (await response.json())["my_ballots"]

    assert await mine(voters[601]) == [
        {"unit_id": voters[601].unit.id, "address": voters[601].unit.address, "choice": "disagree"}
    ]
    assert await mine(by_size[700]) == []  # has not voted
    tally = (await (await hub_client.get(url)).json())["tally"]
    assert tally["participation_by_owners"] == "602/903"
    assert tally["quorum"] is True
    assert tally["agreement_by_owners"] == "452/602"
    assert tally["passed"] is True

    decided = await decide(hub, hub.governance.proposals.require(proposal["id"]))
    assert decided.status == "passed"
    answer = await (await hub_client.get(url)).json()
    assert answer["status"] == "passed"
    assert answer["voting_open"] is False
    assert answer["tally"] == tally
    assert (await hub.governance.recount(proposal["id"])).as_json() == tally
    assert entry.state is ConfigEntryState.loaded

    history = await (await hub_client.get(f"{url}/ballots/history")).json()
    assert len(history) == 603
    assert [cast["choice"] for cast in history[-2:]] == ["agree", "disagree"]
    assert len(await hub.audit.records("ballot_cast")) == 603
    assert (await hub.audit.verify()).ok


async def test_ballots_are_refused_with_clear_answers(
    hub: Hub,
    hub_client: TestClient,
    hub_client_no_auth: TestClient,
    expect_error,
) -> None:
    first, second, third = add_owners(hub, ["80", "90", "100"])
    household = hub.community.households.create("Landlord", third.unit.id)
    hub.community.members.create(household.id, "Landlord", "owner", user_id=second.user.id)
    tenant = hub.users.create("tenant", "resident")
    renting = hub.community.households.create("Tenants", first.unit.id)
    hub.community.members.create(renting.id, "Tenant", "tenant", user_id=tenant.id)
    later = await open_proposal(
        hub_client,
        title="Later",
        matter="other",
        opens_at=in_hours(hub),
        closes_at=in_hours(hub, 2),
    )
    now = await open_proposal(hub_client, title="Now", matter="other", closes_at=in_hours(hub))

    async def ballot(proposal: dict[str, Any], user: Owner | Any, body: dict[str, Any]) -> Any:
        user_id = user.user.id if isinstance(user, Owner) else user.id
        return await hub_client_no_auth.post(
            f"{PROPOSALS}/{proposal['id']}/ballots", json=body, headers=bearer(hub, user_id)
        )

    await expect_error(await ballot(later, first, {"choice": "agree"}), 409, "voting_not_open")
    await expect_error(
        await ballot(now, first, {"choice": "yes"}), 400, "invalid_format", field="choice"
    )
    await expect_error(await ballot(now, first, {}), 400, "invalid_format", field="choice")
    await expect_error(await ballot(now, tenant, {"choice": "agree"}), 403, "not_owner")
    error = await expect_error(
        await ballot(now, first, {"choice": "agree", "unit_id": second.unit.id}),
        403,
        "not_owner",
        field="unit_id",
    )
    assert error["message"] == (
        "You are not an owner of unit 1号楼 1单元 102: you own 1号楼 1单元 101"
    )
    await expect_error(
        await ballot(now, second, {"choice": "agree"}), 400, "invalid_format", field="unit_id"
    )
    response = await ballot(now, second, {"choice": "agree", "unit_id": third.unit.id})
    assert response.status == 201
    missing = await hub_client.post(f"{PROPOSALS}/nope/ballots", json={"choice": "agree"})
    await expect_error(missing, 404, "not_found")

    await decide(hub, hub.governance.proposals.require(now["id"]))
    error = await expect_error(await ballot(now, first, {"choice": "agree"}), 409, "voting_closed")
    assert "was decided (rejected)" in error["message"]


async def test_only_operators_and_admins_open_proposals_and_read_every_cast(
    hub: Hub, hub_client: TestClient, hub_client_no_auth: TestClient, expect_error
) -> None:
    (owner,) = add_owners(hub, ["80"])
    resident = bearer(hub, owner.user.id)
    operator = bearer(hub, hub.users.create("wuye", "operator").id)
    body = {"title": "Paint", "matter": "other", "closes_at": in_hours(hub)}

    await expect_error(
        await hub_client_no_auth.post(PROPOSALS, json=body, headers=resident), 403, "forbidden"
    )
    response = await hub_client_no_auth.post(PROPOSALS, json=body, headers=operator)
    assert response.status == 201
    proposal = await response.json()
    history = f"{PROPOSALS}/{proposal['id']}/ballots/history"
    await expect_error(await hub_client_no_auth.get(history, headers=resident), 403, "forbidden")
    assert (await hub_client_no_auth.get(history, headers=operator)).status == 200
    listing = await hub_client_no_auth.get(PROPOSALS, headers=resident)
    assert [p["id"] for p in await listing.json()] == [proposal["id"]]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"matter": "other", "closes_at": "2099-01-01T00:00:00"}, "title", "'title' is required"),
        ({"title": "T", "matter": "other"}, "closes_at", "'closes_at' is required"),
        ({"title": "T", "matter": "other", "closes_at": "tomorrow"}, "closes_at", "ISO 8601"),
        ({"title": "T", "matter": "vote", "closes_at": "2099-01-01T00:00:00"}, "matter", "'vote'"),
        (
            {"title": "T", "matter": "other", "closes_at": "2000-01-01T00:00:00"},
            "closes_at",
            "future",
        ),
        (
            {
                "title": "T",
                "matter": "other",
                "closes_at": "2099-01-01T00:00:00",
                "amount_fen": "9",
            },
            "amount_fen",
            "integer",
        ),
        (
            {"title": "T", "matter": "other", "closes_at": "9999-12-31T23:00:00-05:00"},
            "closes_at",
            "must be between the years 1970 and 9998",
        ),
        (
            {
                "title": "T",
                "matter": "other",
                "closes_at": "2099-01-01T00:00:00",
                "opens_at": "0001-01-01T00:00:00+08:00",
            },
            "opens_at",
            "Field 'opens_at' must be between the years 1970 and 9998",
        ),
        (
            {"title": "T", "matter": "other", "closes_at": "2099-01-01T00:00:00", "quorum": 1},
            "quorum",
            "Unknown field",
        ),
    ],
)
async def test_a_wrong_proposal_is_refused_naming_its_field(
    hub_client: TestClient, expect_error, body: dict[str, Any], field: str, message: str
) -> None:
    error = await expect_error(
        await hub_client.post(PROPOSALS, json=body), 400, "invalid_format", field=field
    )
    assert message in error["message"]


async def test_residents_rate_a_service_they_use(
    hub: Hub,
    hub_client: TestClient,
    hub_client_no_auth: TestClient,
    expect_error,
    locker: str,
) -> None:
    owners = add_owners(hub, ["80", "90"])
    await vote_in(hub, locker, owners)
    await hub.config_entries.add(locker, "东门快递柜", {})
    response = await hub_client_no_auth.post(
        "/api/community/ratings",
        # JSON has one kind of number: 4.0 is the score 4
        json={"domain": locker, "score": 4.0, "comment": "快"},
        headers=bearer(hub, owners[0].user.id),
    )
    assert response.status == 201
    rating = await response.json()
    assert (rating["score"], rating["comment"]) == (4, "快")
    assert rating["summary"]["count"] == 1

    stranger = bearer(hub, hub.users.create("stranger", "resident").id)
    refused = await hub_client_no_auth.post(
        "/api/community/ratings", json={"domain": locker, "score": 1}, headers=stranger
    )
    await expect_error(refused, 403, "not_a_user")
    await expect_error(
        await hub_client.post("/api/community/ratings", json={"domain": locker, "score": 9}),
        400,
        "invalid_format",
        field="score",
    )
    summary = await (await hub_client.get(f"/api/community/ratings/{locker}")).json()
    assert summary == {
        "domain": locker,
        "count": 1,
        "total": 4,
        "average": 4.0,
        "window_days": 90,
        "bar": {"below": "3", "at_least": 10},
        "below_bar": False,
    }
    await expect_error(await hub_client.get("/api/community/ratings/nothing"), 404, "not_found")
