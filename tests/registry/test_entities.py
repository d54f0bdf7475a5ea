"""The entity registry: stable entity ids for what integrations provide, renamed by users."""

import pytest

from linli.exceptions import RegistryError
from linli.hub import Hub
from linli.registry.entities import EVENT_ENTITY_REGISTRY_UPDATED, DisabledBy, HiddenBy
from linli.slug import slugify


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Kitchen Smoke", "kitchen_smoke"),
        ("  Grandma's heart-rate (bpm)! ", "grandma_s_heart_rate_bpm"),
        ("__CO2__level__", "co2_level"),
        ("7号楼 Gate", "7_gate"),
        ("厨房烟感", ""),
    ],
)
def test_slugify_keeps_lowercase_ascii_letters_digits_and_single_underscores(
    text: str, slug: str
) -> None:
    assert slugify(text) == slug


async def test_entity_ids_come_from_names(hub: Hub, capture) -> None:
    events = capture(EVENT_ENTITY_REGISTRY_UPDATED)

    smoke = hub.entities.get_or_create("binary_sensor", "heiman", "SD-1", original_name="Smoke")
    kitchen = hub.entities.get_or_create(
        "binary_sensor", "heiman", "SD-2", original_name="厨房烟感"
    )
    gate = hub.entities.get_or_create(
        "lock", "gate", "g1", suggested_object_id="North Gate", original_name="北门"
    )
    bare = hub.entities.get_or_create("sensor", "heiman", "SD-1")

    assert smoke.entity_id == "binary_sensor.smoke"
    assert kitchen.entity_id == "binary_sensor.heiman_sd_2"
    assert gate.entity_id == "lock.north_gate"
    assert bare.entity_id == "sensor.heiman_sd_1"
    assert (smoke.domain, smoke.platform, smoke.unique_id) == ("binary_sensor", "heiman", "SD-1")
    assert len(smoke.id) == 32
    assert hub.entities.get("binary_sensor.smoke") == smoke
    assert hub.entities.get_entity_id("binary_sensor", "heiman", "SD-1") == "binary_sensor.smoke"
    assert hub.entities.get_entity_id("switch", "heiman", "SD-1") is None
    assert events == [
        {"action": "create", "entity_id": "binary_sensor.smoke"},
        {"action": "create", "entity_id": "binary_sensor.heiman_sd_2"},
        {"action": "create", "entity_id": "lock.north_gate"},
        {"action": "create", "entity_id": "sensor.heiman_sd_1"},
    ]


async def test_a_taken_entity_id_gets_a_number(hub: Hub) -> None:
    ids = [
        hub.entities.get_or_create("binary_sensor", "heiman", f"SD-{n}", original_name="Smoke")
        for n in range(3)
    ]
    assert [entry.entity_id for entry in ids] == [
        "binary_sensor.smoke",
        "binary_sensor.smoke_2",
        "binary_sensor.smoke_3",
    ]

    hub.entities.remove("binary_sensor.smoke_2")
    refill = hub.entities.get_or_create("binary_sensor", "heiman", "SD-3", original_name="Smoke")
    after = hub.entities.get_or_create("binary_sensor", "heiman", "SD-4", original_name="Smoke")
    assert (refill.entity_id, after.entity_id) == ("binary_sensor.smoke_2", "binary_sensor.smoke_4")


async def test_the_integration_registering_again_gets_the_same_entity(hub: Hub, capture) -> None:
    flat = hub.areas.get_or_create_address("7-2-1203")
    detector = hub.devices.get_or_create(identifiers={("heiman", "SD-1")}, name="烟感")
    smoke = hub.entities.get_or_create(
        "binary_sensor", "heiman", "SD-1", original_name="Smoke", area_id=flat.id
    )
    hub.entities.update(smoke.entity_id, area_id=None, hidden_by="user")
    events = capture(EVENT_ENTITY_REGISTRY_UPDATED)

    again = hub.entities.get_or_create(
        "binary_sensor",
        "heiman",
        "SD-1",
        suggested_object_id="something else",
        original_name="Smoke alarm",
        device_id=detector.id,
        household_id="household-1203",
        area_id=flat.id,
        disabled_by=DisabledBy.integration,
        hidden_by=None,
    )

    assert again.id == smoke.id
    assert again.entity_id == "binary_sensor.smoke"
    assert (again.original_name, again.device_id) == ("Smoke alarm", detector.id)
    # area, disabled_by and hidden_by are the user's once the entity exists
    assert (again.area_id, again.disabled_by, again.hidden_by) == (None, None, HiddenBy.user)
    assert hub.entities.entities_of_device(detector.id) == [again]
    assert hub.entities.entities_of_household("household-1203") == [again]
    assert events == [
        {
            "action": "update",
            "entity_id": "binary_sensor.smoke",
            "changes": {"device_id": None, "household_id": None, "original_name": "Smoke"},
        }
    ]
    assert hub.entities.get_or_create("binary_sensor", "heiman", "SD-1") == again
    assert len(events) == 1


