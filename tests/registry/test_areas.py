"""The area registry: a property office maps its buildings, units, floors and flats."""

import pytest

from linli.exceptions import RegistryError
from linli.hub import Hub
from linli.registry.address import Address, parse_address
from linli.registry.areas import EVENT_AREA_REGISTRY_UPDATED, AreaKind


def names(areas: list) -> list[str]:
    return [area.name for area in areas]


async def test_property_office_maps_building_7(hub: Hub) -> None:
    building = hub.areas.create("7号楼", AreaKind.building)
    unit = hub.areas.create("2单元", "unit", building.id)
    floor = hub.areas.create("12层", AreaKind.floor, unit.id)
    flat = hub.areas.create("1203", AreaKind.room, floor.id)

    assert unit.kind is AreaKind.unit
    assert hub.areas.get(flat.id) == flat
    assert names(hub.areas.path(flat.id)) == ["7号楼", "2单元", "12层", "1203"]
    assert hub.areas.children(building.id) == [unit]
    assert hub.areas.children(flat.id) == []
    assert hub.areas.get_by_name("2单元", building.id) == unit
    assert hub.areas.get_by_name("2单元") is None
    assert hub.areas.get_by_name("7号楼") == building
    assert len(hub.areas) == 4


async def test_every_way_of_writing_a_flat_finds_the_same_area(hub: Hub) -> None:
    flat = hub.areas.get_or_create_address("7号楼 2单元 1203")

    for text in (
        "7栋2单元1203室",
        "7幢 2 单元 1203",
        "7-2-1203",
        " 7 - 2 - 1203 ",
        "\uff17\uff0d\uff12\uff0d\uff11\uff12\uff10\uff13",  # full-width 7-2-1203
    ):
        assert hub.areas.get_or_create_address(text) == flat, text
    assert names(hub.areas.path(flat.id)) == ["7号楼", "2单元", "12层", "1203"]
    assert len(hub.areas) == 4

    neighbour = hub.areas.get_or_create_address("7-2-1204")
    downstairs = hub.areas.get_or_create_address("7-2-503")
    assert neighbour.parent_id == flat.parent_id
    assert names(hub.areas.path(downstairs.id)) == ["7号楼", "2单元", "5层", "503"]
    assert len(hub.areas) == 7


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("7号楼 2单元 1203", Address(building="7", unit="2", floor=12, room="1203")),
        ("7栋1203室", Address(building="7", unit=None, floor=12, room="1203")),
        ("A座 0502", Address(building="A", unit=None, floor=5, room="0502")),
        ("b栋 3单元 b102", Address(building="B", unit="3", floor=-1, room="B102")),
        ("12-1-2801", Address(building="12", unit="1", floor=28, room="2801")),
        ("3-101", Address(building="3", unit=None, floor=1, room="101")),
    ],
)
def test_addresses_are_read_the_way_residents_write_them(text: str, address: Address) -> None:
    assert parse_address(text) == address


def test_a_basement_floor_is_named_b1() -> None:
    assert parse_address("7-B102").floor_name == "B1层"
    assert parse_address("7-1203").floor_name == "12层"


@pytest.mark.parametrize("text", ["", "七号楼二单元", "7号楼 2单元", "7-2-12", "7-2-0003", "1203"])
def test_an_unreadable_address_names_the_forms_it_accepts(hub: Hub, text: str) -> None:
    expected = f"Cannot read the address {text!r}: expected e.g. '7号楼 2单元 1203'"
    with pytest.raises(RegistryError, match=expected):
        hub.areas.get_or_create_address(text)
    assert len(hub.areas) == 0


async def test_common_places_sit_anywhere_but_above_homes(hub: Hub) -> None:
    garage = hub.areas.create("地库", AreaKind.common)
    building = hub.areas.create("7号楼", AreaKind.building)
    lobby = hub.areas.create("大堂", AreaKind.common, building.id)
    hub.areas.create("B1层", AreaKind.floor, garage.id)
    hub.areas.create("快递柜", AreaKind.common, lobby.id)

    with pytest.raises(
        RegistryError,
        match=r"Area '8号楼' \(building\) cannot lie in '地库' \(common\): "
        "a common area holds only common, floor, room areas",
    ):
        hub.areas.create("8号楼", AreaKind.building, garage.id)


async def test_a_unit_cannot_lie_in_a_flat(hub: Hub) -> None:
    flat = hub.areas.get_or_create_address("7-2-1203")
    with pytest.raises(
        RegistryError,
        match=r"Area '3单元' \(unit\) cannot lie in '1203' \(room\): "
        "a room area holds only common areas",
    ):
        hub.areas.create("3单元", AreaKind.unit, flat.id)


async def test_bad_names_kinds_and_parents_are_refused(hub: Hub) -> None:
    building = hub.areas.create("7号楼", AreaKind.building)

    with pytest.raises(RegistryError, match="There is already an area named '7号楼' at the top"):
        hub.areas.create(" 7号楼 ", AreaKind.building)
    with pytest.raises(RegistryError, match="An area needs a name"):
        hub.areas.create("  ", AreaKind.building)
    with pytest.raises(
        RegistryError,
        match=r"'tower' is not a valid area kind \(area '8号楼'\): "
        "expected one of building, unit, floor, room, common",
    ):
        hub.areas.create("8号楼", "tower")
    with pytest.raises(RegistryError, match=r"Area 'nope' does not exist \(area '2单元'\)"):
        hub.areas.create("2单元", AreaKind.unit, "nope")
    assert list(hub.areas) == [building]


