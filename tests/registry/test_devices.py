"""The device registry: households add detectors and wristbands, integrations find them again."""

import pytest

from linli.exceptions import RegistryError
from linli.hub import Hub
from linli.registry.devices import EVENT_DEVICE_REGISTRY_UPDATED, DeviceDisabledBy, DeviceEntry
from linli.registry.entities import DisabledBy

SMOKE = ("smoke_detector", "SD-0001")
MAC = ("mac", "a4:c1:38:00:12:03")


def add_smoke_detector(hub: Hub, **fields) -> DeviceEntry:
    flat = hub.areas.get_or_create_address("7号楼 2单元 1203")
    fields.setdefault("area_id", flat.id)
    return hub.devices.get_or_create(
        identifiers={SMOKE},
        manufacturer="海曼",
        model="HS1SA",
        name="厨房烟感",
        household_id="household-1203",
        **fields,
    )


async def test_a_household_adds_a_smoke_detector(hub: Hub, capture) -> None:
    events = capture(EVENT_DEVICE_REGISTRY_UPDATED)

    detector = add_smoke_detector(hub, sw_version="1.0", config_entry_id="entry-1")

    assert detector == hub.devices.get(detector.id)
    assert len(detector.id) == 32
    assert detector.identifiers == frozenset({SMOKE})
    assert detector.connections == frozenset()
    assert detector.config_entry_ids == frozenset({"entry-1"})
    assert (detector.name, detector.model, detector.sw_version) == ("厨房烟感", "HS1SA", "1.0")
    assert detector.created_at == detector.modified_at
    assert hub.devices.get_by_identifier(*SMOKE) == detector
    assert hub.devices.devices_of_household("household-1203") == [detector]
    assert hub.devices.devices_in_area(detector.area_id) == [detector]
    assert hub.devices.devices_of_household("household-503") == []
    assert events == [{"action": "create", "device_id": detector.id}]


async def test_the_integration_finds_the_device_again_and_updates_it(hub: Hub, capture) -> None:
    detector = add_smoke_detector(hub, sw_version="1.0", config_entry_id="entry-1")
    garage = hub.areas.create("地库", "common")
    events = capture(EVENT_DEVICE_REGISTRY_UPDATED)

    updated = hub.devices.get_or_create(
        identifiers={("smoke_detector", "SD-0001"), ("zigbee", "00:15:8d:00:01")},
        connections=[MAC],
        config_entry_id="entry-2",
        sw_version="1.1",
        area_id=garage.id,  # only for a new device: the household placed it
    )

    assert updated.id == detector.id
    assert updated.sw_version == "1.1"
    assert updated.area_id == detector.area_id
    assert updated.identifiers == {SMOKE, ("zigbee", "00:15:8d:00:01")}
    assert updated.config_entry_ids == {"entry-1", "entry-2"}
    assert hub.devices.get_by_connection(*MAC) == updated
    assert hub.devices.get_by_identifier("zigbee", "00:15:8d:00:01") == updated
    assert hub.devices.get_or_create(connections=[MAC]) == updated
    assert len(hub.devices) == 1
    assert events == [
        {
            "action": "update",
            "device_id": detector.id,
            "changes": {
                "sw_version": "1.0",
                "identifiers": frozenset({SMOKE}),
                "connections": frozenset(),
                "config_entry_ids": frozenset({"entry-1"}),
            },
        }
    ]


async def test_the_household_renames_and_moves_its_detector(hub: Hub) -> None:
    detector = add_smoke_detector(hub)
    bedroom_flat = hub.areas.get_or_create_address("7-2-503")

    renamed = hub.devices.update(detector.id, name_by_user="奶奶房间烟感", area_id=bedroom_flat.id)

    assert renamed.name_by_user == "奶奶房间烟感"
    assert renamed.name == "厨房烟感"
    assert hub.devices.devices_in_area(bedroom_flat.id) == [renamed]
    assert hub.devices.devices_in_area(detector.area_id) == []
    assert renamed.created_at == detector.created_at


