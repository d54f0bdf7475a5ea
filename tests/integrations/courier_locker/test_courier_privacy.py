"""A pickup code is for its household: the neighbours see the compartments, never the code."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from locker_helpers import Courier, Neighbours, code_of, compartment, waiting_parcels

from linli.config_entries import ConfigEntry
from linli.hub import Hub


async def test_another_household_cannot_see_the_pickup_code(
    hub: Hub,
    bank: ConfigEntry,
    neighbours: Neighbours,
    courier: Courier,
    hub_client_no_auth: TestClient,
) -> None:
    await courier.deposit("P-1", compartment=1)
    code = code_of(hub, neighbours.zhang.id, 1)
    zhangs = waiting_parcels(hub, neighbours.zhang.id)

    answer = await hub_client_no_auth.get("/api/states", headers=neighbours.auth("wang"))
    assert answer.status == 200
    seen = {state["entity_id"]: state for state in await answer.json()}
    assert zhangs not in seen
    assert seen[compartment(hub, 1)]["state"] == "occupied"  # the compartment is shared
    shown = await answer.text()
    assert "pickup_code" not in shown
    assert "SFP-1" not in shown  # nor the tracking number
    direct = await hub_client_no_auth.get(f"/api/states/{zhangs}", headers=neighbours.auth("wang"))
    assert direct.status == 404

    own = await hub_client_no_auth.get(f"/api/states/{zhangs}", headers=neighbours.auth("zhang"))
    assert own.status == 200
    assert (await own.json())["attributes"]["parcels"][0]["pickup_code"] == code
    device = hub.devices.get(hub.entities.get(zhangs).device_id)
    assert device.household_id == neighbours.zhang.id