async def test_renaming_and_moving_an_area(hub: Hub, capture) -> None:
    events = capture(EVENT_AREA_REGISTRY_UPDATED)
    flat = hub.areas.get_or_create_address("7-2-1203")
    floor_12 = hub.areas.get(flat.parent_id)
    floor_5 = hub.areas.get(hub.areas.get_or_create_address("7-2-503").parent_id)
    events.clear()

    renamed = hub.areas.update(flat.id, name="1203室")
    moved = hub.areas.update(flat.id, parent_id=floor_5.id)

    assert renamed.name == "1203室"
    assert hub.areas.get(flat.id) == moved
    assert hub.areas.children(floor_12.id) == []
    assert hub.areas.get_by_name("1203室", floor_5.id) == moved
    assert events == [
        {"action": "update", "area_id": flat.id, "changes": {"name": "1203"}},
        {"action": "update", "area_id": flat.id, "changes": {"parent_id": floor_12.id}},
    ]
    assert hub.areas.update(flat.id, name="1203室") == moved  # no change, no event
    assert len(events) == 2

    with pytest.raises(RegistryError, match="There is already an area named '503' in '5层'"):
        hub.areas.update(flat.id, name="503")
    with pytest.raises(
        RegistryError, match=r"Unknown field colour \(area 7号楼/2单元/5层/1203室\)"
    ):
        hub.areas.update(flat.id, colour="red")


async def test_an_area_cannot_become_its_own_ancestor(hub: Hub) -> None:
    flat = hub.areas.get_or_create_address("7-2-1203")
    building_id = hub.areas.path(flat.id)[0].id
    hub.areas.create("大堂", AreaKind.common, building_id)
    garage = hub.areas.create("地库", AreaKind.common)
    nook = hub.areas.create("储物间", AreaKind.common, garage.id)

    with pytest.raises(RegistryError, match="Cannot put area '地库' inside '地库'"):
        hub.areas.update(garage.id, parent_id=garage.id)
    with pytest.raises(
        RegistryError,
        match="Cannot put area '地库' inside '储物间': an area cannot lie within itself",
    ):
        hub.areas.update(garage.id, parent_id=nook.id)
    assert hub.areas.get(garage.id).parent_id is None


async def test_changing_a_kind_must_still_fit_parent_and_children(hub: Hub) -> None:
    flat = hub.areas.get_or_create_address("7-2-1203")
    building, unit, _floor, _flat = hub.areas.path(flat.id)

    with pytest.raises(
        RegistryError, match="Area '7号楼' cannot be a room: it holds the unit '2单元'"
    ):
        hub.areas.update(building.id, kind=AreaKind.room)
    with pytest.raises(
        RegistryError, match=r"Area '2单元' \(building\) cannot lie in '7号楼' \(building\)"
    ):
        hub.areas.update(unit.id, kind="building")
    assert hub.areas.update(flat.id, kind=AreaKind.common).kind is AreaKind.common


async def test_removing_an_area(hub: Hub, capture, device_factory, entity_factory) -> None:
    flat = hub.areas.get_or_create_address("7-2-1203")
    floor = hub.areas.get(flat.parent_id)
    detector = device_factory(name="厨房烟感", area_id=flat.id)
    smoke = entity_factory("binary_sensor", device_id=detector.id, area_id=flat.id)
    area_events = capture(EVENT_AREA_REGISTRY_UPDATED)
    device_events = capture("device_registry_updated")
    entity_events = capture("entity_registry_updated")

    with pytest.raises(
        RegistryError,
        match="Cannot remove area 7号楼/2单元/12层: it still holds 1203 "
        r"\(remove or move those first\)",
    ):
        hub.areas.remove(floor.id)
    hub.areas.remove(flat.id)

    assert hub.areas.get(flat.id) is None
    assert hub.areas.children(floor.id) == []
    assert area_events == [{"action": "remove", "area_id": flat.id}]
    assert hub.devices.get(detector.id).area_id is None
    assert hub.entities.get(smoke.entity_id).area_id is None
    assert device_events == [
        {"action": "update", "device_id": detector.id, "changes": {"area_id": flat.id}}
    ]
    assert entity_events == [
        {"action": "update", "entity_id": smoke.entity_id, "changes": {"area_id": flat.id}}
    ]
    with pytest.raises(RegistryError, match="Area 'gone' does not exist"):
        hub.areas.remove("gone")


async def test_areas_survive_a_restart(hub_factory, restart, database_url: str) -> None:
    hub = await hub_factory(database_url=database_url)
    flat = hub.areas.get_or_create_address("7号楼 2单元 1203")
    hub.areas.get_or_create_address("7号楼 2单元 503")
    garage = hub.areas.create("地库", AreaKind.common)
    hub.areas.update(garage.id, name="地下车库")
    hub.areas.remove(hub.areas.create("临时仓库", AreaKind.common).id)
    before = list(hub.areas)

    hub = await restart(hub)

    assert list(hub.areas) == before
    assert names(hub.areas.path(flat.id)) == ["7号楼", "2单元", "12层", "1203"]
    assert hub.areas.get_by_name("地下车库") == hub.areas.get(garage.id)
    assert hub.areas.get_by_name("临时仓库") is None
    assert hub.areas.get_or_create_address("7-2-1203") == flat
    assert len(hub.areas) == 7
