"""The Entity base: registry entries, devices, names, attributes and availability."""

import pytest

from linli.context import Context
from linli.entities import (
    STATE_UNAVAILABLE,
    DeviceInfo,
    Entity,
    EntityCategory,
    EntityDescription,
    EntityPlatform,
)
from linli.entities.sensor import SensorDeviceClass, SensorEntity, SensorStateClass
from linli.entities.units import PERCENTAGE, UnitOfTemperature
from linli.hub import Hub
from linli.registry.entities import DisabledBy
from linli.testing.plugin import HubFactory

BATTERY = EntityDescription(
    key="battery",
    name="Battery",
    device_class=SensorDeviceClass.battery,
    unit_of_measurement=PERCENTAGE,
    entity_category=EntityCategory.diagnostic,
)


class Thermometer(SensorEntity):
    _attr_has_entity_name = True
    _attr_name = "Temperature"
    _attr_device_class = SensorDeviceClass.temperature
    _attr_unit_of_measurement = UnitOfTemperature.celsius
    _attr_state_class = SensorStateClass.measurement
    _attr_should_poll = False

    def __init__(self, serial: str, value: float | None = 21.5) -> None:
        self._attr_unique_id = f"{serial}-temperature"
        self._attr_native_value = value
        self._attr_device_info = DeviceInfo(
            identifiers={("acme", serial)},
            manufacturer="Acme",
            model="T-1",
            name="Kitchen",
            sw_version="1.2",
        )


class DescribedSensor(SensorEntity):
    _attr_should_poll = False

    def __init__(self, description: EntityDescription, unique_id: str | None, value: int) -> None:
        self.entity_description = description
        self._attr_unique_id = unique_id
        self._attr_native_value = value


async def test_a_sensor_registers_its_device_and_entity_and_writes_its_state(hub: Hub) -> None:
    platform = EntityPlatform(
        hub, "sensor", "acme", config_entry_id="entry-1", household_id="7-2-1203"
    )
    sensor = Thermometer("T100")

    await platform.add_entities([sensor])

    device = hub.devices.get_by_identifier("acme", "T100")
    assert device is not None
    assert (device.manufacturer, device.model, device.name, device.sw_version) == (
        "Acme",
        "T-1",
        "Kitchen",
        "1.2",
    )
    assert device.household_id == "7-2-1203"
    assert device.config_entry_ids == {"entry-1"}
    entry = hub.entities.get("sensor.kitchen_temperature")
    assert entry is not None
    assert (entry.platform, entry.unique_id, entry.device_id) == (
        "acme",
        "T100-temperature",
        device.id,
    )
    assert (entry.household_id, entry.config_entry_id) == ("7-2-1203", "entry-1")
    assert (entry.original_name, entry.device_class, entry.unit_of_measurement) == (
        "Temperature",
        "temperature",
        "°C",
    )
    assert sensor.entity_id == "sensor.kitchen_temperature"
    state = hub.states.get("sensor.kitchen_temperature")
    assert state is not None
    assert state.state == "21.5"
    assert state.attributes == {
        "friendly_name": "Kitchen Temperature",
        "device_class": "temperature",
        "unit_of_measurement": "°C",
        "state_class": "measurement",
    }
    await platform.reset()


async def test_a_restart_on_the_same_database_gives_the_same_entity_id(
    hub_factory: HubFactory,
) -> None:
    first = await hub_factory()
    platform = EntityPlatform(first, "sensor", "acme")
    await platform.add_entities([Thermometer("T100"), Thermometer("T200")])
    first.entities.update("sensor.kitchen_temperature_2", new_entity_id="sensor.balcony")
    await platform.reset()
    await first.stop()

    again = await hub_factory(config_dir=first.config.config_dir)
    platform = EntityPlatform(again, "sensor", "acme")
    second, first_one = Thermometer("T200"), Thermometer("T100")
    await platform.add_entities([second, first_one])

    assert (first_one.entity_id, second.entity_id) == (
        "sensor.kitchen_temperature",
        "sensor.balcony",
    )
    assert again.states.entity_ids() == ["sensor.balcony", "sensor.kitchen_temperature"]
    await platform.reset()


async def test_an_unavailable_entity_keeps_its_descriptive_attributes(hub: Hub) -> None:
    platform = EntityPlatform(hub, "sensor", "acme")
    sensor = Thermometer("T100")
    await platform.add_entities([sensor])

    sensor._attr_available = False
    sensor.write_state()
    state = hub.states.get("sensor.kitchen_temperature")
    assert state is not None
    assert state.state == STATE_UNAVAILABLE
    assert state.attributes["friendly_name"] == "Kitchen Temperature"
    assert state.attributes["unit_of_measurement"] == "°C"

    sensor._attr_available = True
    sensor._attr_native_value = None
    sensor.write_state()
    assert hub.states.get("sensor.kitchen_temperature").state == "unknown"