async def test_a_wristband_reaches_the_hub_through_a_gateway(hub: Hub, capture) -> None:
    gateway = hub.devices.get_or_create(
        identifiers={("wristband", "gateway-7-2")}, name="7号楼2单元网关", model="GW-1"
    )
    wristband = hub.devices.get_or_create(
        identifiers={("wristband", "WB-88")},
        name="奶奶的手环",
        household_id="household-1203",
        via_device_id=gateway.id,
    )
    heart_rate = hub.entities.get_or_create(
        "sensor", "wristband", "WB-88-hr", device_id=wristband.id
    )
    uplink = hub.entities.get_or_create("binary_sensor", "wristband", "gw-up", device_id=gateway.id)
    events = capture(EVENT_DEVICE_REGISTRY_UPDATED)

    with pytest.raises(
        RegistryError,
        match="Cannot connect device 7号楼2单元网关 through device 奶奶的手环: "
        "a device cannot reach the hub through itself",
    ):
        hub.devices.update(gateway.id, via_device_id=wristband.id)
    hub.devices.remove(gateway.id)

    assert hub.devices.get(gateway.id) is None
    assert hub.devices.get(wristband.id).via_device_id is None
    assert hub.entities.get(uplink.entity_id) is None
    assert hub.entities.get(heart_rate.entity_id) == heart_rate
    assert events == [
        {"action": "update", "device_id": wristband.id, "changes": {"via_device_id": gateway.id}},
        {"action": "remove", "device_id": gateway.id},
    ]


async def test_a_removed_device_takes_its_entities(hub: Hub, capture, entity_factory) -> None:
    detector = add_smoke_detector(hub)
    smoke = entity_factory("binary_sensor", device_id=detector.id, original_name="Smoke")
    battery = entity_factory("sensor", device_id=detector.id, original_name="Battery")
    other = entity_factory("sensor", original_name="Outdoor temperature")
    events = capture("entity_registry_updated")

    hub.devices.remove(detector.id)

    assert hub.entities.entities_of_device(detector.id) == []
    assert hub.entities.get(smoke.entity_id) is None
    assert hub.entities.get(other.entity_id) == other
    assert events == [
        {"action": "remove", "entity_id": smoke.entity_id},
        {"action": "remove", "entity_id": battery.entity_id},
    ]
    with pytest.raises(RegistryError, match=f"Device '{detector.id}' does not exist"):
        hub.devices.remove(detector.id)


async def test_disabling_a_device_disables_its_entities(hub: Hub, entity_factory) -> None:
    detector = add_smoke_detector(hub)
    smoke = entity_factory("binary_sensor", device_id=detector.id)
    battery = entity_factory("sensor", device_id=detector.id, disabled_by="user")

    hub.devices.update(detector.id, disabled_by="user")
    assert hub.devices.get(detector.id).disabled_by is DeviceDisabledBy.user
    assert hub.entities.get(smoke.entity_id).disabled_by is DisabledBy.device
    assert hub.entities.get(battery.entity_id).disabled_by is DisabledBy.user
    added_later = entity_factory("sensor", device_id=detector.id)
    assert added_later.disabled_by is DisabledBy.device

    hub.devices.update(detector.id, disabled_by=None)
    assert hub.entities.get(smoke.entity_id).disabled_by is None
    assert hub.entities.get(added_later.entity_id).disabled_by is None
    assert hub.entities.get(battery.entity_id).disabled_by is DisabledBy.user


