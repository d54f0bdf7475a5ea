"""Units, households and members: the community's people and places, kept across restarts."""

import pytest

from linli.community.households import MemberRole
from linli.community.units import area_dm2
from linli.exceptions import RegistryError
from linli.hub import Hub


@pytest.mark.parametrize(
    ("written", "dm2"), [("89.35", 8935), (89.35, 8935), ("120㎡", 12000), (" 56.5 m² ", 5650)]
)
def test_areas_are_read_as_offices_write_them(written: object, dm2: int) -> None:
    assert area_dm2(written) == dm2


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("八十", "is not a number of square metres"),
        ("89.355", "has more than two decimals"),
        ("0", "must be above 0"),
        ("-5", "must be above 0"),
        ("sNaN", "is not a number of square metres"),
        ("Infinity", "is not a number of square metres"),
        ("1E+999999", "must be above 0 and at most 10000"),
    ],
)
def test_a_wrong_area_says_what_is_wrong(written: str, message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        area_dm2(written)


async def test_a_unit_is_found_by_any_way_of_writing_its_address(hub: Hub) -> None:
    unit = hub.community.units.create("7号楼 2单元 1203", "89.35")
    assert unit.address == "7号楼 2单元 1203"
    assert hub.community.units.get_by_address("7-2-1203") == unit
    assert hub.community.units.get_by_address("7栋2单元1203室") == unit
    assert hub.community.units.get_by_address("7-2-503") is None
    with pytest.raises(RegistryError, match="There is already a unit 7号楼 2单元 1203"):
        hub.community.units.create("7-2-1203", "90")
    with pytest.raises(RegistryError, match="The building of address '12345678901234567-101'"):
        hub.community.units.create("12345678901234567-101", "50")


async def test_owners_of_a_unit_span_its_households(hub: Hub) -> None:
    community = hub.community
    unit = community.units.create("3-1-502", "102.4")
    first = community.households.create("王家", unit.id)
    second = community.households.create("王家父母", unit.id)
    wang = community.members.create(first.id, "王伟", "owner")
    community.members.create(first.id, "王小明", MemberRole.family)
    li = community.members.create(second.id, "李芳", "owner")
    assert {member.id for member in community.members.owners_of_unit(unit.id)} == {wang.id, li.id}


async def test_a_caregiver_is_named_by_members_and_forgotten_with_them(hub: Hub) -> None:
    community = hub.community
    household = community.households.create("张家")
    grandma = community.members.create(household.id, "张奶奶", "owner")
    daughter = community.members.create(
        household.id, "张丽", "caregiver", cares_for=frozenset({grandma.id})
    )
    with pytest.raises(RegistryError, match="Only a caregiver cares for other members"):
        community.members.create(household.id, "张强", "family", cares_for=frozenset({grandma.id}))
    with pytest.raises(RegistryError, match="'nurse' is not a valid member role"):
        community.members.create(household.id, "护工", "nurse")

    community.members.remove(grandma.id)
    assert community.members.require(daughter.id).cares_for == frozenset()


async def test_a_member_is_linked_to_a_user_account(hub: Hub) -> None:
    user = hub.users.create("wangwei", "resident", name="王伟")
    household = hub.community.households.create("王家")
    hub.community.members.create(household.id, "王伟", "owner", user_id=user.id)
    assert hub.community.households_of_user(user.id) == {household.id}
    assert hub.users.get_by_username("WangWei") == user
    with pytest.raises(RegistryError, match="There is already a user named 'WANGWEI'"):
        hub.users.create("WANGWEI", "resident")
    with pytest.raises(RegistryError, match="User 'nobody' does not exist"):
        hub.community.members.create(household.id, "某人", "family", user_id="nobody")


async def test_the_community_survives_a_restart(hub_factory, restart, database_url: str) -> None:
    hub = await hub_factory(database_url=database_url)
    community = hub.community
    unit = community.units.create("7-2-1203", "89.35")
    household = community.households.create("王家", unit.id)
    user = hub.users.create("wangwei", "household_admin")
    owner = community.members.create(household.id, "王伟", "owner", user_id=user.id)
    community.members.create(
        household.id, "王丽", "caregiver", phone="13800000000", cares_for=frozenset({owner.id})
    )
    community.units.remove(community.units.create("7-2-503", "70").id)
    before = (list(community.units), list(community.households), list(community.members))
    users = list(hub.users)

    hub = await restart(hub)

    community = hub.community
    assert (list(community.units), list(community.households), list(community.members)) == before
    assert list(hub.users) == users
    assert community.units.total_area_dm2() == 8935
