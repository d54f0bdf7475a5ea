"""EntityPlatform: polling, parallel updates, failures, disabled entities, removal."""

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta
from types import ModuleType

import pytest

from linli.entities import DeviceInfo, EntityDescription, EntityPlatform
from linli.entities.sensor import SensorEntity
from linli.hub import Hub
from linli.registry.entities import DisabledBy
from linli.testing import fire_time_changed


class Meter(SensorEntity):
    """A polled meter; ``hold`` makes updates wait, ``fail`` makes them raise."""

    _attr_unit_of_measurement = "kWh"

    def __init__(self, name: str, log: list[str] | None = None) -> None:
        self._attr_unique_id = name
        self._attr_name = name
        self._attr_native_value = 0
        self._attr_device_info = DeviceInfo(identifiers={("acme", name)}, name=name)
        self.log = log if log is not None else []
        self.hold: asyncio.Event | None = None
        self.fail = False

    async def async_update(self) -> None:
        self.log.append(f"start {self._attr_name}")
        if self.hold is not None:
            await self.hold.wait()
        self.log.append(f"end {self._attr_name}")
        if self.fail:
            raise ConnectionError("meter offline")
        self._attr_native_value += 1


async def until(condition: Callable[[], bool]) -> None:
    """Let the loop run until ``condition()`` holds (a few hundred steps at most)."""
    for _ in range(200):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("the condition never held")


def state_of(hub: Hub, entity_id: str) -> str:
    state = hub.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


async def test_polling_updates_every_scan_interval_of_the_platform_module(hub: Hub) -> None:
    module = ModuleType("acme.sensor")
    module.SCAN_INTERVAL = timedelta(minutes=5)
    platform = EntityPlatform(hub, "sensor", "acme", platform_module=module)
    meter = Meter("meter")
    await platform.add_entities([meter])
    assert platform.scan_interval == timedelta(minutes=5)

    fire_time_changed(hub, timedelta(minutes=4))
    await hub.block_till_done()
    assert meter.log == []

    for _ in range(3):
        fire_time_changed(hub, timedelta(minutes=5))
        await hub.block_till_done()
    assert meter.log.count("end meter") == 3
    assert state_of(hub, "sensor.meter") == "3"
    await platform.reset()


