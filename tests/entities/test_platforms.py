"""The platforms: their states, and the entity services that control them."""

from datetime import UTC, datetime

import pytest

from linli.context import Context
from linli.entities import EntityPlatform
from linli.entities.binary_sensor import BinarySensorDeviceClass, BinarySensorEntity
from linli.entities.button import ButtonEntity
from linli.entities.device_tracker import ScannerEntity, SourceType, TrackerEntity
from linli.entities.event import EventDeviceClass, EventEntity
from linli.entities.lock import LockEntity
from linli.entities.number import NumberEntity, NumberEntityDescription
from linli.entities.sensor import SensorDeviceClass, SensorEntity
from linli.entities.switch import SwitchEntity
from linli.entities.units import UnitOfElectricCurrent
from linli.exceptions import ServiceValidationError
from linli.hub import Hub
from linli.testing import fire_time_changed


class Outlet(SwitchEntity):
    _attr_should_poll = False

    def __init__(self, name: str) -> None:
        self._attr_unique_id = name
        self._attr_name = name
        self._attr_is_on = False

    async def async_turn_on(self) -> None:
        self._attr_is_on = True

    async def async_turn_off(self) -> None:
        self._attr_is_on = False


class Gate(LockEntity):
    _attr_should_poll = False
    _attr_unique_id = "gate"
    _attr_name = "North gate"
    _attr_is_locked = True

    async def async_lock(self) -> None:
        self._attr_is_locked = True

    async def async_unlock(self) -> None:
        self._attr_is_locked = False


class ChargingCurrent(NumberEntity):
    _attr_should_poll = False
    _attr_unique_id = "current"
    _attr_native_value = 16.0
    entity_description = NumberEntityDescription(
        key="current",
        name="Charging current",
        unit_of_measurement=UnitOfElectricCurrent.ampere,
        native_min_value=6,
        native_max_value=32,
    )

    async def async_set_native_value(self, value: float) -> None:
        self._attr_native_value = value


class Restart(ButtonEntity):
    _attr_unique_id = "restart"
    _attr_name = "Restart"
    presses = 0

    async def async_press(self) -> None:
        self.presses += 1


async def add(hub: Hub, domain: str, *entities) -> EntityPlatform:
    platform = EntityPlatform(hub, domain, "acme")
    await platform.add_entities(entities)
    return platform


def state_of(hub: Hub, entity_id: str) -> str:
    state = hub.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


async def test_switch_services_turn_on_off_and_toggle(hub: Hub) -> None:
    await add(hub, "switch", Outlet("pump"), Outlet("fan"))
    context = Context(user_id="operator-1", origin="user")

    await hub.services.call("switch", "turn_on", {"entity_id": "switch.pump"}, context=context)
    assert state_of(hub, "switch.pump") == "on"
    assert hub.states.get("switch.pump").context is context
    assert state_of(hub, "switch.fan") == "off"

    await hub.services.call("switch", "toggle", {"entity_id": ["switch.pump", "switch.fan"]})
    assert (state_of(hub, "switch.pump"), state_of(hub, "switch.fan")) == ("off", "on")

    await hub.services.call("switch", "turn_off", {"entity_id": "switch.fan, switch.pump"})
    assert (state_of(hub, "switch.pump"), state_of(hub, "switch.fan")) == ("off", "off")


async def test_an_unknown_or_foreign_entity_fails_the_call_naming_it(hub: Hub) -> None:
    await add(hub, "switch", Outlet("pump"))
    await add(hub, "lock", Gate())

    with pytest.raises(ServiceValidationError, match=r"no switch entity switch\.boiler exists"):
        await hub.services.call(
            "switch", "turn_on", {"entity_id": ["switch.pump", "switch.boiler"]}
        )
    with pytest.raises(ServiceValidationError, match=r"no switch entity lock\.north_gate exists"):
        await hub.services.call("switch", "turn_on", {"entity_id": "lock.north_gate"})
    with pytest.raises(ServiceValidationError, match="field 'entity_id'"):
        await hub.services.call("switch", "turn_on", {"entity_id": "not an id"})
    assert state_of(hub, "switch.pump") == "off"  # nothing acted on before the check


async def test_lock_services_and_states(hub: Hub) -> None:
    gate = Gate()
    await add(hub, "lock", gate)
    assert state_of(hub, "lock.north_gate") == "locked"

    await hub.services.call("lock", "unlock", {"entity_id": "lock.north_gate"})
    assert state_of(hub, "lock.north_gate") == "unlocked"
    await hub.services.call("lock", "lock", {"entity_id": "lock.north_gate"})
    assert state_of(hub, "lock.north_gate") == "locked"
    with pytest.raises(
        ServiceValidationError, match=r"lock.open: lock.north_gate does not support"
    ):
        await hub.services.call("lock", "open", {"entity_id": "lock.north_gate"})

    gate._attr_is_locking = True
    gate.write_state()
    assert state_of(hub, "lock.north_gate") == "locking"
    gate._attr_is_jammed = True
    gate.write_state()
    assert state_of(hub, "lock.north_gate") == "jammed"


