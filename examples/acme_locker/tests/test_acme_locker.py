"""The integration in a hub: the form, the sensors, polling, a bank that goes away."""

from datetime import timedelta

from linli.config_entries import ConfigEntryState
from linli.flows import FlowContext, FlowResult, FlowResultType
from linli.hub import Hub
from linli.testing import fire_time_changed

from linli_acme_locker.const import DOMAIN
from linli_acme_locker.simulator import LockerBankSimulator

USER = "operator-1"
FREE = "sensor.acme_al_24_al24_000731_free_compartments"
WAITING = "sensor.acme_al_24_al24_000731_parcels_waiting"
OVERDUE = "sensor.acme_al_24_al24_000731_overdue_parcels"


async def add_bank(hub: Hub, port: int) -> FlowResult:
    flows = hub.config_entries.flow
    form = await flows.init(DOMAIN, context=FlowContext(user_id=USER))
    assert form.step_id == "user"
    assert [field["name"] for field in form.data_schema] == ["host", "port"]
    return await flows.configure(form.flow_id, {"host": "127.0.0.1", "port": port}, user_id=USER)


async def closed_port() -> int:
    async with LockerBankSimulator() as gone:
        return gone.port


async def test_the_hub_offers_the_integration(hub: Hub) -> None:
    integration = hub.integrations.catalog.get(DOMAIN)
    assert integration is not None
    assert not integration.builtin
    assert integration.translations()["name"] == "Acme 快递柜"
    assert integration.translations("en")["entity"]["sensor"]["free_compartments"]["name"]


async def test_a_bank_is_added_with_its_sensors(hub: Hub, bank: LockerBankSimulator) -> None:
    done = await add_bank(hub, bank.port)

    assert done.type is FlowResultType.create_entry
    entry = done.result
    assert entry.title == "Acme AL-24 AL24-000731"
    assert entry.unique_id == "AL24-000731"
    assert entry.state is ConfigEntryState.loaded
    assert hub.states.get(FREE).state == "3"
    assert hub.states.get(FREE).attributes["free_by_size"] == {"S": 1, "M": 1, "L": 1}
    assert hub.states.get(WAITING).state == "2"
    assert hub.states.get(OVERDUE).state == "1"
    (device,) = hub.devices
    assert (device.manufacturer, device.model, device.sw_version) == (
        "Acme Lockers",
        "AL-24",
        "2.3.1",
    )


async def test_a_bank_that_does_not_answer_is_a_form_error(hub: Hub) -> None:
    result = await add_bank(hub, await closed_port())
    assert result.type is FlowResultType.form
    assert result.errors == {"base": "cannot_connect"}


async def test_something_else_answering_is_a_form_error(
    hub: Hub, bank: LockerBankSimulator
) -> None:
    bank.status = b"SSH-2.0-OpenSSH_9.6\r\n"
    result = await add_bank(hub, bank.port)
    assert result.errors == {"base": "invalid_response"}


async def test_the_same_bank_cannot_be_added_twice(hub: Hub, bank: LockerBankSimulator) -> None:
    await add_bank(hub, bank.port)
    again = await add_bank(hub, bank.port)
    assert again.type is FlowResultType.abort
    assert again.reason == "already_configured"


async def test_sensors_follow_the_bank_and_one_request_serves_them_all(
    hub: Hub, bank: LockerBankSimulator
) -> None:
    await add_bank(hub, bank.port)
    bank.status["compartments"][0]["parcel"] = {
        "carrier": "JD",
        "deposited_at": hub.clock.now().isoformat(),
    }
    requests = bank.requests

    fire_time_changed(hub, timedelta(seconds=61))
    await hub.block_till_done()

    assert hub.states.get(FREE).state == "2"
    assert hub.states.get(WAITING).state == "3"
    assert bank.requests == requests + 1


async def test_sensors_are_unavailable_while_the_bank_is_away(
    hub: Hub, bank: LockerBankSimulator
) -> None:
    await add_bank(hub, bank.port)
    await bank.__aexit__(None, None, None)

    fire_time_changed(hub, timedelta(seconds=61))
    await hub.block_till_done()

    assert hub.states.get(FREE).state == "unavailable"


async def test_a_bank_offline_at_start_is_retried(hub: Hub) -> None:
    entry = await hub.config_entries.add(
        DOMAIN, "东门快递柜", {"host": "127.0.0.1", "port": await closed_port()}
    )
    assert entry.state is ConfigEntryState.setup_retry
    assert "does not answer" in entry.reason


async def test_unloading_removes_the_sensors(hub: Hub, bank: LockerBankSimulator) -> None:
    entry = (await add_bank(hub, bank.port)).result
    assert await hub.config_entries.unload(entry.id)
    assert hub.states.all("sensor") == []
    assert hub.data[DOMAIN] == {}