async def test_bad_devices_are_refused(hub: Hub, device_factory) -> None:
    detector = add_smoke_detector(hub)
    gateway = device_factory(name="网关", identifiers={("wristband", "gw")})

    with pytest.raises(
        RegistryError,
        match=r"A device needs at least one identifier or connection \(device 手环\)",
    ):
        hub.devices.get_or_create(name="手环")
    with pytest.raises(RegistryError, match=r"Area 'abc' does not exist \(device 7号楼 烟感\)"):
        hub.devices.get_or_create(identifiers={("smoke", "2")}, name="7号楼 烟感", area_id="abc")
    with pytest.raises(RegistryError, match=r"Device 'nope' does not exist \(device 手环\)"):
        hub.devices.get_or_create(identifiers={("wb", "1")}, name="手环", via_device_id="nope")
    with pytest.raises(
        RegistryError,
        match=r"Device identifier 'SD-0002' must be a pair of non-empty strings, e\.g\. "
        r"\('zigbee', '00:15:8d:00:01:02:03:04'\) \(device without a name\)",
    ):
        hub.devices.get_or_create(identifiers=["SD-0002"])
    with pytest.raises(RegistryError, match=r"Unknown field colour \(device 烟感\); expected any"):
        hub.devices.get_or_create(identifiers={("smoke", "3")}, name="烟感", colour="red")
    with pytest.raises(RegistryError, match=r"Unknown field name_by_user \(device 烟感\)"):
        hub.devices.get_or_create(identifiers={("smoke", "3")}, name="烟感", name_by_user="x")
    with pytest.raises(
        RegistryError,
        match=r"'broken' is not a valid disabled_by \(device 厨房烟感\): "
        "expected one of user, integration, config_entry",
    ):
        hub.devices.update(detector.id, disabled_by="broken")
    with pytest.raises(
        RegistryError,
        match=r"The identifier \('smoke_detector', 'SD-0001'\) already belongs to "
        r"device 厨房烟感 \(device 网关\)",
    ):
        hub.devices.update(gateway.id, identifiers={SMOKE})
    with pytest.raises(RegistryError, match=r"needs at least one identifier or connection"):
        hub.devices.update(gateway.id, identifiers=set())
    with pytest.raises(RegistryError, match="Device 'missing' does not exist"):
        hub.devices.update("missing", name="x")

    assert list(hub.devices) == [detector, gateway]
    assert hub.devices.get_by_identifier("wristband", "gw") == gateway


async def test_devices_survive_a_restart(hub_factory, restart, database_url: str) -> None:
    hub = await hub_factory(database_url=database_url)
    detector = add_smoke_detector(hub, connections={MAC}, config_entry_id="entry-1")
    gateway = hub.devices.get_or_create(identifiers={("wristband", "gw")}, name="网关")
    wristband = hub.devices.get_or_create(
        identifiers={("wristband", "WB-88")}, via_device_id=gateway.id, disabled_by="user"
    )
    hub.devices.update(detector.id, name_by_user="奶奶房间烟感")
    spare = hub.devices.get_or_create(identifiers={("wristband", "spare")})
    hub.entities.get_or_create("sensor", "wristband", "spare-hr", device_id=spare.id)
    hub.devices.remove(spare.id)
    before = list(hub.devices)

    hub = await restart(hub)

    assert list(hub.devices) == before
    assert hub.devices.get_by_identifier(*SMOKE).name_by_user == "奶奶房间烟感"
    assert hub.devices.get_by_connection(*MAC).config_entry_ids == {"entry-1"}
    assert hub.devices.get(wristband.id).via_device_id == gateway.id
    assert hub.devices.get(wristband.id).disabled_by is DeviceDisabledBy.user
    assert hub.devices.devices_of_household("household-1203") == [hub.devices.get(detector.id)]
    assert hub.devices.get_by_identifier("wristband", "spare") is None
    assert hub.entities.get_entity_id("sensor", "wristband", "spare-hr") is None


async def test_removals_reach_the_database(hub_factory, restart, database_url: str) -> None:
    """The database clears links to removed areas and devices the same way memory does."""
    hub = await hub_factory(database_url=database_url)
    flat = hub.areas.get_or_create_address("7-2-1203")
    gateway = hub.devices.get_or_create(identifiers={("wristband", "gw")}, area_id=flat.id)
    wristband = hub.devices.get_or_create(
        identifiers={("wristband", "WB-88")}, via_device_id=gateway.id, area_id=flat.id
    )
    heart_rate = hub.entities.get_or_create("sensor", "wristband", "hr", area_id=flat.id)
    hub.areas.remove(flat.id)
    hub.devices.remove(gateway.id)

    hub = await restart(hub)

    assert hub.areas.get(flat.id) is None
    restored = hub.devices.get(wristband.id)
    assert (restored.area_id, restored.via_device_id) == (None, None)
    assert hub.entities.get(heart_rate.entity_id).area_id is None
    assert len(hub.devices) == 1
