"""The state machine: writes, identical writes, removal, validation, JSON."""

from datetime import timedelta

import orjson
import pytest

from linli.const import EVENT_STATE_CHANGED
from linli.context import Context
from linli.events import Event
from linli.exceptions import InvalidEntityIdError, InvalidStateError
from linli.hub import Hub
from linli.states import split_entity_id, valid_entity_id
from linli.testing import fire_time_changed


@pytest.fixture
def changes(hub: Hub) -> list[Event]:
    received: list[Event] = []
    hub.bus.listen(EVENT_STATE_CHANGED, received.append)
    return received


async def test_first_write_fires_state_changed_without_old_state(
    hub: Hub, changes: list[Event]
) -> None:
    context = Context(user_id="resident-1203")
    state = hub.states.set("sensor.kitchen_smoke", "clear", {"battery": 90}, context=context)

    assert hub.states.get("sensor.kitchen_smoke") is state
    assert state.state == "clear"
    assert state.attributes == {"battery": 90}
    assert state.context is context
    (event,) = changes
    assert event.data["entity_id"] == "sensor.kitchen_smoke"
    assert event.data["old_state"] is None
    assert event.data["new_state"] is state
    assert event.context is context


async def test_changed_value_carries_old_and_new_state(hub: Hub, changes: list[Event]) -> None:
    before = hub.states.set("sensor.kitchen_smoke", "clear")
    fire_time_changed(hub, timedelta(minutes=1))
    after = hub.states.set("sensor.kitchen_smoke", "smoke")

    assert changes[-1].data["old_state"] is before
    assert changes[-1].data["new_state"] is after
    assert after.last_changed > before.last_changed


async def test_identical_write_fires_nothing_and_updates_last_reported(
    hub: Hub, changes: list[Event]
) -> None:
    state = hub.states.set("sensor.heart_rate", "72", {"unit_of_measurement": "bpm"})
    first_report = state.last_reported
    fire_time_changed(hub, timedelta(seconds=30))

    again = hub.states.set("sensor.heart_rate", "72", {"unit_of_measurement": "bpm"})

    assert again is state
    assert len(changes) == 1
    assert again.last_reported - first_report >= timedelta(seconds=29)
    assert again.last_updated == state.last_updated


async def test_attribute_change_keeps_last_changed(hub: Hub, changes: list[Event]) -> None:
    before = hub.states.set("sensor.heart_rate", "72", {"battery": 50})
    fire_time_changed(hub, timedelta(minutes=5))
    after = hub.states.set("sensor.heart_rate", "72", {"battery": 49})

    assert len(changes) == 2
    assert after.last_changed == before.last_changed
    assert after.last_updated > before.last_updated


async def test_force_update_fires_even_when_identical(hub: Hub, changes: list[Event]) -> None:
    hub.states.set("binary_sensor.sos_button", "off")
    hub.states.set("binary_sensor.sos_button", "off", force_update=True)
    assert len(changes) == 2


async def test_attributes_are_copied_not_shared(hub: Hub) -> None:
    attributes = {"battery": 90}
    state = hub.states.set("sensor.gas", "0", attributes)
    attributes["battery"] = 10
    assert state.attributes == {"battery": 90}


async def test_remove_fires_state_changed_with_no_new_state(hub: Hub, changes: list[Event]) -> None:
    state = hub.states.set("lock.front_door", "locked")
    assert hub.states.remove("lock.front_door") is True
    assert hub.states.get("lock.front_door") is None
    assert changes[-1].data["old_state"] is state
    assert changes[-1].data["new_state"] is None
    assert hub.states.remove("lock.front_door") is False
    assert hub.states.all("lock") == []


async def test_all_and_entity_ids_by_domain(hub: Hub) -> None:
    hub.states.set("sensor.b", "1")
    hub.states.set("lock.gate", "locked")
    hub.states.set("sensor.a", "2")

    assert [state.entity_id for state in hub.states.all("sensor")] == ["sensor.b", "sensor.a"]
    assert hub.states.entity_ids("lock") == ["lock.gate"]
    assert len(hub.states.all()) == 3 == len(hub.states)
    assert hub.states.all("switch") == []


@pytest.mark.parametrize(
    "entity_id",
    [
        "Sensor.Kitchen",
        "sensor",
        "sensor.",
        ".kitchen",
        "sensor.kitchen smoke",
        "sensor.厨房",
        "sensor._kitchen",
        "sensor.kitchen__smoke",
        "sensor.kitchen.smoke",
    ],
)
async def test_invalid_entity_id_is_refused_with_a_clear_error(
    hub: Hub, changes: list[Event], entity_id: str
) -> None:
    with pytest.raises(InvalidEntityIdError) as raised:
        hub.states.set(entity_id, "on")
    assert repr(entity_id) in str(raised.value)
    assert "domain.object_id" in str(raised.value)
    assert hub.states.get(entity_id) is None
    assert changes == []


async def test_bad_state_values_are_refused_and_the_old_state_kept(hub: Hub) -> None:
    hub.states.set("sensor.gas", "0")
    with pytest.raises(InvalidStateError, match=r"sensor\.gas must be a string, got int"):
        hub.states.set("sensor.gas", 5)  # type: ignore[arg-type]
    with pytest.raises(InvalidStateError, match="at most 255"):
        hub.states.set("sensor.gas", "x" * 256)
    with pytest.raises(InvalidStateError, match="must be a mapping"):
        hub.states.set("sensor.gas", "1", ["not", "a", "mapping"])  # type: ignore[arg-type]
    assert hub.states.get("sensor.gas").state == "0"


def test_entity_id_helpers() -> None:
    assert valid_entity_id("sensor.building_7_smoke_2")
    assert not valid_entity_id(None)  # type: ignore[arg-type]
    assert split_entity_id("lock.gate_1") == ("lock", "gate_1")
    with pytest.raises(InvalidEntityIdError):
        split_entity_id("lock")


async def test_state_json_is_built_once_and_reused(hub: Hub) -> None:
    state = hub.states.set(
        "sensor.heart_rate", "72", {"unit_of_measurement": "bpm"}, context=Context(user_id="u")
    )
    first = state.json
    assert state.json is first
    decoded = orjson.loads(first)
    assert decoded["entity_id"] == "sensor.heart_rate"
    assert decoded["state"] == "72"
    assert decoded["attributes"] == {"unit_of_measurement": "bpm"}
    assert decoded["context"]["user_id"] == "u"
    assert decoded["last_changed"] == state.last_changed.isoformat()
