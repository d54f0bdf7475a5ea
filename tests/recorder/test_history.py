"""History: states over a window, with the state at the start, and a minimal mode."""

from datetime import timedelta

from linli.hub import Hub
from linli.recorder import history
from linli.recorder.history import StateChange
from linli.testing.time_travel import fire_time_changed


async def test_history_of_several_entities_over_a_window(db_hub: Hub) -> None:
    db_hub.states.set("sensor.kitchen_smoke", "off", {"friendly_name": "Kitchen smoke"})
    db_hub.states.set("sensor.gas", "0")
    fire_time_changed(db_hub, timedelta(minutes=10))
    start = db_hub.clock.now()
    db_hub.states.set("sensor.kitchen_smoke", "on", {"friendly_name": "Kitchen smoke"})
    fire_time_changed(db_hub, timedelta(minutes=10))
    end = db_hub.clock.now()
    db_hub.states.set("sensor.kitchen_smoke", "off", {"friendly_name": "Kitchen smoke"})
    fire_time_changed(db_hub, timedelta(minutes=10))
    db_hub.states.set("sensor.kitchen_smoke", "on", {"friendly_name": "Kitchen smoke"})

    found = await history.state_changes(
        db_hub, ["sensor.kitchen_smoke", "sensor.gas", "sensor.unknown"], start, end
    )

    assert set(found) == {"sensor.kitchen_smoke", "sensor.gas"}
    smoke = found["sensor.kitchen_smoke"]
    assert [state.state for state in smoke] == ["off", "on"]  # the state at start, then on
    assert smoke[0].last_changed < start <= smoke[1].last_changed < end
    assert smoke[1].attributes == {"friendly_name": "Kitchen smoke"}
    assert smoke[1].context.origin == "hub"
    assert [state.state for state in found["sensor.gas"]] == ["0"]


async def test_minimal_history_sends_only_changes_of_state(db_hub: Hub) -> None:
    start = db_hub.clock.now()
    for value, battery in [("home", 90), ("home", 80), ("away", 80), ("away", 70), ("home", 60)]:
        db_hub.states.set("device_tracker.grandma", value, {"battery": battery})
        fire_time_changed(db_hub, timedelta(minutes=1))

    full = await history.state_changes(db_hub, "device_tracker.grandma", start)
    minimal = await history.state_changes(db_hub, "device_tracker.grandma", start, minimal=True)

    assert len(full["device_tracker.grandma"]) == 5
    first, *changes = minimal["device_tracker.grandma"]
    assert (first.state, first.attributes) == ("home", {"battery": 90})
    assert [change.state for change in changes] == ["away", "home"]
    assert all(isinstance(change, StateChange) for change in changes)
    assert changes[0].last_changed == full["device_tracker.grandma"][2].last_changed


async def test_history_includes_states_not_yet_committed(hub: Hub) -> None:
    start = hub.clock.now()
    hub.states.set("switch.pump", "on")
    found = await history.state_changes(hub, "switch.pump", start)
    assert [state.state for state in found["switch.pump"]] == ["on"]


async def test_a_removed_entity_has_no_state_in_its_gap(hub: Hub) -> None:
    start = hub.clock.now()
    hub.states.set("switch.pump", "on")
    hub.states.remove("switch.pump")
    hub.states.set("switch.pump", "off")
    found = await history.state_changes(hub, "switch.pump", start, minimal=True)
    assert [state.state for state in found["switch.pump"]] == ["on", "off"]
