"""The escalation ladder: an SOS nobody answers climbs from the household to the
caregivers, the security desk and the outside world, a step a minute; acknowledging it
stops the climb; a step whose deliveries keep failing gives way to the next at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alarm_people import Family, RecordingChannel, until

from linli.hub import Hub
from linli.testing import fire_time_changed

MINUTE = timedelta(seconds=60)


async def test_an_sos_nobody_answers_climbs_step_by_step(
    hub: Hub, family: Family, pager: RecordingChannel
) -> None:
    alarm = family.sos()
    raised = alarm.raised_at
    assert alarm.escalation_step == 0
    assert alarm.next_escalation_at == pytest.approx(raised + 60, abs=1)  # a loaded machine
    await until(lambda: len(pager.sent) == 1)
    assert pager.sent == [
        ("13800000001", "[测试小区] Critical alarm: sos. 张奶奶按了紧急呼叫 (张家)")
    ]
    son, wife, daughter, guard, neighbour = await family.told(
        family.son, family.wife, family.daughter, family.guard, family.neighbour
    )
    assert [n.title for n in son] == [n.title for n in wife] == ["Critical alarm: sos"]
    assert (son[0].message, son[0].alarm_id) == ("张奶奶按了紧急呼叫 (张家)", alarm.id)
    assert daughter == guard == neighbour == []

    fire_time_changed(hub, MINUTE - timedelta(seconds=1))
    assert hub.alarms.get(alarm.id).escalation_step == 0  # not yet
    fire_time_changed(hub, timedelta(seconds=1))
    assert hub.alarms.get(alarm.id).escalation_step == 1
    [daughter, guard] = await family.told(family.daughter, family.guard)
    assert (len(daughter), len(guard)) == (1, 0)

    fire_time_changed(hub, MINUTE)
    assert hub.alarms.get(alarm.id).escalation_step == 2
    [guard, son] = await family.told(family.guard, family.son)
    assert (len(guard), len(son)) == (1, 1)  # each step tells its own people once

    fire_time_changed(hub, MINUTE)
    reached = hub.alarms.get(alarm.id)
    assert (reached.escalation_step, reached.next_escalation_at) == (3, None)  # the last step
    await until(lambda: len(pager.sent) == 2)
    assert pager.sent[1][0] == "district-110"
    assert not [timer for timer in hub.scheduler.pending if "Escalation" in repr(timer)]
    [neighbour] = await family.told(family.neighbour)
    assert neighbour == []  # never another household


async def test_acknowledging_stops_the_climb(
    hub: Hub, family: Family, pager: RecordingChannel
) -> None:
    alarm = family.sos()
    await until(lambda: len(pager.sent) == 1)  # grandma's phone
    fire_time_changed(hub, MINUTE)  # the caregiver is told
    hub.alarms.acknowledge(alarm.id, by_user_id=family.daughter.id)
    assert not [timer for timer in hub.scheduler.pending if "Escalation" in repr(timer)]

    fire_time_changed(hub, MINUTE * 10)
    assert hub.alarms.get(alarm.id).escalation_step == 1
    [guard] = await family.told(family.guard)
    assert guard == []
    assert [to for to, _ in pager.sent] == ["13800000001"]


async def test_a_cleared_alarm_nobody_acknowledged_still_climbs(hub: Hub, family: Family) -> None:
    alarm = family.sos()
    hub.alarms.clear(alarm.id)  # the button was released
    fire_time_changed(hub, MINUTE)
    assert hub.alarms.get(alarm.id).escalation_step == 1


async def test_failing_deliveries_are_retried_then_the_ladder_moves_on(
    hub: Hub, family: Family, pager: RecordingChannel
) -> None:
    pager.failing = True
    alarm = family.sos()
    await until(lambda: pager.attempts == 1)
    for attempt, delay in enumerate((5, 10, 20), start=2):  # retries, the delay doubling
        fire_time_changed(hub, timedelta(seconds=delay - 1))
        await until(lambda: True)
        assert pager.attempts == attempt - 1
        fire_time_changed(hub, timedelta(seconds=1))
        await until(lambda attempt=attempt: pager.attempts == attempt)
    # 35 s after the SOS, not 60: nobody may have been reached, so the caregiver is told now
    await until(lambda: hub.alarms.get(alarm.id).escalation_step == 1)
    climbed = hub.alarms.get(alarm.id)
    assert climbed.next_escalation_at == pytest.approx(alarm.raised_at + 35 + 60, abs=0.1)


async def test_a_delivery_that_recovers_keeps_the_step(
    hub: Hub, family: Family, pager: RecordingChannel
) -> None:
    pager.failing = True
    alarm = family.sos()
    await until(lambda: pager.attempts == 1)
    pager.failing = False
    fire_time_changed(hub, timedelta(seconds=5))
    await until(lambda: len(pager.sent) == 1)
    await hub.block_till_done()
    assert hub.alarms.get(alarm.id).escalation_step == 0


async def test_acknowledging_stops_the_retries(
    hub: Hub, family: Family, pager: RecordingChannel
) -> None:
    pager.failing = True
    alarm = family.sos()
    await until(lambda: pager.attempts == 1)
    hub.alarms.acknowledge(alarm.id, by_user_id=family.son.id)
    await hub.block_till_done()
    fire_time_changed(hub, MINUTE * 5)
    assert pager.attempts == 1
