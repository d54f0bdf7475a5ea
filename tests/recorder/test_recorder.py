"""Recording: states and events in batches, shared attributes, backlog, stop."""

import asyncio
import logging

import pytest
import sqlalchemy as sa

from linli.config import RecorderConfig
from linli.context import Context
from linli.hub import Hub
from linli.recorder.recorder import EVENT_RECORDER_BACKLOG
from linli.storage.recorder_schema import event_data, events, state_attributes, states
from linli.testing.plugin import HubFactory


async def test_states_and_events_are_recorded_with_their_context(db_hub: Hub) -> None:
    context = Context(user_id="resident-12", origin="user")
    db_hub.states.set("lock.gate", "locked", {"friendly_name": "Gate"}, context=context)
    db_hub.bus.fire("doorbell_pressed", {"unit": "3-1-502"}, Context(origin="device"))
    await db_hub.recorder.flush()

    def read(session):
        state = session.execute(
            sa.select(states, state_attributes.c.shared_attrs)
            .join(state_attributes)
            .where(states.c.entity_id == "lock.gate")
        ).one()
        event = session.execute(
            sa.select(events, event_data.c.shared_data)
            .join(event_data)
            .where(events.c.event_type == "doorbell_pressed")
        ).one()
        return state, event

    state, event = await db_hub.recorder.run(read)
    assert (state.state, state.shared_attrs) == ("locked", '{"friendly_name":"Gate"}')
    assert (state.context_id, state.context_user_id) == (context.id, "resident-12")
    assert state.context_origin == "user"
    assert event.shared_data == '{"unit":"3-1-502"}'
    assert (event.origin, event.context_origin) == ("local", "device")


async def test_attributes_and_event_data_are_stored_once(db_hub: Hub, count_rows) -> None:
    for value in range(50):
        db_hub.states.set("sensor.heart_rate", str(60 + value), {"unit_of_measurement": "bpm"})
        db_hub.states.set("sensor.pulse", str(value), {"unit_of_measurement": "bpm"})
        db_hub.bus.fire("fall_detected", {"unit": "2-402"})
    await db_hub.recorder.flush()
    db_hub.recorder.writer.attributes.clear()  # found again in the table, not inserted
    db_hub.states.set("sensor.pulse", "99", {"unit_of_measurement": "bpm"})
    db_hub.states.set("sensor.pulse", "98", {"unit_of_measurement": "%"})

    assert await count_rows(db_hub, states) == 102
    assert await count_rows(db_hub, state_attributes) == 2
    assert await count_rows(db_hub, event_data) == 1


async def test_removed_entity_leaves_a_row_without_state(db_hub: Hub) -> None:
    db_hub.states.set("switch.pump", "on")
    db_hub.states.remove("switch.pump")
    query = sa.select(states.c.state).where(states.c.entity_id == "switch.pump").order_by("id")
    rows = await db_hub.recorder.run(lambda session: session.execute(query).scalars().all())
    assert rows == ["on", None]


async def test_excluded_event_types_are_not_recorded(hub: Hub, count_rows) -> None:
    before = await count_rows(hub, events)
    hub.services.register("test", "noop", lambda call: None)  # fires service_registered
    assert await count_rows(hub, events) == before


async def test_recorder_settings_exclude_events_and_entities(
    hub_factory: HubFactory, count_rows
) -> None:
    settings = RecorderConfig(
        exclude_event_types=("doorbell_pressed",), exclude_entities=("sensor.noisy",)
    )
    hub = await hub_factory(recorder=settings)
    events_before, states_before = await count_rows(hub, events), await count_rows(hub, states)
    hub.bus.fire("doorbell_pressed", {"unit": "3-1-502"})
    hub.bus.fire("parcel_delivered", {"unit": "3-1-502"})
    hub.states.set("sensor.noisy", "1")
    hub.states.set("sensor.quiet", "1")
    assert await count_rows(hub, states) == states_before + 1  # sensor.quiet's
    assert await count_rows(hub, events) == events_before + 1  # parcel_delivered


async def test_one_unwritable_event_loses_only_itself(db_hub: Hub, count_rows) -> None:
    deep: dict = {}
    for _ in range(300):  # deeper than JSON can be written
        deep = {"a": deep}
    before = await count_rows(db_hub, events)
    db_hub.bus.fire("doorbell_pressed", {"unit": "3-1-502"})
    db_hub.bus.fire("deep_event", deep)
    db_hub.bus.fire("parcel_delivered", {"unit": "3-1-502"})
    assert await count_rows(db_hub, events) == before + 2
    assert db_hub.recorder.writer.dropped == 1


async def test_a_backlog_over_the_bound_is_reported_and_kept(
    hub: Hub, count_rows, caplog: pytest.LogCaptureFixture
) -> None:
    hub.recorder.max_backlog = 10
    reports = []
    hub.bus.listen(EVENT_RECORDER_BACKLOG, lambda event: reports.append(dict(event.data)))
    await hub.recorder.flush()
    before = await count_rows(hub, events)

    with caplog.at_level(logging.ERROR):
        for number in range(25):
            hub.bus.fire("meter_reading", {"number": number})
        assert hub.recorder.backlog == 25
        await asyncio.sleep(0)

    assert reports == [{"backlog": 11, "max_backlog": 10}]  # once, not per event
    assert "Recorder backlog: 11 events wait" in caplog.text
    # nothing dropped: the 25 readings and the report itself
    assert await count_rows(hub, events) == before + 26
    assert hub.recorder.backlog == 0
    assert hub.recorder.writer.dropped == 0


async def test_stopping_the_hub_commits_everything_queued(
    database_url: str, hub_factory: HubFactory, tmp_path
) -> None:
    first = await hub_factory(config_dir=tmp_path / "community", database_url=database_url)
    first.recorder.writer.commit_interval = 3600  # from its next wait on: only stop commits
    for value in range(500):
        first.states.set("sensor.water_meter", str(value))
    await first.stop()

    second = await hub_factory(config_dir=tmp_path / "community", database_url=database_url)
    query = sa.select(sa.func.count()).where(states.c.entity_id == "sensor.water_meter")
    count = await second.recorder.run(lambda session: session.execute(query).scalar_one())
    assert count == 500
    query = sa.select(sa.func.count()).where(events.c.event_type == "hub_stop")
    assert await second.recorder.run(lambda session: session.execute(query).scalar_one()) == 1


async def test_registry_writes_do_not_wait_for_history(hub: Hub) -> None:
    def slow_job(session):
        import time

        time.sleep(0.5)

    blocked = asyncio.ensure_future(hub.recorder.run(slow_job))
    await asyncio.sleep(0.05)
    started = asyncio.get_running_loop().time()
    await hub.database.read(lambda session: session.execute(sa.text("SELECT 1")).scalar())
    assert asyncio.get_running_loop().time() - started < 0.3
    await blocked


async def test_the_recorder_refuses_queries_when_stopped(hub: Hub) -> None:
    await hub.stop()
    await hub.recorder.flush()  # nothing to wait for
    with pytest.raises(Exception, match="The recorder is not running"):
        await hub.recorder.run(lambda session: None)
