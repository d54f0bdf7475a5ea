"""/api/registry: the community's devices, entities and areas."""

from aiohttp.test_utils import TestClient

from linli.hub import Hub


async def test_registries_are_listed(
    hub: Hub, hub_client: TestClient, device_factory, entity_factory
) -> None:
    building = hub.areas.create("7号楼", "building")
    detector = device_factory(
        name="厨房烟感",
        household_id="7-2-1203",
        area_id=building.id,
        identifiers={("smoke", "SD-001")},
        connections={("mac", "00:11:22:33:44:55")},
    )
    smoke = entity_factory("binary_sensor", state="off", device_id=detector.id)

    areas = await (await hub_client.get("/api/registry/areas")).json()
    assert areas == [
        {
            "id": building.id,
            "name": "7号楼",
            "kind": "building",
            "parent_id": None,
            "created_at": building.created_at,
            "modified_at": building.modified_at,
        }
    ]

    (device,) = await (await hub_client.get("/api/registry/devices")).json()
    assert device["id"] == detector.id
    assert device["name"] == "厨房烟感"
    assert device["household_id"] == "7-2-1203"
    assert device["area_id"] == building.id
    assert device["identifiers"] == [["smoke", "SD-001"]]
    assert device["connections"] == [["mac", "00:11:22:33:44:55"]]
    assert device["config_entry_ids"] == []
    assert device["disabled_by"] is None

    (entity,) = await (await hub_client.get("/api/registry/entities")).json()
    assert entity["entity_id"] == smoke.entity_id
    assert entity["device_id"] == detector.id
    assert entity["platform"] == "test"


async def test_empty_registries(hub_client: TestClient) -> None:
    for kind in ("areas", "devices", "entities"):
        response = await hub_client.get(f"/api/registry/{kind}")
        assert response.status == 200
        assert await response.json() == []


async def test_disabled_entities_show_why(hub: Hub, hub_client: TestClient, entity_factory) -> None:
    entity_factory("switch", state=None, disabled_by="user")
    (entity,) = await (await hub_client.get("/api/registry/entities")).json()
    assert entity["disabled_by"] == "user"
