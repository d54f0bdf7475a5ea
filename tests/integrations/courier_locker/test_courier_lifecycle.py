"""Parcels nobody picks up expire and go back to the courier; doors open and close; a
restarted hub still has every parcel, code and door."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from aiohttp.test_utils import TestClient, TestServer
from locker_helpers import Courier, Neighbours, code_of, compartment, waiting_parcels

from linli.config_entries import ConfigEntry, ConfigEntryState
from linli.hub import Hub
from linli.storage.integration_data import IntegrationData
from linli.testing import fire_time_changed


async def test_an_expired_parcel_goes_back_with_the_courier(
    hub: Hub, bank: ConfigEntry, neighbours: Neighbours, courier: Courier
) -> None:
    await courier.deposit("P-1", compartment=4)
    code = code_of(hub, neighbours.zhang.id, 4)

    fire_time_changed(hub, timedelta(days=7, minutes=1))
    await hub.block_till_done()

    (parcel,) = hub.states.get(waiting_parcels(hub, neighbours.zhang.id)).attributes["parcels"]
    assert (parcel["expired"], parcel["pickup_code"]) == (True, code)  # it still opens
    title, message = (await neighbours.told("zhang"))[-1]
    assert title == "快递将被退回"
    assert "已存放 7 天" in message
    assert f"取回前仍可凭取件码 {code} 取件" in message
    ((title, message),) = await neighbours.told("desk")
    assert (title, "已存放 7 天未取" in message) == ("快递超期未取", True)

    answer = await courier.take_back("P-1")
    assert (answer.status, await answer.json()) == (200, {"parcel_id": "P-1", "status": "returned"})
    assert hub.states.get(compartment(hub, 4)).state == "free"
    assert hub.states.get(waiting_parcels(hub, neighbours.zhang.id)).state == "0"
    assert (await neighbours.told("zhang"))[-1][0] == "快递已退回"
    fire_time_changed(hub, timedelta(seconds=1))
    assert (await courier.pickup(4, code)).status == 409
    assert (await courier.take_back("P-1")).status == 200  # returned already: nothing new
    assert (await courier.take_back("P-404")).status == 404


async def test_a_picked_up_parcel_cannot_be_returned(
    hub: Hub, bank: ConfigEntry, neighbours: Neighbours, courier: Courier
) -> None:
    await courier.deposit("P-1", compartment=1)
    await courier.pickup(1, code_of(hub, neighbours.zhang.id, 1))

    answer = await courier.take_back("P-1")
    assert answer.status == 409
    error = await answer.json()
    assert (error["field"], error["message"]) == (
        "parcel_id",
        "Parcel P-1 was picked up at 2026-12-01 09:00: it cannot be returned",
    )


async def test_the_doors_show_what_the_locker_reports(
    hub: Hub, bank: ConfigEntry, courier: Courier
) -> None:
    door = compartment(hub, 2, "binary_sensor")
    assert hub.states.get(door).state == "unknown"

    assert await (await courier.door(2, "open")).json() == {"compartment": 2, "door": "open"}
    assert hub.states.get(door).state == "on"
    assert hub.states.get(door).attributes["device_class"] == "door"
    await courier.door(2, "closed")
    assert hub.states.get(door).state == "off"
    assert (await courier.door(5, "open")).status == 404


async def test_a_restart_keeps_parcels_codes_and_doors(
    hub: Hub,
    bank: ConfigEntry,
    neighbours: Neighbours,
    courier: Courier,
    restart: Callable[[Hub], Awaitable[Hub]],
) -> None:
    await courier.deposit("P-1", compartment=1)
    await courier.deposit("P-2", compartment=3)
    await courier.door(3, "open")
    code = code_of(hub, neighbours.zhang.id, 3)

    hub = await restart(hub)
    (entry,) = hub.config_entries.entries("courier_locker")
    assert entry.state is ConfigEntryState.loaded

    assert hub.states.get(waiting_parcels(hub, neighbours.zhang.id)).state == "2"
    assert code_of(hub, neighbours.zhang.id, 3) == code
    assert hub.states.get(compartment(hub, 1)).state == "occupied"
    assert hub.states.get(compartment(hub, 3, "binary_sensor")).state == "on"
    client = TestClient(TestServer(hub.http.app, port=0))
    await client.start_server()
    try:
        assert await (await Courier(hub, client).pickup(3, code)).json() == {"open": True}
    finally:
        await client.close()
    assert hub.states.get(compartment(hub, 3)).state == "free"


async def test_a_removed_bank_takes_its_records_along(
    hub: Hub, bank: ConfigEntry, neighbours: Neighbours, courier: Courier
) -> None:
    await courier.deposit("P-1", compartment=1)
    await courier.door(1, "closed")
    records = IntegrationData(hub, "courier_locker")
    assert list(await records.load(f"parcels:{bank.id}")) == ["P-1"]

    await hub.config_entries.remove(bank.id)
    await hub.block_till_done()

    assert await records.load(f"parcels:{bank.id}") == {}
    assert await records.load(f"doors:{bank.id}") == {}
    assert hub.states.get("sensor.lockers_a_compartment_1") is None
