"""``/api/privacy``: consent given and withdrawn over HTTP, a household's export, and the
audit trail for admins and operators."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from linli.hub import Hub
from linli.recorder.history import state_changes
from linli.storage.community_schema import audit_log

Call = Callable[..., Awaitable[ClientResponse]]


class People:
    """张家 (the owner 张伟 and grandma, whose wristband it is), a neighbour, an operator;
    each with a token."""

    def __init__(self, hub: Hub) -> None:
        community = hub.community
        self.household = community.households.create("张家")
        owner = hub.users.create("zhang_wei", "resident")
        self.owner = community.members.create(self.household.id, "张伟", "owner", user_id=owner.id)
        self.grandma = community.members.create(self.household.id, "张奶奶", "family")
        neighbours = community.households.create("王家")
        neighbour = hub.users.create("wang_fang", "household_admin")
        community.members.create(neighbours.id, "王芳", "owner", user_id=neighbour.id)
        operator = hub.users.create("wuye", "operator")
        self.tokens = {
            name: hub.http.tokens.create("test", user.id, "long_lived")[1]
            for name, user in (("owner", owner), ("neighbour", neighbour), ("operator", operator))
        }
        device = hub.devices.get_or_create(
            identifiers={("wristband", "wb-1")}, household_id=self.household.id
        )
        self.device_id = device.id
        self.heart = hub.entities.get_or_create(
            "sensor", "wristband", "wb-1-heart", device_id=device.id
        ).entity_id


@pytest.fixture
async def people(hub: Hub, integration) -> People:
    integration("wristband", data_categories=["health"])
    return People(hub)


@pytest.fixture
def call(hub_client_no_auth: TestClient, people: People) -> Call:
    """``await call("owner", "post", path, json=...)``: a request with that person's token."""

    async def request(who: str, method: str, path: str, **kwargs: Any) -> ClientResponse:
        headers = {"Authorization": f"Bearer {people.tokens[who]}"}
        return await hub_client_no_auth.request(method, path, headers=headers, **kwargs)

    return request


async def test_consent_is_given_and_withdrawn_with_its_erasure(
    hub: Hub, people: People, call: Call, expect_error
) -> None:
    subject = {"target": people.device_id, "member_id": people.grandma.id}
    response = await call("owner", "post", "/api/privacy/subjects", json=subject)
    assert response.status == 200, await response.text()
    assert (await response.json())["device_id"] == people.device_id

    body = {"member_id": people.grandma.id, "category": "health"}
    response = await call("owner", "post", "/api/privacy/consents", json=body)
    assert response.status == 201, await response.text()
    consent = await response.json()
    assert (consent["scope"], consent["given_as"], consent["withdrawn_at"]) == (
        "all",
        "guardian",
        None,
    )
    stored = await hub.database.read(
        lambda session: session.execute(sa.text("SELECT id FROM consents")).scalars().all()
    )
    assert stored == [consent["id"]]
    again = await call("owner", "post", "/api/privacy/consents", json=body)
    assert (again.status, (await again.json())["id"]) == (200, consent["id"])

    hub.states.set(people.heart, "72")
    hub.states.set(people.heart, "75")
    listed = await call(
        "owner", "get", "/api/privacy/consents", params={"member_id": people.grandma.id}
    )
    assert [item["id"] for item in await listed.json()] == [consent["id"]]

    response = await call("owner", "delete", f"/api/privacy/consents/{consent['id']}")
    assert response.status == 200, await response.text()
    answer = await response.json()
    assert answer["erased"] == {"entity_ids": [people.heart], "states": 2, "statistics": 0}
    assert answer["consent"]["withdrawn_at"] is not None
    assert await state_changes(hub, people.heart, datetime.fromtimestamp(0, UTC)) == {}
    await expect_error(
        await call("owner", "delete", f"/api/privacy/consents/{consent['id']}"),
        409,
        "already_withdrawn",
    )
    await expect_error(
        await call("owner", "delete", "/api/privacy/consents/nothing"), 404, "not_found"
    )