async def test_a_caregiver_renames_grandmas_heart_rate(hub_factory, restart, database_url) -> None:
    hub = await hub_factory(database_url=database_url)
    wristband = hub.devices.get_or_create(identifiers={("wristband", "WB-88")}, name="手环")
    heart_rate = hub.entities.get_or_create(
        "sensor",
        "wristband",
        "WB-88-hr",
        device_id=wristband.id,
        original_name="Heart rate",
        device_class="heart_rate",
        unit_of_measurement="bpm",
    )
    hub.states.set("sensor.heart_rate", "72")
    events = []
    hub.bus.listen(EVENT_ENTITY_REGISTRY_UPDATED, lambda event: events.append(dict(event.data)))

    renamed = hub.entities.update(
        "sensor.heart_rate", new_entity_id="sensor.grandma_heart_rate", name="奶奶心率"
    )

    assert renamed.id == heart_rate.id
    assert (renamed.entity_id, renamed.name) == ("sensor.grandma_heart_rate", "奶奶心率")
    assert hub.entities.get("sensor.heart_rate") is None
    assert hub.entities.get("sensor.grandma_heart_rate") == renamed
    assert hub.states.get("sensor.heart_rate").state == "72"  # states are not moved
    assert events == [
        {
            "action": "update",
            "entity_id": "sensor.grandma_heart_rate",
            "old_entity_id": "sensor.heart_rate",
            "changes": {"name": None, "entity_id": "sensor.heart_rate"},
        }
    ]
    newcomer = hub.entities.get_or_create(
        "sensor", "wristband", "WB-99-hr", original_name="Heart rate"
    )
    assert newcomer.entity_id == "sensor.heart_rate"
    before = list(hub.entities)

    hub = await restart(hub)

    assert list(hub.entities) == before
    again = hub.entities.get_or_create(
        "sensor", "wristband", "WB-88-hr", original_name="Heart rate"
    )
    assert again == renamed
    assert hub.entities.get_entity_id("sensor", "wristband", "WB-88-hr") == renamed.entity_id
    assert hub.entities.entities_of_device(wristband.id) == [renamed]


async def test_renaming_is_refused_for_bad_or_taken_ids(hub: Hub, entity_factory) -> None:
    smoke = entity_factory("binary_sensor", original_name="Smoke")
    entity_factory("binary_sensor", original_name="Gas", unique_id="gas-1")

    for new_entity_id, reason in [
        ("binary_sensor.Kitchen", "an entity id is 'domain.object_id' in lower-case letters"),
        ("binary_sensor.kitchen__smoke", "an entity id is 'domain.object_id'"),
        ("kitchen_smoke", "an entity id is 'domain.object_id'"),
        ("sensor.kitchen_smoke", "the domain must stay 'binary_sensor'"),
        ("binary_sensor.gas", "it is taken by the test entity 'gas-1'"),
    ]:
        with pytest.raises(RegistryError) as error:
            hub.entities.update(smoke.entity_id, new_entity_id=new_entity_id)
        assert str(error.value).startswith(
            f"Cannot rename binary_sensor.smoke to {new_entity_id!r}: {reason}"
        ), str(error.value)
    assert hub.entities.get("binary_sensor.smoke") == smoke
    assert hub.entities.update(smoke.entity_id, new_entity_id=smoke.entity_id) == smoke


async def test_bad_registrations_are_refused(hub: Hub, entity_factory) -> None:
    smoke = entity_factory("binary_sensor", original_name="Smoke")

    with pytest.raises(
        RegistryError,
        match=r"'Binary Sensor' is not a valid domain \(Binary Sensor 'x' of platform 'test'\): "
        "use lower-case letters, digits and single underscores, e.g. 'sensor'",
    ):
        hub.entities.get_or_create("Binary Sensor", "test", "x")
    with pytest.raises(RegistryError, match="'Test' is not a valid platform"):
        hub.entities.get_or_create("sensor", "Test", "x")
    with pytest.raises(RegistryError, match="The unique_id must be a non-empty string"):
        hub.entities.get_or_create("sensor", "test", "")
    with pytest.raises(
        RegistryError, match=r"Device 'nope' does not exist \(entity sensor.test_x\)"
    ):
        hub.entities.get_or_create("sensor", "test", "x", device_id="nope")
    with pytest.raises(
        RegistryError, match=r"Area 'abc' does not exist \(entity binary_sensor.smoke\)"
    ):
        hub.entities.update(smoke.entity_id, area_id="abc")
    with pytest.raises(
        RegistryError,
        match=r"'admin' is not a valid hidden_by \(entity binary_sensor.smoke\): "
        "expected one of user, integration",
    ):
        hub.entities.update(smoke.entity_id, hidden_by="admin")
    with pytest.raises(RegistryError, match=r"Unknown field unique_id \(entity binary_sensor"):
        hub.entities.update(smoke.entity_id, unique_id="other")
    with pytest.raises(RegistryError, match=r"Entity 'sensor\.nope' does not exist"):
        hub.entities.update("sensor.nope", name="x")
    with pytest.raises(RegistryError, match=r"Entity 'sensor\.nope' does not exist"):
        hub.entities.remove("sensor.nope")

    assert list(hub.entities) == [smoke]


async def test_removing_an_entity(hub: Hub, capture, entity_factory) -> None:
    smoke = entity_factory("binary_sensor", original_name="Smoke", household_id="h-1203")
    events = capture(EVENT_ENTITY_REGISTRY_UPDATED)

    hub.entities.remove(smoke.entity_id)

    assert hub.entities.get(smoke.entity_id) is None
    assert hub.entities.entities_of_household("h-1203") == []
    assert events == [{"action": "remove", "entity_id": "binary_sensor.smoke"}]
    assert hub.entities.get_or_create(
        "binary_sensor", "test", "new", original_name="Smoke"
    ).entity_id == ("binary_sensor.smoke")
