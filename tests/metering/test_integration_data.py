"""What an integration keeps between restarts: JSON records by kind and key, its own only."""

from collections.abc import Awaitable, Callable

import pytest

from linli.hub import Hub
from linli.storage.integration_data import IntegrationData
from linli.testing.plugin import HubFactory

Restart = Callable[[Hub], Awaitable[Hub]]


async def test_records_are_saved_replaced_and_removed(hub: Hub) -> None:
    data = IntegrationData(hub, "ev_charger")
    data.save("charge_point", "CP-1", {"vendor": "星星充电", "connectors": [1, 2]})
    data.save("charge_point", "CP-2", {"vendor": "特来电", "connectors": [1]})
    data.save("session", "CP-1/42", {"meter_start": 1000})
    assert await data.load("charge_point") == {
        "CP-1": {"vendor": "星星充电", "connectors": [1, 2]},
        "CP-2": {"vendor": "特来电", "connectors": [1]},
    }

    data.save("charge_point", "CP-1", {"vendor": "星星充电", "connectors": [1]})
    data.remove("charge_point", "CP-2")
    data.remove("charge_point", "CP-9")  # none there: nothing happens

    assert await data.load("charge_point") == {"CP-1": {"vendor": "星星充电", "connectors": [1]}}
    assert await data.load("session") == {"CP-1/42": {"meter_start": 1000}}
    assert await data.load("parcel") == {}


async def test_a_record_is_what_it_was_when_saved(hub: Hub) -> None:
    """The write is queued: changing the object afterwards does not change the record."""
    data = IntegrationData(hub, "ev_charger")
    session = {"meter_start": 1000, "readings": [1000]}
    data.save("session", "CP-1/42", session)
    session["readings"].append(1500)
    session["meter_start"] = 0

    assert await data.load("session") == {"CP-1/42": {"meter_start": 1000, "readings": [1000]}}


@pytest.mark.parametrize(
    ("value", "error"), [({1, 2}, TypeError), (float("nan"), ValueError), (b"\x00", TypeError)]
)
async def test_what_json_cannot_hold_is_refused_when_saving(
    hub: Hub, value: object, error: type[Exception]
) -> None:
    data = IntegrationData(hub, "ev_charger")
    with pytest.raises(error):
        data.save("session", "CP-1/42", {"value": value})
    assert await data.load("session") == {}


async def test_records_survive_a_restart_and_each_domain_sees_its_own(
    hub_factory: HubFactory, database_url: str, restart: Restart
) -> None:
    hub = await hub_factory(database_url=database_url)
    IntegrationData(hub, "ev_charger").save("charge_point", "CP-1", {"site": "东门"})
    IntegrationData(hub, "parcel_locker").save("charge_point", "CP-1", {"site": "北门"})
    IntegrationData(hub, "parcel_locker").save("parcel", "P-1", {"pickup_code": "4711"})

    hub = await restart(hub)

    charger, locker = IntegrationData(hub, "ev_charger"), IntegrationData(hub, "parcel_locker")
    assert await charger.load("charge_point") == {"CP-1": {"site": "东门"}}
    assert await charger.load("parcel") == {}
    assert await locker.load("charge_point") == {"CP-1": {"site": "北门"}}
    locker.remove("charge_point", "CP-1")
    assert await charger.load("charge_point") == {"CP-1": {"site": "东门"}}
    assert await locker.load("parcel") == {"P-1": {"pickup_code": "4711"}}
