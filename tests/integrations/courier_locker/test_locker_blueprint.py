"""The shipped blueprint ``linli/parcel_waiting.yaml`` end to end, through the courier
system's signed webhook. 张伟 sets it up for his household over REST with his own token, on
the household's waiting-parcels sensor (every household has one, at 0 before any parcel):

- a parcel left in the locker for 24 h: 张伟 and his wife 李娜 are reminded (快递提醒), the 王
  household next door is told nothing; the run's trace, read over REST, shows the count
  standing at 1 for a day and whom the notify step told;
- a parcel collected after 5 h: no reminder (the run a day later finds none waiting);
- a second parcel left while the first waited is reminded a day after the first goes.

Only the hub's clock is moved.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from locker_helpers import START, Courier, Neighbours, code_of, waiting_parcels

from linli.config_entries import ConfigEntry
from linli.hub import Hub
from linli.testing import fire_time_changed

BLUEPRINT = "linli/parcel_waiting.yaml"
REMINDER = "快递提醒"  # the blueprint's title
MINUTE = timedelta(minutes=1)
DAY = timedelta(hours=24)  # the blueprint's default hours


@pytest.fixture
def wife(hub: Hub, neighbours: Neighbours) -> str:
    """李娜, 张伟's wife, a member of the 张 household with an account of her own."""
    user = hub.users.create("li_na", "resident")
    hub.community.members.create(neighbours.zhang.id, "李娜", "family", user_id=user.id)
    neighbours.users["wife"] = user
    return user.id


@pytest.fixture
async def reminder(
    hub: Hub,
    bank: ConfigEntry,
    neighbours: Neighbours,
    courier: Courier,
    wife: str,
    hub_client_no_auth: TestClient,
) -> str:
    """张伟 POSTs the reminder for his household with his token; the automation's id."""
    sensor = waiting_parcels(hub, neighbours.zhang.id)
    assert hub.states.get(sensor).state == "0"  # there before any parcel
    answer = await hub_client_no_auth.post(
        "/api/automations",
        json={
            "alias": "快递放久了提醒我们",
            "use_blueprint": {"path": BLUEPRINT, "input": {"waiting_parcels": sensor}},
        },
        headers=neighbours.auth("zhang"),
    )
    assert answer.status == 201, await answer.text()
    made = await answer.json()
    assert (made["household_id"], made["owner_id"]) == (
        neighbours.zhang.id,
        neighbours.users["zhang"].id,
    )
    return made["id"]


async def reminded(neighbours: Neighbours, who: str) -> int:
    """How many reminders of the blueprint ``who`` has had."""
    return sum(1 for title, _message in await neighbours.told(who) if title == REMINDER)


async def traces(
    client: TestClient, neighbours: Neighbours, automation_id: str
) -> list[dict[str, Any]]:
    """The automation's runs, newest first, as 张伟 reads them over REST."""
    answer = await client.get(
        f"/api/automations/{automation_id}/traces", headers=neighbours.auth("zhang")
    )
    assert answer.status == 200, await answer.text()
    return await answer.json()


async def test_a_parcel_waiting_a_day_reminds_the_household(
    hub: Hub,
    neighbours: Neighbours,
    courier: Courier,
    reminder: str,
    hub_client_no_auth: TestClient,
) -> None:
    assert (await courier.deposit("P-1", compartment=3)).status == 201
    sensor = waiting_parcels(hub, neighbours.zhang.id)
    assert hub.states.get(sensor).state == "1"

    fire_time_changed(hub, DAY - MINUTE)
    await hub.block_till_done()
    assert await reminded(neighbours, "zhang") == 0
    fire_time_changed(hub, MINUTE)
    await hub.block_till_done()

    for who in ("zhang", "wife"):
        title, message = (await neighbours.told(who))[-1]
        assert title == REMINDER
        assert message == (
            "您有快递在快递柜中等待较久，请尽快取件，超时后将按天收取超时费。"  # noqa: RUF001
        )
    assert await neighbours.told("wang") == []
    assert await reminded(neighbours, "desk") == 0

    (run,) = await traces(hub_client_no_auth, neighbours, reminder)
    assert run["state"] == "finished"
    trigger = run["trigger"]
    assert (trigger["platform"], trigger["entity_id"]) == ("state", sensor)
    assert (trigger["household_id"], trigger["for"]) == (neighbours.zhang.id, DAY.total_seconds())
    assert (trigger["from_state"]["state"], trigger["to_state"]["state"]) == ("0", "1")
    condition, step = run["steps"]
    assert (condition["path"], condition["result"]) == ("condition/0", {"holds": True})
    assert (step["path"], step["kind"], step["error"]) == ("action/0", "notify", None)
    assert step["result"]["title"] == REMINDER
    assert sorted(step["result"]["notified"]) == sorted(
        (neighbours.users["zhang"].id, neighbours.users["wife"].id)
    )
    assert run["started_at"] == pytest.approx((START + DAY).timestamp(), abs=1)

    fire_time_changed(hub, DAY)  # still there a day later: reminded once
    await hub.block_till_done()
    assert await reminded(neighbours, "zhang") == 1


async def test_a_parcel_collected_after_five_hours_brings_no_reminder(
    hub: Hub,
    neighbours: Neighbours,
    courier: Courier,
    reminder: str,
    hub_client_no_auth: TestClient,
) -> None:
    assert (await courier.deposit("P-1", compartment=3)).status == 201

    fire_time_changed(hub, timedelta(hours=5))
    code = code_of(hub, neighbours.zhang.id, 3)
    assert await (await courier.pickup(3, code)).json() == {"open": True}
    assert hub.states.get(waiting_parcels(hub, neighbours.zhang.id)).state == "0"
    fire_time_changed(hub, DAY)
    await hub.block_till_done()

    assert await reminded(neighbours, "zhang") == 0
    assert await reminded(neighbours, "wife") == 0
    assert (await neighbours.told("zhang"))[-1][0] == "快递已取出"
    (run,) = await traces(hub_client_no_auth, neighbours, reminder)
    assert (run["state"], run["reason"]) == ("stopped", "conditions")  # none waiting by then


async def test_a_parcel_left_while_another_waited_is_reminded_too(
    hub: Hub, neighbours: Neighbours, courier: Courier, reminder: str
) -> None:
    assert (await courier.deposit("P-1", compartment=3)).status == 201
    fire_time_changed(hub, DAY)
    await hub.block_till_done()
    assert await reminded(neighbours, "zhang") == 1

    fire_time_changed(hub, timedelta(hours=1))
    assert (await courier.deposit("P-2", compartment=4)).status == 201
    fire_time_changed(hub, timedelta(hours=1))
    code = code_of(hub, neighbours.zhang.id, 3)
    assert await (await courier.pickup(3, code)).json() == {"open": True}  # P-2 still waits

    fire_time_changed(hub, DAY - MINUTE)
    await hub.block_till_done()
    assert await reminded(neighbours, "zhang") == 1
    fire_time_changed(hub, MINUTE)
    await hub.block_till_done()
    assert await reminded(neighbours, "zhang") == 2
