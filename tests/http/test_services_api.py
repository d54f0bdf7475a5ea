"""/api/services and /api/events: list and call services, fire events."""

import pytest
import voluptuous as vol
from aiohttp.test_utils import TestClient

from linli.events import Event
from linli.hub import Hub
from linli.services import ServiceCall, SupportsResponse


@pytest.fixture
def gate_calls(hub: Hub) -> list[ServiceCall]:
    """``gate.open`` (sets the gate's state) and ``gate.battery`` (answers with data)."""
    calls: list[ServiceCall] = []

    async def open_gate(call: ServiceCall) -> None:
        calls.append(call)
        hub.states.set(f"lock.{call.data['gate']}", "unlocked", context=call.context)
        hub.states.set("sensor.unrelated", "1")  # not caused by the call

    def battery(call: ServiceCall) -> dict:
        calls.append(call)
        return {"battery": 87}

    hub.services.register(
        "gate", "open", open_gate, vol.Schema({vol.Required("gate"): vol.In(["north", "south"])})
    )
    hub.services.register("gate", "battery", battery, supports_response=SupportsResponse.optional)
    return calls


async def test_services_are_listed_by_domain(hub_client: TestClient, gate_calls) -> None:
    response = await hub_client.get("/api/services")
    assert response.status == 200
    assert await response.json() == [
        {
            "domain": "gate",
            "services": {
                "open": {"supports_response": "none"},
                "battery": {"supports_response": "optional"},
            },
        }
    ]


async def test_a_call_answers_the_states_it_changed(
    hub: Hub, hub_client: TestClient, gate_calls: list[ServiceCall]
) -> None:
    response = await hub_client.post("/api/services/gate/open", json={"gate": "north"})
    assert response.status == 200
    assert await response.read() == b"[" + hub.states.get("lock.north").json + b"]"
    (call,) = gate_calls
    assert call.data == {"gate": "north"}
    assert call.context.origin == "user"
    token = hub.http.tokens.validate(
        (hub.config.config_dir / "admin_token").read_text(encoding="utf-8").strip()
    )
    assert call.context.user_id == token.user_id


@pytest.mark.parametrize("flag", ["", "true", "1"])
async def test_return_response(hub_client: TestClient, gate_calls, flag: str) -> None:
    response = await hub_client.post(f"/api/services/gate/battery?return_response={flag}")
    assert response.status == 200
    assert await response.json() == {"changed_states": [], "service_response": {"battery": 87}}


async def test_a_bad_return_response_flag_is_400(
    hub_client: TestClient, gate_calls, expect_error
) -> None:
    response = await hub_client.post("/api/services/gate/battery?return_response=perhaps")
    await expect_error(response, 400, "invalid_format", field="return_response")
    assert gate_calls == []


async def test_asking_a_response_of_a_service_without_one_is_400(
    hub_client: TestClient, gate_calls, expect_error
) -> None:
    response = await hub_client.post(
        "/api/services/gate/open?return_response", json={"gate": "north"}
    )
    error = await expect_error(response, 400, "invalid_format")
    assert "this service returns no response" in error["message"]


@pytest.mark.parametrize(
    ("data", "field"),
    [({}, "gate"), ({"gate": "east"}, "gate"), ({"gate": "north", "speed": 3}, "speed")],
)
async def test_invalid_service_data_is_400_naming_the_field(
    hub_client: TestClient, gate_calls, expect_error, data: dict, field: str
) -> None:
    response = await hub_client.post("/api/services/gate/open", json=data)
    error = await expect_error(response, 400, "invalid_format", field=field)
    assert error["message"].startswith("Invalid data for service gate.open (field ")
    assert gate_calls == []


async def test_service_data_must_be_an_object(
    hub_client: TestClient, gate_calls, expect_error
) -> None:
    response = await hub_client.post("/api/services/gate/open", json=["north"])
    error = await expect_error(response, 400, "invalid_format")
    assert error["message"] == "The data of service gate.open must be a JSON object, got an array"


async def test_an_unknown_service_is_404(hub_client: TestClient, gate_calls, expect_error) -> None:
    response = await hub_client.post("/api/services/gate/fly", json={})
    error = await expect_error(response, 404, "not_found")
    assert error["message"] == "Service gate.fly does not exist"


async def test_firing_an_event(hub: Hub, hub_client: TestClient) -> None:
    seen: list[Event] = []
    hub.bus.listen("parcel_delivered", seen.append)
    response = await hub_client.post(
        "/api/events/parcel_delivered", json={"locker": "A-12", "unit": "7-2-1203"}
    )
    assert response.status == 200
    assert await response.json() == {"message": "Event parcel_delivered fired"}
    (event,) = seen
    assert event.data == {"locker": "A-12", "unit": "7-2-1203"}
    assert event.context.user_id is not None

    assert (await hub_client.post("/api/events/parcel_delivered")).status == 200
    assert seen[1].data == {}


@pytest.mark.parametrize(
    ("event_type", "message"),
    [
        ("state_changed", "Only the hub fires 'state_changed' events"),
        ("hub_stop", "Only the hub fires 'hub_stop' events"),
        ("Bad-Type", "'Bad-Type' is not a valid event type"),
        ("x" * 65, "is not a valid event type"),
    ],
)
async def test_events_the_api_may_not_fire(
    hub: Hub, hub_client: TestClient, expect_error, event_type: str, message: str
) -> None:
    seen: list[Event] = []
    hub.bus.listen("*", seen.append)
    response = await hub_client.post(f"/api/events/{event_type}", json={})
    error = await expect_error(response, 400, "invalid_format", field="event_type")
    assert message in error["message"]
    assert seen == []


async def test_event_data_must_be_an_object(hub_client: TestClient, expect_error) -> None:
    response = await hub_client.post("/api/events/doorbell", json="ding")
    await expect_error(response, 400, "invalid_format")
