"""Guessing pickup codes: after five wrong ones the compartment's code locks, the property
office is alarmed and the household sent to the desk, which issues a new code."""

from __future__ import annotations

from datetime import timedelta

from aiohttp.test_utils import TestClient
from locker_helpers import Courier, Neighbours, code_of, compartment, waiting_parcels

from linli.alarms import AlarmState
from linli.config_entries import ConfigEntry
from linli.hub import Hub
from linli.testing import fire_time_changed

REISSUE = "/api/services/courier_locker/reissue_code"


async def guess(hub: Hub, courier: Courier, code: str, times: int) -> list[dict[str, object]]:
    """Type ``times`` wrong codes on compartment 1's keypad, a second apart."""
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    answers = []
    for _ in range(times):
        fire_time_changed(hub, timedelta(seconds=1))
        answers.append(await (await courier.pickup(1, wrong)).json())
    return answers


async def test_too_many_wrong_codes_lock_the_code_until_the_desk_issues_a_new_one(
    hub: Hub,
    bank: ConfigEntry,
    neighbours: Neighbours,
    courier: Courier,
    hub_client_no_auth: TestClient,
) -> None:
    await courier.deposit("P-1", compartment=1)
    code = code_of(hub, neighbours.zhang.id, 1)

    answers = await guess(hub, courier, code, 5)
    assert [a["tries_left"] for a in answers] == [4, 3, 2, 1, 0]
    assert answers[-1] == {"open": False, "tries_left": 0, "locked": True}
    assert await (await courier.pickup(1, code)).json() == answers[-1]  # even the right one

    assert hub.states.get(compartment(hub, 1)).state == "locked"
    (parcel,) = hub.states.get(waiting_parcels(hub, neighbours.zhang.id)).attributes["parcels"]
    assert (parcel["code_locked"], parcel["pickup_code"]) == (True, None)
    (alarm,) = hub.alarms.active()
    assert (alarm.alarm_type, alarm.severity, alarm.household_id) == (
        "pickup_code_locked",
        "warning",
        None,
    )
    assert alarm.source_entity_id == compartment(hub, 1)
    assert alarm.message == (
        "Compartment 1 of Lockers A: pickup code locked after 5 wrong tries "
        "(a new code: courier_locker.reissue_code)"
    )
    title, message = (await neighbours.told("zhang"))[-1]
    assert title == "取件码已锁定"
    assert "请到物业服务中心领取新的取件码" in message

    refused = await hub_client_no_auth.post(
        REISSUE, json={"bank": "lockers", "compartment": 1}, headers=neighbours.auth("zhang")
    )
    assert refused.status == 403  # only the property office issues codes
    issued = await hub_client_no_auth.post(
        REISSUE, json={"bank": "lockers", "compartment": 1}, headers=neighbours.auth("desk")
    )
    assert issued.status == 200, await issued.text()

    new_code = code_of(hub, neighbours.zhang.id, 1)
    assert new_code != code
    title, message = (await neighbours.told("zhang"))[-1]
    assert (title, new_code in message) == ("新的取件码", True)
    alarm = hub.alarms.get(alarm.id)
    assert (alarm.state, alarm.cleared_by) == (
        AlarmState.cleared_unacknowledged,
        neighbours.users["desk"].id,
    )
    assert hub.states.get(compartment(hub, 1)).state == "occupied"
    fire_time_changed(hub, timedelta(seconds=1))
    assert await (await courier.pickup(1, code)).json() == {
        "open": False,
        "tries_left": 4,
        "locked": False,
    }
    assert await (await courier.pickup(1, new_code)).json() == {"open": True}


async def test_the_desk_is_told_what_it_cannot_reissue(
    hub: Hub, bank: ConfigEntry, neighbours: Neighbours, hub_client_no_auth: TestClient
) -> None:
    for data, field, message in (
        ({"bank": "lockers", "compartment": 2}, "compartment", "holds no parcel"),
        (
            {"bank": "gate", "compartment": 2},
            "bank",
            "No locker bank 'gate': the banks are lockers",
        ),
        ({"bank": "lockers", "compartment": 0}, "compartment", "value must be at least 1"),
    ):
        answer = await hub_client_no_auth.post(REISSUE, json=data, headers=neighbours.auth("desk"))
        assert answer.status == 400
        error = await answer.json()
        assert error["field"] == field
        assert message in error["message"]
