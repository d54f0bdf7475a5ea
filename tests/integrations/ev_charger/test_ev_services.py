"""Remote commands as services, through the REST API with each person's own token: a
resident starts a session from the app for their household and stops only their own;
resets, availability, unlocking and cards are the operator's."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest
from aiohttp.test_utils import TestClient
from charger_helpers import CARD_B, ConnectCharger

from linli.community.households import HouseholdEntry
from linli.hub import Hub
from linli.integrations.ev_charger import ChargingSiteRuntime
from linli.metering import Month

STATUS = "sensor.charger_cp_1_connector_1_status"
CONNECTION = "binary_sensor.charger_cp_1_connection"
SITE_POWER = "sensor.allocated_power"  # the site's: shared, every resident may use it


@dataclass
class People:
    hub: Hub
    households: list[HouseholdEntry]

    def __post_init__(self) -> None:
        self.tokens: dict[str, str] = {}
        for name, role, household in (
            ("li", "resident", self.households[0]),
            ("wang", "resident", self.households[1]),
            ("desk", "operator", None),
        ):
            user = self.hub.users.create(name, role)
            if household is not None:
                self.hub.community.members.create(household.id, name, "owner", user_id=user.id)
            self.tokens[name] = self.hub.http.tokens.create("app", user.id, "long_lived")[1]

    def headers(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}


@pytest.fixture
def people(hub: Hub, households: list[HouseholdEntry]) -> People:
    return People(hub, households)


async def call(
    client: TestClient, people: People, who: str, service: str, **data: object
) -> tuple[int, dict]:
    response = await client.post(
        f"/api/services/ev_charger/{service}?return_response",
        json=data,
        headers=people.headers(who),
    )
    return response.status, await response.json()


async def test_a_resident_charges_from_the_app_and_is_billed(
    hub: Hub,
    people: People,
    households: list[HouseholdEntry],
    connect_charger: ConnectCharger,
    hub_client_no_auth: TestClient,
) -> None:
    charger = await connect_charger("CP-1")
    status, answer = await call(hub_client_no_auth, people, "li", "remote_start", entity_id=STATUS)
    assert status == 200
    assert answer["service_response"] == {"accepted": True}
    connector_id, id_tag = await asyncio.wait_for(charger.remote_starts.get(), 5)
    assert await charger.start_session(connector_id, id_tag) is not None  # the app's tag
    await hub.block_till_done()
    await charger.charge(1, 3600)

    # Whose session it is: li's household sees it as its own, the neighbour sees none.
    _, answer = await call(hub_client_no_auth, people, "li", "sessions", entity_id=SITE_POWER)
    (session,) = answer["service_response"]["sessions"]
    assert (session["charge_point_id"], session["connector_id"]) == ("CP-1", 1)
    assert (session["household_id"], session["stopped"]) == (households[0].id, False)
    _, answer = await call(hub_client_no_auth, people, "wang", "sessions", entity_id=SITE_POWER)
    assert answer["service_response"] == {"sessions": []}
    _, answer = await call(hub_client_no_auth, people, "desk", "sessions", entity_id=STATUS)
    assert len(answer["service_response"]["sessions"]) == 1

    status, answer = await call(hub_client_no_auth, people, "wang", "remote_stop", entity_id=STATUS)
    assert status == 403
    assert "only the household charging there" in answer["message"]

    status, answer = await call(hub_client_no_auth, people, "li", "remote_stop", entity_id=STATUS)
    assert (status, answer["service_response"]) == (200, {"accepted": True})
    await charger.stop_session(1, "Remote")
    await hub.block_till_done()
    month = Month.of(hub.clock.time(), hub.metering.zone)
    assert (await hub.metering.statement(households[0].id, month)).total_fen == 840 + 200


async def test_a_resident_may_not_charge_for_another_household(
    people: People,
    households: list[HouseholdEntry],
    connect_charger: ConnectCharger,
    hub_client_no_auth: TestClient,
) -> None:
    await connect_charger("CP-1")
    status, answer = await call(
        hub_client_no_auth,
        people,
        "li",
        "remote_start",
        entity_id=STATUS,
        household_id=households[1].id,
    )
    assert status == 403
    assert "their own household" in answer["message"]


@pytest.mark.parametrize(
    ("service", "data", "expected"),
    [
        ("reset", {"entity_id": CONNECTION, "hard": True}, {"accepted": True}),
        (
            "change_availability",
            {"entity_id": STATUS, "operative": False},
            {"accepted": True, "status": "Accepted"},
        ),
        ("unlock_connector", {"entity_id": STATUS}, {"accepted": True, "status": "Unlocked"}),
    ],
)
async def test_the_operators_commands_reach_the_charger_and_no_resident_may_send_them(
    people: People,
    connect_charger: ConnectCharger,
    hub_client_no_auth: TestClient,
    service: str,
    data: dict[str, object],
    expected: dict[str, object],
) -> None:
    charger = await connect_charger("CP-1")
    status, answer = await call(hub_client_no_auth, people, "li", service, **data)
    assert status == 403
    assert "only the operator" in answer["message"]
    status, answer = await call(hub_client_no_auth, people, "desk", service, **data)
    assert (status, answer["service_response"]) == (200, expected)
    if service == "reset":
        assert charger.resets == ["Hard"]


async def test_the_operator_registers_a_card_and_it_may_charge(
    hub: Hub,
    site: ChargingSiteRuntime,
    people: People,
    households: list[HouseholdEntry],
    connect_charger: ConnectCharger,
    hub_client_no_auth: TestClient,
) -> None:
    charger = await connect_charger("CP-1")
    assert await charger.authorize("NEWCARD01") == "Invalid"
    data = {"id_tag": "NEWCARD01", "household_id": households[2].id}
    assert (await call(hub_client_no_auth, people, "li", "register_card", **data))[0] == 403
    assert (await call(hub_client_no_auth, people, "desk", "register_card", **data))[0] == 200
    assert await charger.authorize("NEWCARD01") == "Accepted"
    status, answer = await call(
        hub_client_no_auth,
        people,
        "desk",
        "register_card",
        id_tag="APP123",
        household_id=households[0].id,
    )
    assert status == 400
    assert answer["field"] == "id_tag"
    await call(hub_client_no_auth, people, "desk", "remove_card", id_tag=CARD_B)
    assert await charger.authorize(CARD_B) == "Invalid"


async def test_a_command_to_a_charger_offline_says_so(
    hub: Hub, people: People, connect_charger: ConnectCharger, hub_client_no_auth: TestClient
) -> None:
    charger = await connect_charger("CP-1")
    await charger.close()
    for _ in range(100):
        if hub.states.get(CONNECTION).state == "off":
            break
        await asyncio.sleep(0.01)
    status, answer = await call(hub_client_no_auth, people, "desk", "reset", entity_id=CONNECTION)
    assert status == 400
    assert "CP-1 is not connected" in answer["message"]