async def test_a_description_describes_and_attributes_override_it(hub: Hub) -> None:
    platform = EntityPlatform(hub, "sensor", "acme")
    plain = DescribedSensor(BATTERY, "b1", 80)
    renamed = DescribedSensor(BATTERY, "b2", 15)
    renamed._attr_name = "Backup battery"

    await platform.add_entities([plain, renamed])

    assert plain.entity_category is EntityCategory.diagnostic
    assert hub.states.get("sensor.battery").attributes == {
        "friendly_name": "Battery",
        "device_class": "battery",
        "unit_of_measurement": "%",
    }
    assert hub.states.get("sensor.backup_battery").state == "15"


async def test_entities_without_unique_id_get_generated_ids_and_no_registry_entry(
    hub: Hub,
) -> None:
    platform = EntityPlatform(hub, "sensor", "acme")
    first = DescribedSensor(BATTERY, None, 1)
    second = DescribedSensor(BATTERY, None, 2)
    nameless = DescribedSensor(EntityDescription(key="x", name="电量"), None, 3)

    await platform.add_entities([first, second, nameless])

    assert [first.entity_id, second.entity_id, nameless.entity_id] == [
        "sensor.battery",
        "sensor.battery_2",
        "sensor.acme",
    ]
    assert len(hub.entities) == 0
    assert hub.states.get("sensor.acme").attributes["friendly_name"] == "电量"


async def test_writing_the_state_of_an_entity_not_added_is_refused() -> None:
    with pytest.raises(RuntimeError, match="not added to a hub yet"):
        Thermometer("T100").write_state()


async def test_a_recent_context_is_the_cause_of_the_state_write(hub: Hub) -> None:
    platform = EntityPlatform(hub, "sensor", "acme")
    sensor = Thermometer("T100")
    await platform.add_entities([sensor])
    context = Context(user_id="resident-1203", origin="user")

    sensor.set_context(context)
    sensor._attr_native_value = 22
    sensor.write_state()

    assert hub.states.get("sensor.kitchen_temperature").context is context


async def test_hooks_and_removal_callbacks_run(hub: Hub) -> None:
    calls: list[str] = []

    class Hooked(Thermometer):
        async def async_added_to_hub(self) -> None:
            calls.append(f"added {self.entity_id}")
            self.on_remove(lambda: calls.append("callback"))

        async def async_will_remove_from_hub(self) -> None:
            calls.append("will remove")

    platform = EntityPlatform(hub, "sensor", "acme")
    await platform.add_entities([Hooked("T100")])
    await platform.reset()

    assert calls == ["added sensor.kitchen_temperature", "will remove", "callback"]
    assert hub.states.get("sensor.kitchen_temperature") is None


async def test_the_entity_follows_changes_in_the_registry(hub: Hub) -> None:
    platform = EntityPlatform(hub, "sensor", "acme")
    sensor = Thermometer("T100")
    await platform.add_entities([sensor])

    hub.entities.update("sensor.kitchen_temperature", name="厨房温度")
    assert hub.states.get("sensor.kitchen_temperature").attributes["friendly_name"] == "厨房温度"

    hub.entities.update("sensor.kitchen_temperature", new_entity_id="sensor.kitchen")
    assert hub.states.entity_ids() == ["sensor.kitchen"]
    assert platform.entities == {"sensor.kitchen": sensor}

    hub.entities.update("sensor.kitchen", disabled_by=DisabledBy.user)
    await hub.block_till_done()
    assert hub.states.entity_ids() == []
    assert platform.entities == {}


async def test_removing_the_device_removes_its_entities(hub: Hub) -> None:
    platform = EntityPlatform(hub, "sensor", "acme")
    await platform.add_entities([Thermometer("T100"), Thermometer("T200")])

    hub.devices.remove(hub.devices.get_by_identifier("acme", "T100").id)
    await hub.block_till_done()

    assert hub.states.entity_ids() == ["sensor.kitchen_temperature_2"]
    assert list(platform.entities) == ["sensor.kitchen_temperature_2"]


async def test_a_device_reached_through_a_gateway(hub: Hub) -> None:
    gateway = hub.devices.get_or_create(identifiers={("acme", "GW-1")}, name="Gateway")
    sensor = Thermometer("T100")
    sensor._attr_device_info["via_device"] = ("acme", "GW-1")

    await EntityPlatform(hub, "sensor", "acme").add_entities([sensor])

    assert hub.devices.get_by_identifier("acme", "T100").via_device_id == gateway.id
    assert sensor.device_entry is not None
    assert sensor.device_entry.via_device_id == gateway.id


async def test_a_subclass_may_compute_its_state(hub: Hub) -> None:
    class Plain(Entity):
        _attr_should_poll = False
        _attr_name = "Lift status"

        def __init__(self) -> None:
            self._attr_extra_state_attributes = {"floor": 7}

        @property
        def state(self) -> str:
            return "running"

    await EntityPlatform(hub, "lift", "acme").add_entities([Plain()])

    state = hub.states.get("lift.lift_status")
    assert (state.state, state.attributes) == (
        "running",
        {"floor": 7, "friendly_name": "Lift status"},
    )
