"""After a restart, the open alarms are back and their ladders go on where they stood, with
the time that was left (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alarm_people import ALARMS, Family

from linli.alarms import AlarmState
from linli.const import EVENT_HUB_STOP
from linli.hub import Hub
from linli.plugins import PluginManager
from linli.testing import fire_time_changed
from linli.testing.plugin import HubFactory


async def restarted(old: Hub, hub_factory: HubFactory, plugins: PluginManager) -> Hub:
    """``old`` stopped, and a new hub on its database whose clock goes on from old's."""
    now = old.clock.now()
    await old.stop()
    hub = await hub_factory(
        config_dir=old.config.config_dir,
        database_url=old.config.database_url,
        plugins=plugins,
        alarms=ALARMS,
    )
    hub.clock.travel_to(now)
    return hub


async def test_a_restart_resumes_the_ladder_with_the_time_left(
    hub_factory: HubFactory, plugins: PluginManager, database_url: str
) -> None:
    hub = await hub_factory(database_url=database_url, plugins=plugins, alarms=ALARMS)
    family = Family(hub)
    alarm = family.sos()
    closed = hub.alarms.raise_alarm(
        "smoke", "critical", source_entity_id=None, household_id=family.household.id, message="烟"
    )
    hub.alarms.acknowledge(closed.id, by_user_id=family.son.id)
    hub.alarms.clear(closed.id)
    fire_time_changed(hub, timedelta(seconds=60))  # the caregiver is told
    fire_time_changed(hub, timedelta(seconds=20))
    before = hub.alarms.get(alarm.id)

    hub = await restarted(hub, hub_factory, plugins)

    restored = hub.alarms.get(alarm.id)
    assert restored == before
    assert restored.state is AlarmState.active_unacknowledged
    assert restored.escalation_step == 1
    assert hub.alarms.open() == [restored]  # the closed smoke alarm stays in the database
    assert hub.alarms.active(family.household.id) == [restored]
    assert family.sos().id == alarm.id  # still active: not raised twice

    fire_time_changed(hub, timedelta(seconds=39))
    assert hub.alarms.get(alarm.id).escalation_step == 1  # 40 s were left
    fire_time_changed(hub, timedelta(seconds=1.1))
    assert hub.alarms.get(alarm.id).escalation_step == 2
    await hub.block_till_done()
    [guard_told] = [await hub.notifications.of_user(family.guard.id)]
    assert [n.alarm_id for n in guard_told] == [alarm.id]
    son_told = await hub.notifications.of_user(family.son.id)
    assert len(son_told) == 2  # the SOS and the smoke, once each: nobody told twice


async def test_a_step_that_fell_due_while_the_hub_was_down_runs_at_start(
    hub_factory: HubFactory, plugins: PluginManager
) -> None:
    hub = await hub_factory(plugins=plugins, alarms=ALARMS)
    family = Family(hub)
    alarm = family.sos()
    fire_time_changed(hub, timedelta(seconds=30))
    hub.clock.travel_to(hub.clock.now() + timedelta(minutes=5))  # the hub is down meanwhile

    hub = await restarted(hub, hub_factory, plugins)
    fire_time_changed(hub, timedelta(0))

    reached = hub.alarms.get(alarm.id)
    assert reached.escalation_step == 1  # one step at once, then the next after its timeout
    assert reached.next_escalation_at == pytest.approx(hub.clock.time() + 60, abs=0.5)


async def test_an_acknowledged_alarm_is_restored_without_its_ladder(
    hub_factory: HubFactory, plugins: PluginManager
) -> None:
    hub = await hub_factory(plugins=plugins, alarms=ALARMS)
    family = Family(hub)
    alarm = hub.alarms.acknowledge(family.sos().id, by_user_id=family.wife.id, comment="在处理")

    hub = await restarted(hub, hub_factory, plugins)

    assert hub.alarms.get(alarm.id) == alarm
    assert not [timer for timer in hub.scheduler.pending if "Escalation" in repr(timer)]


async def test_an_alarm_raised_while_the_hub_stops_escalates_after_the_restart(
    hub_factory: HubFactory, plugins: PluginManager
) -> None:
    hub = await hub_factory(plugins=plugins, alarms=ALARMS)
    family = Family(hub)
    hub.bus.listen(EVENT_HUB_STOP, lambda _event: family.sos())  # a device's last word

    hub = await restarted(hub, hub_factory, plugins)  # no timer left behind by the old hub

    [alarm] = hub.alarms.open()
    assert alarm.escalation_step == 0
    fire_time_changed(hub, timedelta(seconds=60.5))
    assert hub.alarms.get(alarm.id).escalation_step == 1