async def test_number_set_value_within_its_range(hub: Hub) -> None:
    await add(hub, "number", ChargingCurrent())
    state = hub.states.get("number.charging_current")
    assert state.state == "16.0"
    assert state.attributes == {
        "min": 6,
        "max": 32,
        "step": 1.0,
        "mode": "auto",
        "friendly_name": "Charging current",
        "unit_of_measurement": "A",
    }

    await hub.services.call(
        "number", "set_value", {"entity_id": "number.charging_current", "value": "10"}
    )
    assert state_of(hub, "number.charging_current") == "10.0"

    with pytest.raises(
        ServiceValidationError,
        match=r"40\.0 is outside the range of number\.charging_current \(6 to 32\)",
    ):
        await hub.services.call(
            "number", "set_value", {"entity_id": "number.charging_current", "value": 40}
        )
    with pytest.raises(ServiceValidationError, match="field 'value'"):
        await hub.services.call("number", "set_value", {"entity_id": "number.charging_current"})
    assert state_of(hub, "number.charging_current") == "10.0"


async def test_a_button_press_is_its_state(hub: Hub) -> None:
    button = Restart()
    await add(hub, "button", button)
    assert state_of(hub, "button.restart") == "unknown"

    pressed_at = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    fire_time_changed(hub, pressed_at)
    await hub.services.call("button", "press", {"entity_id": "button.restart"})

    assert button.presses == 1
    pressed = datetime.fromisoformat(state_of(hub, "button.restart"))
    assert pressed.replace(microsecond=0) == pressed_at


async def test_binary_sensor_and_sensor_states(hub: Hub) -> None:
    class Smoke(BinarySensorEntity):
        _attr_should_poll = False
        _attr_name = "Kitchen smoke"
        _attr_device_class = BinarySensorDeviceClass.smoke

    class LastSeen(SensorEntity):
        _attr_should_poll = False
        _attr_name = "Last seen"
        _attr_device_class = SensorDeviceClass.timestamp
        _attr_native_value = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)

    smoke = Smoke()
    await add(hub, "binary_sensor", smoke)
    await add(hub, "sensor", LastSeen())
    assert state_of(hub, "binary_sensor.kitchen_smoke") == "unknown"
    smoke._attr_is_on = True
    smoke.write_state()
    assert state_of(hub, "binary_sensor.kitchen_smoke") == "on"
    assert hub.states.get("binary_sensor.kitchen_smoke").attributes["device_class"] == "smoke"
    assert state_of(hub, "sensor.last_seen") == "2026-03-01T08:30:00+00:00"


async def test_a_sensor_with_a_unit_needs_a_number(hub: Hub) -> None:
    class Broken(SensorEntity):
        _attr_unit_of_measurement = "kWh"
        _attr_native_value = "lots"

    with pytest.raises(ValueError, match="its value must be a number, got 'lots'"):
        _ = Broken().state


async def test_a_tracker_is_in_the_smallest_zone_around_it(hub: Hub) -> None:
    hub.states.set("zone.home", "0", {"latitude": 31.2300, "longitude": 121.4700, "radius": 300})
    hub.states.set(
        "zone.clinic",
        "0",
        {"latitude": 31.2310, "longitude": 121.4710, "radius": 50, "friendly_name": "社区医院"},
    )

    class Wearer(TrackerEntity):
        _attr_name = "Grandma"

    tracker = Wearer()
    await add(hub, "device_tracker", tracker)
    assert state_of(hub, "device_tracker.grandma") == "unknown"

    for (latitude, longitude), expected in [
        ((31.2301, 121.4701), "home"),
        ((31.2310, 121.4710), "社区医院"),
        ((31.3000, 121.5000), "not_home"),
    ]:
        tracker._attr_latitude, tracker._attr_longitude = latitude, longitude
        tracker.write_state()
        assert state_of(hub, "device_tracker.grandma") == expected

    tracker._attr_location_name = "Daughter's flat"
    tracker._attr_location_accuracy = 20
    tracker.write_state()
    state = hub.states.get("device_tracker.grandma")
    assert state.state == "Daughter's flat"
    assert state.attributes == {
        "source_type": "gps",
        "latitude": 31.3,
        "longitude": 121.5,
        "gps_accuracy": 20,
        "friendly_name": "Grandma",
    }


async def test_a_scanner_is_home_while_connected(hub: Hub) -> None:
    class Phone(ScannerEntity):
        _attr_name = "Phone"
        _attr_source_type = SourceType.bluetooth
        _attr_is_connected = True

    phone = Phone()
    await add(hub, "device_tracker", phone)
    assert state_of(hub, "device_tracker.phone") == "home"
    assert hub.states.get("device_tracker.phone").attributes["source_type"] == "bluetooth"
    phone._attr_is_connected = False
    phone.write_state()
    assert state_of(hub, "device_tracker.phone") == "not_home"


async def test_an_event_entity_shows_the_last_event(hub: Hub) -> None:
    class Doorbell(EventEntity):
        _attr_name = "Doorbell"
        _attr_device_class = EventDeviceClass.doorbell
        _attr_event_types = ("ring", "long_press")

    bell = Doorbell()
    await add(hub, "event", bell)
    state = hub.states.get("event.doorbell")
    assert state.state == "unknown"
    assert state.attributes["event_types"] == ["ring", "long_press"]
    assert state.attributes["event_type"] is None

    rung_at = datetime(2026, 3, 1, 19, 0, tzinfo=UTC)
    fire_time_changed(hub, rung_at)
    bell.trigger_event("ring", {"visitor": "courier"})

    state = hub.states.get("event.doorbell")
    assert datetime.fromisoformat(state.state).replace(microsecond=0) == rung_at
    assert state.attributes["event_type"] == "ring"
    assert state.attributes["visitor"] == "courier"
    with pytest.raises(ValueError, match="'knock' is not an event type"):
        bell.trigger_event("knock")
