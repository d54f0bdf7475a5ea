"""Tracking helpers: state changes of chosen entities, and points in time."""

import tracemalloc
from datetime import datetime, timedelta

import pytest

from linli.events import Event
from linli.helpers.event import (
    call_later,
    track_point_in_time,
    track_state_change,
    track_time_interval,
)
from linli.hub import Hub
from linli.testing import fire_time_changed


async def test_tracks_only_the_named_entities(hub: Hub) -> None:
    seen: list[str] = []
    track_state_change(
        hub, ["sensor.smoke_1203", "sensor.gas_1203"], lambda e: seen.append(e.data["entity_id"])
    )

    hub.states.set("sensor.smoke_1203", "clear")
    hub.states.set("sensor.smoke_0901", "clear")
    hub.states.set("sensor.gas_1203", "0")

    assert seen == ["sensor.smoke_1203", "sensor.gas_1203"]


async def test_one_entity_many_trackers_and_unsubscribe(hub: Hub) -> None:
    first: list[Event] = []
    second: list[Event] = []
    stop_first = track_state_change(hub, "lock.gate", first.append)
    track_state_change(hub, "lock.gate", second.append)

    hub.states.set("lock.gate", "locked")
    stop_first()
    stop_first()
    hub.states.set("lock.gate", "unlocked")

    assert len(first) == 1
    assert [event.data["new_state"].state for event in second] == ["locked", "unlocked"]


async def test_untracking_everything_removes_the_bus_listener(hub: Hub) -> None:
    stop = track_state_change(hub, "lock.gate", lambda event: None)
    assert hub.bus.listener_counts().get("state_changed") == 1
    stop()
    assert "state_changed" not in hub.bus.listener_counts()


async def test_removal_is_delivered_with_no_new_state(hub: Hub) -> None:
    seen: list[Event] = []
    hub.states.set("lock.gate", "locked")
    track_state_change(hub, "lock.gate", seen.append)
    hub.states.remove("lock.gate")
    assert seen[0].data["new_state"] is None


async def test_coroutine_tracker_and_a_failing_one(
    hub: Hub, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[str] = []

    async def remember(event: Event) -> None:
        seen.append(event.data["new_state"].state)

    def broken(event: Event) -> None:
        raise ValueError("no heart rate")

    track_state_change(hub, "sensor.heart_rate", broken)
    track_state_change(hub, "sensor.heart_rate", remember)
    hub.states.set("sensor.heart_rate", "71")
    await hub.block_till_done()

    assert seen == ["71"]
    assert "no heart rate" in caplog.text
    assert "broken" in caplog.text


async def test_point_in_time_runs_when_the_clock_gets_there(hub: Hub) -> None:
    fired: list[datetime] = []
    when = hub.clock.now() + timedelta(hours=2)
    track_point_in_time(hub, fired.append, when)

    fire_time_changed(hub, when - timedelta(seconds=1))
    assert fired == []
    fire_time_changed(hub, when)
    assert len(fired) == 1
    assert fired[0] >= when
    fire_time_changed(hub, when + timedelta(hours=1))
    assert len(fired) == 1


async def test_cancelled_timer_never_runs(hub: Hub) -> None:
    fired: list[datetime] = []
    cancel = call_later(hub, timedelta(minutes=10), fired.append)
    cancel()
    fire_time_changed(hub, timedelta(hours=1))
    assert fired == []


async def test_a_watchdog_rearmed_on_every_message_holds_no_memory(hub: Hub) -> None:
    """A detector's silence timer is cancelled and set again for each of its messages:
    20,000 of them must not leave 20,000 timers waiting to expire hours from now."""
    fired: list[datetime] = []
    cancel = call_later(hub, timedelta(hours=4), fired.append)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(20_000):
            cancel()
            cancel = call_later(hub, timedelta(hours=4), fired.append)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 1_000_000, f"{grown:,} bytes kept for one pending timer"
    fire_time_changed(hub, timedelta(hours=4, seconds=1))
    assert len(fired) == 1  # the last one, once


async def test_call_later_with_a_real_short_delay(hub: Hub) -> None:
    import asyncio

    done = asyncio.Event()
    call_later(hub, 0.01, lambda now: done.set())
    await asyncio.wait_for(done.wait(), 2)


async def test_coroutine_timer_runs_as_a_task(hub: Hub) -> None:
    fired: list[datetime] = []

    async def remind(now: datetime) -> None:
        fired.append(now)

    call_later(hub, 60, remind)
    fire_time_changed(hub, timedelta(seconds=61))
    await hub.block_till_done()
    assert len(fired) == 1


async def test_interval_keeps_its_phase_and_skips_missed_runs(hub: Hub) -> None:
    ticks: list[datetime] = []
    start = hub.clock.now()
    stop = track_time_interval(hub, ticks.append, timedelta(minutes=1))

    for minute in (1, 2, 3):
        fire_time_changed(hub, start + timedelta(minutes=minute, seconds=1))
    assert len(ticks) == 3

    fire_time_changed(hub, start + timedelta(hours=1, seconds=1))
    assert len(ticks) == 4  # an hour's jump runs once, not sixty times

    stop()
    fire_time_changed(hub, start + timedelta(hours=2))
    assert len(ticks) == 4


async def test_interval_must_be_positive(hub: Hub) -> None:
    with pytest.raises(ValueError, match="positive interval"):
        track_time_interval(hub, lambda now: None, timedelta(0))
