"""/api/ and /api/states: hub info, read every state or one, write one."""

import orjson
import pytest
from aiohttp.test_utils import TestClient

from linli import __version__
from linli.const import MAX_STATE_LENGTH
from linli.hub import Hub


async def test_hub_info(hub: Hub, hub_client: TestClient) -> None:
    response = await hub_client.get("/api/")
    assert response.status == 200
    assert await response.json() == {
        "name": "测试小区",
        "version": __version__,
        "state": "running",
        "time_zone": "Asia/Shanghai",
        "language": "zh-Hans",
    }


async def test_states_are_the_cached_json_of_each_state(hub: Hub, hub_client: TestClient) -> None:
    smoke = hub.states.set("binary_sensor.kitchen_smoke", "off", {"device_class": "smoke"})
    charger = hub.states.set("sensor.charger_3_power", "7.2", {"unit_of_measurement": "kW"})

    response = await hub_client.get("/api/states")
    assert response.status == 200
    assert response.content_type == "application/json"
    assert await response.read() == b"[" + smoke.json + b"," + charger.json + b"]"
    assert [state["entity_id"] for state in await response.json()] == [
        "binary_sensor.kitchen_smoke",
        "sensor.charger_3_power",
    ]

    response = await hub_client.get("/api/states/sensor.charger_3_power")
    assert response.status == 200
    assert await response.read() == charger.json


async def test_no_states_is_an_empty_list(hub_client: TestClient) -> None:
    response = await hub_client.get("/api/states")
    assert await response.json() == []


async def test_unknown_entity_is_404(hub_client: TestClient, expect_error) -> None:
    body = await expect_error(await hub_client.get("/api/states/sensor.nowhere"), 404, "not_found")
    assert body["message"] == "Entity 'sensor.nowhere' not found"


async def test_writing_a_new_state_then_changing_it(hub: Hub, hub_client: TestClient) -> None:
    response = await hub_client.post(
        "/api/states/sensor.water_meter",
        json={"state": "1203.5", "attributes": {"unit_of_measurement": "m³"}},
    )
    assert response.status == 201
    assert response.headers["Location"] == "/api/states/sensor.water_meter"
    state = hub.states.get("sensor.water_meter")
    assert await response.read() == state.json
    assert state.attributes == {"unit_of_measurement": "m³"}
    assert state.context.origin == "user"
    assert state.context.user_id is not None

    response = await hub_client.post("/api/states/sensor.water_meter", json={"state": "1204.0"})
    assert response.status == 200
    assert (await response.json())["state"] == "1204.0"
    assert hub.states.get("sensor.water_meter").attributes == {}


async def test_force_update_writes_an_unchanged_state(hub: Hub, hub_client: TestClient) -> None:
    first = hub.states.set("sensor.gate", "closed")
    body = {"state": "closed", "force_update": True}
    response = await hub_client.post("/api/states/sensor.gate", json=body)
    assert response.status == 200
    assert hub.states.get("sensor.gate") is not first


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "state", "Field 'state' is required"),
        ({"state": 21.5}, "state", "Field 'state' must be a string, got a number"),
        ({"state": None}, "state", "Field 'state' must be a string, got null"),
        ({"state": "on", "attributes": [1]}, "attributes", "must be an object, got an array"),
        ({"state": "on", "force_update": "yes"}, "force_update", "must be a boolean"),
        ({"state": "on", "colour": "red"}, "colour", "Unknown field 'colour'"),
        ({"state": "x" * (MAX_STATE_LENGTH + 1)}, "state", "at most 255 are allowed"),
    ],
)
async def test_a_wrong_state_is_400_naming_the_field(
    hub: Hub, hub_client: TestClient, expect_error, body: dict, field: str, message: str
) -> None:
    response = await hub_client.post("/api/states/sensor.gate", json=body)
    error = await expect_error(response, 400, "invalid_format", field=field)
    assert message in error["message"]
    assert hub.states.get("sensor.gate") is None


@pytest.mark.parametrize("body", [b"[]", b'"on"', b"42"])
async def test_a_body_that_is_not_an_object_is_400(
    hub_client: TestClient, expect_error, body: bytes
) -> None:
    response = await hub_client.post("/api/states/sensor.gate", data=body)
    error = await expect_error(response, 400, "invalid_format")
    assert error["message"].startswith("The new state must be a JSON object, got ")


async def test_an_invalid_entity_id_is_400(hub_client: TestClient, expect_error) -> None:
    response = await hub_client.post("/api/states/Not-An-Entity", json={"state": "on"})
    error = await expect_error(response, 400, "invalid_format", field="entity_id")
    assert "'Not-An-Entity' is not a valid entity id" in error["message"]


async def test_attributes_round_trip_as_json(hub_client: TestClient) -> None:
    attributes = {"nested": {"list": [1, 2.5, None, True]}, "名字": "三号楼"}
    response = await hub_client.post(
        "/api/states/sensor.anything", data=orjson.dumps({"state": "ok", "attributes": attributes})
    )
    assert (await response.json())["attributes"] == attributes
