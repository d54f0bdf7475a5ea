"""The service registry: calling, validating, responding, and its errors."""

import asyncio

import pytest
import voluptuous as vol

from linli.const import EVENT_CALL_SERVICE
from linli.context import Context
from linli.events import Event
from linli.exceptions import ServiceNotFound, ServiceValidationError
from linli.hub import Hub
from linli.services import ServiceCall, SupportsResponse

UNLOCK_SCHEMA = vol.Schema(
    {
        vol.Required("entity_id"): str,
        vol.Optional("seconds", default=5): vol.All(int, vol.Range(1, 60)),
    }
)


async def test_call_runs_handler_with_validated_data_and_context(hub: Hub) -> None:
    calls: list[ServiceCall] = []
    hub.services.register("lock", "unlock", calls.append, UNLOCK_SCHEMA)
    context = Context(user_id="resident-1203")

    await hub.services.call("lock", "unlock", {"entity_id": "lock.gate"}, context=context)

    (call,) = calls
    assert call.data == {"entity_id": "lock.gate", "seconds": 5}
    assert call.context is context
    assert (call.domain, call.service) == ("lock", "unlock")


async def test_every_call_is_announced_with_its_context(hub: Hub) -> None:
    announced: list[Event] = []
    hub.bus.listen(EVENT_CALL_SERVICE, announced.append)
    hub.services.register("lock", "unlock", lambda call: None)
    context = Context(user_id="operator-1")

    await hub.services.call("lock", "unlock", {"entity_id": "lock.gate"}, context=context)

    assert announced[0].data == {
        "domain": "lock",
        "service": "unlock",
        "service_data": {"entity_id": "lock.gate"},
    }
    assert announced[0].context is context


async def test_unknown_service_names_the_service(hub: Hub) -> None:
    with pytest.raises(ServiceNotFound, match=r"Service lock\.unlcok does not exist"):
        await hub.services.call("lock", "unlcok")


async def test_invalid_data_names_service_and_field(hub: Hub) -> None:
    calls: list[ServiceCall] = []
    hub.services.register("lock", "unlock", calls.append, UNLOCK_SCHEMA)

    with pytest.raises(ServiceValidationError) as raised:
        await hub.services.call("lock", "unlock", {"entity_id": "lock.gate", "seconds": 600})
    assert raised.value.field == "seconds"
    assert "lock.unlock" in str(raised.value)
    assert "'seconds'" in str(raised.value)

    with pytest.raises(ServiceValidationError, match="entity_id"):
        await hub.services.call("lock", "unlock", {})
    with pytest.raises(ServiceValidationError, match="expected a mapping"):
        await hub.services.call("lock", "unlock", ["lock.gate"])  # type: ignore[arg-type]
    assert calls == []


async def test_async_handler_response(hub: Hub) -> None:
    async def list_parcels(call: ServiceCall) -> dict:
        await asyncio.sleep(0)
        return {"parcels": [call.data["household"]]}

    hub.services.register("locker", "list", list_parcels, supports_response=SupportsResponse.only)

    response = await hub.services.call(
        "locker", "list", {"household": "7-2-1203"}, return_response=True
    )
    assert response == {"parcels": ["7-2-1203"]}
    with pytest.raises(ServiceValidationError, match="only returns a response"):
        await hub.services.call("locker", "list", {"household": "x"})


async def test_optional_response(hub: Hub) -> None:
    hub.services.register(
        "charger",
        "status",
        lambda call: {"power_kw": 7},
        supports_response=SupportsResponse.optional,
    )
    assert await hub.services.call("charger", "status") is None
    assert await hub.services.call("charger", "status", return_response=True) == {"power_kw": 7}


async def test_response_from_a_service_without_one_is_refused(hub: Hub) -> None:
    hub.services.register("lock", "unlock", lambda call: None)
    with pytest.raises(ServiceValidationError, match="returns no response"):
        await hub.services.call("lock", "unlock", return_response=True)
    with pytest.raises(ServiceValidationError, match="blocking"):
        await hub.services.call("lock", "unlock", blocking=False, return_response=True)


async def test_non_blocking_call_runs_later(hub: Hub) -> None:
    done: list[str] = []

    async def slow(call: ServiceCall) -> None:
        await asyncio.sleep(0)
        done.append("ran")

    hub.services.register("notify", "send", slow)
    assert await hub.services.call("notify", "send", blocking=False) is None
    assert done == []
    await hub.block_till_done()
    assert done == ["ran"]


async def test_register_list_and_remove(hub: Hub) -> None:
    hub.services.register("Lock", "Unlock", lambda call: None)
    assert hub.services.has("lock", "unlock")
    assert "unlock" in hub.services.services()["lock"]

    hub.services.remove("lock", "unlock")
    assert not hub.services.has("lock", "unlock")
    assert "lock" not in hub.services.services()
    with pytest.raises(ServiceNotFound):
        hub.services.remove("lock", "unlock")
