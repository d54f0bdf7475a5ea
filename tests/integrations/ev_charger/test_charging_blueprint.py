"""The shipped blueprint ``linli/charging_finished.yaml`` end to end, through a real OCPP 1.6J
charge point (the ``ocpp`` package's client) over WebSocket. Two cars charge side by side on
CP-1: 1-101's (陈刚 and his wife 刘芳) on connector 1, 1-102's (周敏) on connector 2.

The site fires ``ev_charger_charging_finished`` for a session once, when the car first reports
it is done (SuspendedEV or Finishing), or at StopTransaction if that comes first.

- The community's automation (owner_id None): 1-101's car reports SuspendedEV, and 1-101 is
  told 充电已完成 with the idle-fee warning, 1-102 nothing; 陈刚 ending the session later tells
  nobody again; 周敏 stopping her session from the car tells 1-102. One automation, acting for
  whichever household's session finished; its traces show which.
- 周敏's own automation, POSTed over REST with her token: it does not hear 1-101's car; her
  own car finishing tells her; the trace read over REST.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from charger_helpers import CARD_A, CARD_B, SITE, ConnectCharger

from linli.community.households import HouseholdEntry
from linli.hub import Hub
from linli.integrations.ev_charger.const import EVENT_CHARGING_FINISHED
from linli.integrations.ev_charger.simulator import SimulatedChargePoint

BLUEPRINT = "linli/charging_finished.yaml"
# The blueprint's words.
TITLE = "充电已完成"
MESSAGE = "您的车已结束充电，请在免费占位时间内挪车，超时后将按分钟收取占位费。"  # noqa: RUF001
HOUR = 3600  # seconds of charging


@dataclass
class Drivers:
    """The accounts of 1-101 (陈刚, the owner, and 刘芳) and 1-102 (周敏, the owner)."""

    hub: Hub
    ids: dict[str, str]
    tokens: dict[str, str]

    async def told(self) -> dict[str, int]:
        """How many of the blueprint's notifications each of them has had."""
        return {
            who: sum(
                1 for note in await self.hub.notifications.of_user(user_id) if note.title == TITLE
            )
            for who, user_id in self.ids.items()
        }


@pytest.fixture
def drivers(hub: Hub, households: list[HouseholdEntry]) -> Drivers:
    ids: dict[str, str] = {}
    tokens: dict[str, str] = {}
    for who, name, role, household in (
        ("chen", "陈刚", "owner", households[0]),
        ("liu", "刘芳", "family", households[0]),
        ("zhou", "周敏", "owner", households[1]),
    ):
        user = hub.users.create(who, "resident")
        hub.community.members.create(household.id, name, role, user_id=user.id)
        ids[who] = user.id
        tokens[who] = hub.http.tokens.create("test", user.id, "long_lived")[1]
    return Drivers(hub, ids, tokens)


@pytest.fixture
async def charger(
    hub: Hub, households: list[HouseholdEntry], connect_charger: ConnectCharger
) -> SimulatedChargePoint:
    """CP-1 charging 1-101's car on connector 1 and 1-102's on connector 2 for an hour."""
    charger = await connect_charger("CP-1", connectors=2)
    assert await charger.start_session(1, CARD_A) is not None
    assert await charger.start_session(2, CARD_B) is not None
    await hub.block_till_done()
    assert await charger.charge(1, HOUR) == await charger.charge(2, HOUR) == 5500  # shared 11 kW
    await hub.block_till_done()
    return charger


def finished(trace: dict[str, Any], household: HouseholdEntry, connector_id: int) -> None:
    """That the run was for ``household``'s session on ``connector_id`` and told it."""
    assert trace["state"] == "finished"
    trigger = trace["trigger"]
    assert (trigger["platform"], trigger["household_id"]) == ("event", household.id)
    assert trigger["event"] == {
        "event_type": EVENT_CHARGING_FINISHED,
        "data": {
            "household_id": household.id,
            "charge_point_id": "CP-1",
            "connector_id": connector_id,
            "energy_kwh": 5.5,
            "idle_grace_minutes": SITE["idle_grace_minutes"],
            "idle_fee_fen_per_minute": SITE["idle_fee_fen_per_minute"],
        },
    }
    (step,) = trace["steps"]
    assert (step["path"], step["kind"], step["error"]) == ("action/0", "notify", None)
    assert step["result"]["title"] == TITLE


async def test_the_communitys_automation_tells_the_household_whose_car_finished(
    hub: Hub,
    households: list[HouseholdEntry],
    drivers: Drivers,
    charger: SimulatedChargePoint,
) -> None:
    automation = hub.automations.create(
        {"id": "charging_finished", "use_blueprint": {"path": BLUEPRINT, "input": {}}},
        owner_id=None,
    )

    await charger.finish_charging(1)  # 1-101's car is full: SuspendedEV
    await hub.block_till_done()
    assert await drivers.told() == {"chen": 1, "liu": 1, "zhou": 0}
    for who in ("chen", "liu"):
        (note,) = await hub.notifications.of_user(drivers.ids[who])
        assert (note.title, note.message) == (TITLE, MESSAGE)
    (run,) = (trace.as_dict() for trace in automation.traces)
    finished(run, households[0], 1)
    notified = run["steps"][0]["result"]["notified"]
    assert sorted(notified) == sorted((drivers.ids["chen"], drivers.ids["liu"]))

    await charger.stop_session(1)  # 陈刚 ends the session: StopTransaction, Finishing
    await charger.stop_session(2)  # 周敏 stops hers from the car before it is full
    await hub.block_till_done()
    assert await drivers.told() == {"chen": 1, "liu": 1, "zhou": 1}
    first, second = (trace.as_dict() for trace in automation.traces)
    assert first == run
    finished(second, households[1], 2)
    assert second["steps"][0]["result"]["notified"] == [drivers.ids["zhou"]]


async def test_a_households_own_automation_hears_only_its_own_car(
    hub: Hub,
    households: list[HouseholdEntry],
    drivers: Drivers,
    charger: SimulatedChargePoint,
    hub_client_no_auth: TestClient,
) -> None:
    headers = {"Authorization": f"Bearer {drivers.tokens['zhou']}"}
    answer = await hub_client_no_auth.post(
        "/api/automations",
        json={"alias": "充好了叫我挪车", "use_blueprint": {"path": BLUEPRINT, "input": {}}},
        headers=headers,
    )
    assert answer.status == 201, await answer.text()
    made = await answer.json()
    assert (made["household_id"], made["owner_id"]) == (households[1].id, drivers.ids["zhou"])
    traces_url = f"/api/automations/{made['id']}/traces"

    await charger.finish_charging(1)  # the neighbours' car
    await hub.block_till_done()
    assert await drivers.told() == {"chen": 0, "liu": 0, "zhou": 0}
    assert await (await hub_client_no_auth.get(traces_url, headers=headers)).json() == []

    await charger.finish_charging(2)  # her own
    await hub.block_till_done()
    assert await drivers.told() == {"chen": 0, "liu": 0, "zhou": 1}
    (note,) = await hub.notifications.of_user(drivers.ids["zhou"])
    assert (note.title, note.message) == (TITLE, MESSAGE)
    (run,) = await (await hub_client_no_auth.get(traces_url, headers=headers)).json()
    finished(run, households[1], 2)
    assert run["steps"][0]["result"]["notified"] == [drivers.ids["zhou"]]
