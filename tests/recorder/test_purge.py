"""Retention: daily purge of old history, sooner for health and location data."""

from datetime import timedelta

import sqlalchemy as sa

from linli.plugins import PluginManager
from linli.recorder.purge import PROTECTED_CATEGORIES, protected_entity_ids
from linli.storage.recorder_schema import event_data, events, state_attributes, states
from linli.testing.plugin import HubFactory
from linli.testing.time_travel import fire_time_changed


async def test_purge_keeps_sensitive_data_for_a_shorter_time(
    database_url: str, hub_factory: HubFactory, plugins: PluginManager, integration, count_rows
) -> None:
    integration("wristband", data_categories=["health"])
    integration("gas_detector", data_categories=["images"])
    hub = await hub_factory(database_url=database_url, plugins=plugins)
    heart = hub.entities.get_or_create("sensor", "wristband", "hr-1").entity_id
    gas = hub.entities.get_or_create("sensor", "gas_detector", "gas-1").entity_id
    assert protected_entity_ids(hub) == {heart}
    hub.states.set(heart, "72", {"unit_of_measurement": "bpm"})
    hub.states.set(gas, "0", {"unit_of_measurement": "ppm"})
    hub.bus.fire("doorbell_pressed", {"unit": "1-101"})

    def rows_of(entity_id):
        query = sa.select(sa.func.count()).where(states.c.entity_id == entity_id)
        return hub.recorder.run(lambda session: session.execute(query).scalar_one())

    fire_time_changed(hub, timedelta(days=8))  # the daily purge runs
    await hub.block_till_done()
    assert (await rows_of(heart), await rows_of(gas)) == (0, 1)
    assert await count_rows(hub, state_attributes) == 1  # bpm is gone, ppm stays
    assert await count_rows(hub, event_data) >= 1

    hub.states.set(heart, "75", {"unit_of_measurement": "bpm"})  # attributes stored again
    assert await rows_of(heart) == 1

    fire_time_changed(hub, timedelta(days=3))
    await hub.block_till_done()
    assert (await rows_of(heart), await rows_of(gas)) == (1, 0)
    doorbell = sa.select(sa.func.count()).where(events.c.event_type == "doorbell_pressed")
    assert await hub.recorder.run(lambda session: session.execute(doorbell).scalar_one()) == 0
    used = sa.exists().where(events.c.data_id == event_data.c.id)
    unused = sa.select(sa.func.count()).select_from(event_data).where(~used)
    assert await hub.recorder.run(lambda session: session.execute(unused).scalar_one()) == 0
    assert hub.recorder.writer.dropped == 0
    assert {"health", "location"} == PROTECTED_CATEGORIES