async def test_a_failing_update_marks_only_that_entity_unavailable(
    hub: Hub, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    platform = EntityPlatform(hub, "sensor", "acme", scan_interval=timedelta(seconds=10))
    broken, working = Meter("broken"), Meter("working")
    await platform.add_entities([broken, working])
    broken.fail = True

    for _ in range(2):
        fire_time_changed(hub, timedelta(seconds=10))
        await hub.block_till_done()

    assert state_of(hub, "sensor.broken") == "unavailable"
    assert state_of(hub, "sensor.working") == "2"
    failures = [record for record in caplog.records if "sensor.broken failed" in record.message]
    assert len(failures) == 1  # logged once, not on every poll
    assert failures[0].exc_info is not None

    broken.fail = False
    fire_time_changed(hub, timedelta(seconds=10))
    await hub.block_till_done()
    assert state_of(hub, "sensor.broken") == "1"
    assert "sensor.broken is available again" in caplog.text
    await platform.reset()


@pytest.mark.parametrize(("parallel_updates", "most_at_once"), [(1, 1), (2, 2), (0, 4)])
async def test_parallel_updates_limits_how_many_updates_run_at_once(
    hub: Hub, parallel_updates: int, most_at_once: int
) -> None:
    platform = EntityPlatform(hub, "sensor", "acme", parallel_updates=parallel_updates)
    log: list[str] = []
    meters = [Meter(f"m{number}", log) for number in range(4)]
    for meter in meters:
        meter.hold = asyncio.Event()
    await platform.add_entities(meters)

    fire_time_changed(hub, timedelta(seconds=30))

    def holding() -> list[Meter]:
        return [m for m in meters if f"start {m.name}" in log and f"end {m.name}" not in log]

    running = 0
    for _ in meters:
        await until(lambda: bool(holding()))
        for _ in range(10):  # time for more updates to start, if the limit lets them
            await asyncio.sleep(0)
        running = max(running, len(holding()))
        holding()[0].hold.set()
    await hub.block_till_done()

    assert running == most_at_once
    assert [state_of(hub, f"sensor.m{number}") for number in range(4)] == ["1"] * 4
    await platform.reset()


async def test_a_poll_still_running_makes_the_next_one_skip(
    hub: Hub, caplog: pytest.LogCaptureFixture
) -> None:
    platform = EntityPlatform(hub, "sensor", "acme")
    meter = Meter("meter")
    meter.hold = asyncio.Event()
    await platform.add_entities([meter])

    fire_time_changed(hub, timedelta(seconds=30))
    await until(lambda: meter.log == ["start meter"])
    fire_time_changed(hub, timedelta(seconds=30))
    meter.hold.set()
    await hub.block_till_done()

    assert meter.log == ["start meter", "end meter"]
    assert "takes longer than the scan interval (0:00:30): skipping this poll" in caplog.text
    await platform.reset()


async def test_an_update_overrunning_the_scan_interval_makes_the_entity_unavailable(
    hub: Hub, caplog: pytest.LogCaptureFixture
) -> None:
    platform = EntityPlatform(hub, "sensor", "acme", scan_interval=timedelta(seconds=0.05))
    meter = Meter("meter")
    meter.hold = asyncio.Event()  # never set

    await platform.add_entities([meter], update_before_add=True)

    assert state_of(hub, "sensor.meter") == "unavailable"
    assert "Updating sensor.meter took longer than 0:00:00.050000" in caplog.text
    await platform.reset()


async def test_update_before_add_writes_the_updated_first_state(hub: Hub) -> None:
    platform = EntityPlatform(hub, "sensor", "acme")
    meter = Meter("meter")
    states: list[str] = []
    hub.bus.listen("state_changed", lambda event: states.append(event.data["new_state"].state))

    await platform.add_entities([meter], update_before_add=True)

    assert states == ["1"]
    await platform.reset()


async def test_polling_stops_with_the_hub(hub: Hub) -> None:
    hub_timers = hub.scheduler.pending  # the recorder's purge and statistics
    await EntityPlatform(hub, "sensor", "acme").add_entities([Meter("meter")])
    assert len(hub.scheduler.pending) > len(hub_timers)

    await hub.stop()

    assert hub.leftovers_at_stop == []


async def test_entities_that_do_not_poll_start_no_timer(hub: Hub) -> None:
    meter = Meter("meter")
    meter._attr_should_poll = False
    hub_timers = hub.scheduler.pending  # the recorder's purge and statistics
    await EntityPlatform(hub, "sensor", "acme").add_entities([meter])
    assert hub.scheduler.pending == hub_timers


async def test_a_disabled_entity_is_not_added(hub: Hub) -> None:
    hub.entities.get_or_create("sensor", "acme", "off-by-user", disabled_by=DisabledBy.user)
    by_user = Meter("off-by-user")
    noisy = Meter("noisy")
    noisy.entity_description = EntityDescription(key="noisy", entity_registry_enabled_default=False)
    platform = EntityPlatform(hub, "sensor", "acme")

    await platform.add_entities([by_user, noisy, Meter("kept")])

    assert hub.states.entity_ids() == ["sensor.kept"]
    assert hub.entities.get("sensor.noisy").disabled_by is DisabledBy.integration
    assert by_user.entity_id is None
    await platform.reset()


async def test_an_entity_that_cannot_be_added_does_not_stop_the_others(
    hub: Hub, caplog: pytest.LogCaptureFixture
) -> None:
    class Failing(Meter):
        async def async_added_to_hub(self) -> None:
            raise RuntimeError("boom")

    no_device = Meter("no-device")
    no_device._attr_device_info = DeviceInfo(name="nothing to find it by")
    platform = EntityPlatform(hub, "sensor", "acme")

    await platform.add_entities([Meter("twin"), Meter("twin"), no_device, Failing("failing")])

    assert hub.states.entity_ids() == ["sensor.twin"]
    assert "acme gave the unique_id 'twin' to two entities" in caplog.text
    assert "needs at least one identifier or connection" in caplog.text
    assert "Cannot add sensor.failing of acme" in caplog.text
    await platform.reset()


async def test_an_entity_of_another_platform_is_refused(hub: Hub) -> None:
    with pytest.raises(
        TypeError, match="Meter is a sensor entity: it cannot be added to the switch"
    ):
        await EntityPlatform(hub, "switch", "acme").add_entities([Meter("meter")])


async def test_reset_keeps_registry_entries_and_remove_entities_drops_them(hub: Hub) -> None:
    hub_timers = hub.scheduler.pending  # the recorder's purge and statistics
    platform = EntityPlatform(hub, "sensor", "acme", config_entry_id="entry-1")
    await platform.add_entities([Meter("a"), Meter("b")])
    await platform.reset()
    assert hub.states.entity_ids() == []
    assert [entry.entity_id for entry in hub.entities] == ["sensor.a", "sensor.b"]
    assert hub.scheduler.pending == hub_timers

    platform = EntityPlatform(hub, "sensor", "acme", config_entry_id="entry-1")
    await platform.add_entities([Meter("a"), Meter("b")])
    other = EntityPlatform(hub, "sensor", "other")
    await other.add_entities([Meter("c")])
    await platform.remove_entities(from_registry=True)

    assert hub.states.entity_ids() == ["sensor.c"]
    assert [entry.entity_id for entry in hub.entities] == ["sensor.c"]
    await other.reset()
    assert hub.scheduler.pending == hub_timers


async def test_reset_cancels_a_running_poll(hub: Hub) -> None:
    platform = EntityPlatform(hub, "sensor", "acme")
    meter = Meter("meter")
    meter.hold = asyncio.Event()
    await platform.add_entities([meter])
    fire_time_changed(hub, timedelta(seconds=30))
    await until(lambda: meter.log == ["start meter"])

    await platform.reset()

    assert hub.pending_tasks == []
    assert hub.states.get("sensor.meter") is None