async def test_consent_requests_are_refused_with_reasons(
    people: People, call: Call, expect_error
) -> None:
    consents = "/api/privacy/consents"
    grandma = people.grandma.id
    cases = [
        ("neighbour", {"member_id": grandma, "category": "health"}, 403, "forbidden", None),
        ("owner", {"member_id": grandma, "category": "images"}, 400, "invalid_format", "category"),
        ("owner", {"member_id": grandma}, 400, "invalid_format", "category"),
        ("owner", {"member_id": "x", "category": "health"}, 400, "invalid_format", "member_id"),
        (
            "owner",
            {"member_id": grandma, "category": "health", "why": 1},
            400,
            "invalid_format",
            "why",
        ),
        (
            "owner",
            {"member_id": grandma, "category": "health", "scope": 5},
            400,
            "invalid_format",
            "scope",
        ),
    ]
    for who, body, status, code, field in cases:
        await expect_error(await call(who, "post", consents, json=body), status, code, field)
    refused = await call("neighbour", "post", consents, json=cases[0][1])
    assert "may not act for member 张奶奶" in (await refused.json())["message"]
    await expect_error(
        await call("neighbour", "get", consents, params={"member_id": grandma}), 404, "not_found"
    )
    assert await (await call("neighbour", "get", consents)).json() == []
    subject = {"target": people.device_id, "member_id": grandma}
    await expect_error(
        await call("neighbour", "post", "/api/privacy/subjects", json=subject), 403, "forbidden"
    )


async def test_a_household_exports_its_data(
    people: People, call: Call, hub_client: TestClient, expect_error
) -> None:
    path = f"/api/privacy/households/{people.household.id}/export"
    for response in (await call("owner", "get", path), await hub_client.get(path)):
        assert response.status == 200, await response.text()
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="household-{people.household.id}.json"'
        )
        document = await response.json()
        assert document["household"]["name"] == "张家"
        assert [entity["entity_id"] for entity in document["entities"]] == [people.heart]
    await expect_error(await call("neighbour", "get", path), 404, "not_found")
    await expect_error(await call("operator", "get", path), 403, "forbidden")
    await expect_error(
        await hub_client.get("/api/privacy/households/nobody/export"), 404, "not_found"
    )


async def test_admins_and_operators_read_the_audit_log_page_by_page(
    hub: Hub, people: People, call: Call, hub_client: TestClient, expect_error
) -> None:
    ballots = [hub.audit.append("ballot_cast", None, {"number": n}) for n in range(5)]
    records = await hub.audit.records()  # the hub's own first, then the ballots
    response = await call("operator", "get", "/api/privacy/audit", params={"limit": "3"})
    assert response.status == 200, await response.text()
    page = await response.json()
    assert [record["seq"] for record in page["records"]] == [1, 2, 3]
    assert page["records"][0]["hash"] == records[0].hash
    assert page["next_after_seq"] == 3
    after = str(ballots[1].seq)
    following = await hub_client.get(
        "/api/privacy/audit", params={"after_seq": after, "kind": "ballot_cast"}
    )
    page = await following.json()
    assert [record["data"] for record in page["records"]] == [{"number": n} for n in (2, 3, 4)]
    assert page["records"][-1]["hash"] == records[-1].hash == hub.audit.head
    assert page["next_after_seq"] is None

    await expect_error(await call("owner", "get", "/api/privacy/audit"), 403, "forbidden")
    await expect_error(
        await hub_client.get("/api/privacy/audit", params={"limit": "5000"}),
        400,
        "invalid_format",
        "limit",
    )
    await expect_error(
        await hub_client.get("/api/privacy/audit", params={"after_seq": "-1"}),
        400,
        "invalid_format",
        "after_seq",
    )


async def test_the_audit_log_is_verified_over_http(
    hub: Hub, call: Call, hub_client: TestClient, expect_error
) -> None:
    for number in range(3):
        hub.audit.append("ballot_cast", None, {"number": number})
    response = await call("operator", "get", "/api/privacy/audit/verify")
    count = len(await hub.audit.records())
    assert await response.json() == {
        "ok": True,
        "records": count,
        "head": hub.audit.head,
        "problem": None,
    }
    tampering = sa.update(audit_log).where(audit_log.c.seq == count).values(data="{}")
    await hub.database.read(lambda session: (session.execute(tampering), session.commit()))
    answer = await (await hub_client.get("/api/privacy/audit/verify")).json()
    assert (answer["ok"], answer["records"]) == (False, count - 1)
    assert answer["problem"] == f"record {count} (ballot_cast) was changed"
    await expect_error(await call("owner", "get", "/api/privacy/audit/verify"), 403, "forbidden")
