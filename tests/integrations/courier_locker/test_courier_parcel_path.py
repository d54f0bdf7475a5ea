"""A parcel from the courier's signed deposit to the household's pickup, over real HTTP."""

from __future__ import annotations

import re
from datetime import timedelta

from aiohttp.test_utils import TestClient
from locker_helpers import WANG_ADDRESS, Courier, Neighbours, code_of, compartment, waiting_parcels

from linli.config_entries import ConfigEntry
from linli.hub import Hub
from linli.testing import fire_time_changed

SECOND = timedelta(seconds=1)  # the same message a second later is signed anew


async def test_a_deposited_parcel_opens_once_for_its_code(
    hub: Hub, bank: ConfigEntry, neighbours: Neighbours, courier: Courier
) -> None:
    answer = await courier.deposit("P-1", compartment=3)
    assert answer.status == 201, await answer.text()
    assert await answer.json() == {"parcel_id": "P-1", "compartment": 3, "status": "waiting"}

    ((title, message),) = await neighbours.told("zhang")
    code = code_of(hub, neighbours.zhang.id, 3)
    assert title == "快递已到Lockers A"
    assert message.startswith("顺丰快递")
    for fact in (
        "SFP-1",
        "已放入Lockers A 3 号格口",
        f"取件码 {code}",
        "免费保管至 2026-12-03 09:00",
    ):
        assert fact in message
    assert message.endswith("收取超时费 ¥1.50。")
    assert re.fullmatch(r"[0-9]{6}", code)
    assert await neighbours.told("wang") == []
    waiting = hub.states.get(waiting_parcels(hub, neighbours.zhang.id))
    assert waiting.state == "1"
    (parcel,) = waiting.attributes["parcels"]
    assert parcel == {
        "compartment": 3,
        "pickup_code": code,
        "code_locked": False,
        "carrier": "顺丰",
        "tracking_number": "SFP-1",
        "since": "2026-12-01T01:00:00+00:00",
        "free_until": "2026-12-03T01:00:00+00:00",
        "overdue": False,
        "expired": False,
    }
    assert hub.states.get(compartment(hub, 3)).state == "occupied"
    assert hub.states.get("sensor.lockers_a_free_medium_compartments").state == "0"
    assert hub.states.get("sensor.lockers_a_free_small_compartments").state == "2"
    compartments = len(hub.data["courier_locker"][bank.id].compartments)
    occupied = {"compartments": compartments, "occupied": 1, "overdue": 0}
    assert hub.figures.services()["courier_locker"] == occupied  # the operator's dashboard

    wrong = "000000" if code != "000000" else "111111"
    answer = await courier.pickup(3, wrong)
    assert await answer.json() == {"open": False, "tries_left": 4, "locked": False}
    answer = await courier.pickup(3, code)
    assert (answer.status, await answer.json()) == (200, {"open": True})

    assert hub.states.get(compartment(hub, 3)).state == "free"
    assert hub.states.get("sensor.lockers_a_free_medium_compartments").state == "1"
    assert hub.figures.services()["courier_locker"]["occupied"] == 0
    waiting = hub.states.get(waiting_parcels(hub, neighbours.zhang.id))
    assert (waiting.state, waiting.attributes["parcels"]) == ("0", [])
    assert (await neighbours.told("zhang"))[-1][0] == "快递已取出"

    fire_time_changed(hub, SECOND)
    again = await courier.pickup(3, code)
    assert again.status == 409
    assert (await again.json())["message"] == "Compartment 3 of Lockers A holds no parcel"


async def test_a_repeated_deposit_changes_nothing(
    hub: Hub, bank: ConfigEntry, neighbours: Neighbours, courier: Courier
) -> None:
    assert (await courier.deposit("P-1", compartment=1)).status == 201
    code = code_of(hub, neighbours.zhang.id, 1)

    fire_time_changed(hub, SECOND)
    again = await courier.deposit("P-1", compartment=1)
    assert again.status == 200
    assert await again.json() == {"parcel_id": "P-1", "compartment": 1, "status": "waiting"}
    assert code_of(hub, neighbours.zhang.id, 1) == code
    assert len(await neighbours.told("zhang")) == 1

    elsewhere = await courier.deposit("P-1", compartment=2)
    assert elsewhere.status == 409
    assert (await elsewhere.json())["field"] == "parcel_id"


async def test_a_compartment_holds_one_parcel_and_must_exist(
    hub: Hub, bank: ConfigEntry, neighbours: Neighbours, courier: Courier
) -> None:
    await courier.deposit("P-1", compartment=1)

    taken = await courier.deposit("P-2", compartment=1, recipient=WANG_ADDRESS)
    assert taken.status == 409
    assert await taken.json() == {
        "message": "Compartment 1 of Lockers A already holds parcel P-1",
        "code": "conflict",
        "field": "compartment",
    }
    missing = await courier.deposit("P-2", compartment=9, recipient=WANG_ADDRESS)
    assert missing.status == 404
    assert await missing.json() == {
        "message": "Lockers A has no compartment 9: its compartments are 1 to 4",
        "code": "not_found",
        "field": "compartment",
    }
    assert await neighbours.told("wang") == []


async def test_a_parcel_for_nobody_is_kept_for_the_desk_to_assign(
    hub: Hub,
    bank: ConfigEntry,
    neighbours: Neighbours,
    courier: Courier,
    hub_client_no_auth: TestClient,
) -> None:
    answer = await courier.deposit("P-9", compartment=4, recipient="9-1-0901")

    assert answer.status == 422
    assert await answer.json() == {
        "message": "No unit '9-1-0901' in this community: the parcel stays in compartment 4 "
        "for the property office to assign",
        "code": "unknown_recipient",
        "field": "recipient",
    }
    assert hub.states.get(compartment(hub, 4)).state == "occupied"
    ((title, message),) = await neighbours.told("desk")
    assert title == "快递找不到收件住户"
    assert "4 号格口" in message
    assert "9-1-0901" in message
    assert (await courier.pickup(4, "123456")).status == 409  # no code: the desk hands it out
    fire_time_changed(hub, SECOND)
    assert (await courier.deposit("P-9", compartment=4, recipient="9-1-0901")).status == 422

    assigned = await hub_client_no_auth.post(
        "/api/services/courier_locker/assign_parcel",
        json={"bank": "lockers", "parcel_id": "P-9", "recipient": WANG_ADDRESS},
        headers=neighbours.auth("desk"),
    )
    assert assigned.status == 200, await assigned.text()
    code = code_of(hub, neighbours.wang.id, 4)
    ((title, message),) = await neighbours.told("wang")
    assert code in message
    assert (await (await courier.pickup(4, code)).json()) == {"open": True}
