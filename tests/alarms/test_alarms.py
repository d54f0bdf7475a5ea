"""Raising, acknowledging, clearing and commenting alarms; what is stored and announced."""

from __future__ import annotations

import pytest
from alarm_people import SOS_BUTTON, Family

from linli.alarms import EVENT_ALARM_RAISED, EVENT_ALARM_UPDATED, AlarmState
from linli.alarms.manager import AlarmError, UnknownAlarm
from linli.events import Event
from linli.hub import Hub


async def test_an_alarm_is_raised_once_stored_and_announced(hub: Hub, family: Family) -> None:
    events: list[Event] = []
    hub.bus.listen(EVENT_ALARM_RAISED, events.append)

    alarm = family.sos()

    assert alarm.state is AlarmState.active_unacknowledged
    assert alarm.household_id == family.household.id  # the SOS button's household
    assert alarm.source_entity_id == SOS_BUTTON
    assert family.sos() is hub.alarms.get(alarm.id)  # still active: not raised twice
    assert [event.data["id"] for event in events] == [alarm.id]
    assert hub.alarms.active(family.household.id) == [hub.alarms.get(alarm.id)]
    assert hub.alarms.active(family.neighbours.id) == []
    await hub.alarms.flush()
    [stored] = await hub.alarms.query()
    assert stored == hub.alarms.get(alarm.id)


async def test_acknowledge_then_clear_closes_the_alarm(hub: Hub, family: Family) -> None:
    updates: list[Event] = []
    hub.bus.listen(EVENT_ALARM_UPDATED, updates.append)
    alarm = family.sos()

    acknowledged = hub.alarms.acknowledge(alarm.id, by_user_id=family.son.id, comment="我去看")
    assert acknowledged.state is AlarmState.active_acknowledged
    assert acknowledged.acknowledged_by == family.son.id
    assert acknowledged.next_escalation_at is None
    assert [comment.text for comment in acknowledged.comments] == ["我去看"]
    assert hub.alarms.acknowledge(alarm.id, by_user_id=family.wife.id).acknowledged_by == (
        family.son.id
    )

    cleared = hub.alarms.clear(alarm.id, by_user_id=family.son.id)
    assert cleared.state is AlarmState.cleared_acknowledged
    assert hub.alarms.get(alarm.id) is None  # closed: no longer kept in memory
    assert await hub.alarms.fetch(alarm.id) == cleared
    assert updates[-1].data["state"] == "cleared_acknowledged"
    assert updates[-1].context.user_id == family.son.id

    kinds = [record.kind for record in await hub.audit.records() if "alarm" in record.kind]
    assert kinds == ["alarm_acknowledged", "alarm_cleared"]
    assert family.sos().id != alarm.id  # a new SOS is a new alarm


async def test_a_cleared_alarm_waits_for_acknowledgement(hub: Hub, family: Family) -> None:
    alarm = family.sos()
    cleared = hub.alarms.clear(alarm.id)  # the button reports it is no longer pressed
    assert cleared.state is AlarmState.cleared_unacknowledged
    assert cleared.cleared_by is None
    assert alarm.raised_at <= cleared.cleared_at <= hub.clock.time()
    assert hub.alarms.active() == []
    assert hub.alarms.open() == [cleared]
    assert cleared.next_escalation_at is not None  # nobody has seen it yet: it escalates

    again = family.sos()
    assert again.id != alarm.id

    closed = hub.alarms.acknowledge(alarm.id, by_user_id=family.daughter.id)
    assert closed.state is AlarmState.cleared_acknowledged
    assert [a.id for a in hub.alarms.open()] == [again.id]


async def test_comments_on_open_and_closed_alarms(hub: Hub, family: Family) -> None:
    alarm = family.sos()
    await hub.alarms.comment(alarm.id, "电话没人接", by_user_id=family.guard.id)
    hub.alarms.acknowledge(alarm.id, by_user_id=family.son.id)
    hub.alarms.clear(alarm.id, by_user_id=family.son.id)

    closed = await hub.alarms.comment(alarm.id, "老人误按", by_user_id=family.son.id)

    assert [(c.by, c.text) for c in closed.comments] == [
        (family.guard.id, "电话没人接"),
        (family.son.id, "老人误按"),
    ]
    await hub.alarms.flush()
    assert (await hub.alarms.fetch(alarm.id)).comments == closed.comments
    with pytest.raises(AlarmError, match="needs some text"):
        await hub.alarms.comment(alarm.id, "  ", by_user_id=family.son.id)
    with pytest.raises(UnknownAlarm):
        await hub.alarms.comment("nope", "x", by_user_id=family.son.id)


async def test_bad_raises_are_refused(hub: Hub) -> None:
    with pytest.raises(AlarmError, match="'fatal' is not a severity"):
        hub.alarms.raise_alarm(
            "smoke", "fatal", source_entity_id=None, household_id=None, message="x"
        )
    with pytest.raises(AlarmError, match="The data of alarm 'smoke' is not JSON"):
        hub.alarms.raise_alarm(
            "smoke", "major", source_entity_id=None, household_id=None, message="x", data={1j: 1}
        )
    with pytest.raises(UnknownAlarm, match="Alarm 'nope' not found"):
        hub.alarms.acknowledge("nope", by_user_id="x")
    assert hub.alarms.open() == []


async def test_a_community_alarm_goes_straight_to_the_security_desk(
    hub: Hub, family: Family
) -> None:
    alarm = hub.alarms.raise_alarm(
        "smoke", "critical", source_entity_id=None, household_id=None, message="地下车库烟雾"
    )
    assert alarm.household_id is None
    assert alarm.escalation_step == 2  # no household, no caregivers: the desk
    [[note], []] = await family.told(family.guard, family.son)
    assert note.title == "Critical alarm: smoke"
    assert note.message == "地下车库烟雾"
