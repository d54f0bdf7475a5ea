"""The alarms a watch raises: SOS and fall, leaving the community, no sign of life."""

from collections.abc import Awaitable, Callable
from datetime import timedelta

from wristband_helpers import INSIDE, OUTSIDE, SILENCE_MINUTES, WATCH_ID, Family

from linli.alarms import Alarm, AlarmState
from linli.config_entries import ConfigEntry
from linli.context import Context
from linli.hub import Hub
from linli.integrations.elderly_wristband.simulator import SimulatedWatch
from linli.testing import fire_time_changed

PREFIX = f"wristband_{WATCH_ID}"
SOS = f"binary_sensor.{PREFIX}_sos"
FALL = f"binary_sensor.{PREFIX}_fall"
SIGN_OF_LIFE = f"binary_sensor.{PREFIX}_sign_of_life"
LOCATION = f"device_tracker.{PREFIX}_location"
GEOFENCE_ALARM = f"switch.{PREFIX}_geofence_alarm"
SOS_BIT, FALL_BIT = 1 << 16, 1 << 21


def active(hub: Hub) -> list[tuple[str, str, str | None]]:
    return [(a.alarm_type, a.severity, a.source_entity_id) for a in hub.alarms.active()]


def only_alarm(hub: Hub) -> Alarm:
    (alarm,) = hub.alarms.open()
    return alarm


async def turn_geofence_alarm(hub: Hub, service: str, user_id: str) -> None:
    await hub.services.call(
        "switch", service, {"entity_id": GEOFENCE_ALARM}, context=Context(user_id=user_id)
    )


async def test_sos_raises_a_critical_alarm_for_the_household(
    hub: Hub, watch: SimulatedWatch, family: Family
) -> None:
    await watch.link()
    family.owns()
    assert (await watch.alarm(*INSIDE, status=SOS_BIT)).content == b"AL"

    alarm = only_alarm(hub)
    assert (alarm.alarm_type, alarm.severity, alarm.source_entity_id) == ("sos", "critical", SOS)
    assert alarm.household_id == family.household.id
    assert alarm.message == "Wristband 8800000015: SOS"
    # The wearer has not consented to the collection of their location: the alarm goes
    # out all the same, without it.
    assert alarm.data == {"device_id": WATCH_ID}

    await watch.alarm(*INSIDE, status=SOS_BIT)  # pressed again while it is active
    assert len(hub.alarms.open()) == 1
    hub.alarms.clear(alarm.id, by_user_id=family.son_user.id)
    await watch.alarm(*INSIDE, status=SOS_BIT)  # pressed again later: a new alarm
    assert [a.alarm_type for a in hub.alarms.active()] == ["sos"]
    assert hub.alarms.active()[0].id != alarm.id


async def test_a_fall_raises_a_critical_alarm_with_the_location_where_consented(
    hub: Hub, watch: SimulatedWatch, family: Family
) -> None:
    await watch.link()
    family.owns()
    family.consents("health", "location")
    await watch.alarm(*INSIDE, status=FALL_BIT)

    alarm = only_alarm(hub)
    assert (alarm.alarm_type, alarm.severity, alarm.source_entity_id) == (
        "fall",
        "critical",
        FALL,
    )
    assert alarm.data == {"device_id": WATCH_ID, "latitude": INSIDE[0], "longitude": INSIDE[1]}


async def test_leaving_the_community_raises_an_alarm_only_where_the_household_wants_it(
    hub: Hub, wristbands: ConfigEntry, watch: SimulatedWatch, family: Family
) -> None:
    await watch.link()
    family.owns()
    family.consents("health", "location")
    await watch.report(*OUTSIDE)
    await watch.link()
    assert active(hub) == []  # the geofence alarm is off

    await turn_geofence_alarm(hub, "turn_on", family.son_user.id)
    assert hub.states.get(GEOFENCE_ALARM).state == "on"
    assert wristbands.options == {"geofence_watches": [WATCH_ID]}
    await watch.report(*INSIDE)
    await watch.link()
    assert active(hub) == []
    await watch.report(*OUTSIDE)
    await watch.report(*OUTSIDE)
    await watch.link()
    assert active(hub) == [("left_geofence", "major", LOCATION)]
    assert only_alarm(hub).message == "Wristband 8800000015 has left the community"

    await watch.report(*INSIDE)  # back: the watch clears it; a person still acknowledges
    await watch.link()
    assert only_alarm(hub).state is AlarmState.cleared_unacknowledged
    assert only_alarm(hub).cleared_by is None


async def test_leaving_the_community_raises_nothing_without_consent_to_the_location(
    hub: Hub, watch: SimulatedWatch, family: Family
) -> None:
    await watch.link()
    family.owns()
    family.consents("health")
    await turn_geofence_alarm(hub, "turn_on", family.son_user.id)
    await watch.report(*OUTSIDE)
    await watch.link()
    assert active(hub) == []


async def test_turning_the_geofence_alarm_off_again(
    hub: Hub, wristbands: ConfigEntry, watch: SimulatedWatch, family: Family
) -> None:
    await watch.link()
    family.owns()
    family.consents("health", "location")
    await turn_geofence_alarm(hub, "turn_on", family.son_user.id)
    await turn_geofence_alarm(hub, "turn_off", family.son_user.id)
    assert wristbands.options == {"geofence_watches": []}
    await watch.report(*OUTSIDE)
    await watch.link()
    assert active(hub) == []


async def test_a_silent_watch_raises_an_alarm_and_clears_it_when_heard_again(
    hub: Hub, watch: SimulatedWatch, family: Family
) -> None:
    await watch.link()
    family.owns()
    family.consents("health", "location")
    fire_time_changed(hub, timedelta(minutes=SILENCE_MINUTES - 1))
    await watch.link()  # a sign of life: the period starts again
    fire_time_changed(hub, timedelta(minutes=SILENCE_MINUTES - 1))
    assert active(hub) == []
    assert hub.states.get(SIGN_OF_LIFE).state == "on"

    fire_time_changed(hub, timedelta(minutes=2))
    assert active(hub) == [("no_sign_of_life", "major", SIGN_OF_LIFE)]
    assert only_alarm(hub).message == "Wristband 8800000015 has sent nothing for 60 minutes"
    assert hub.states.get(SIGN_OF_LIFE).state == "off"

    await watch.link()
    assert only_alarm(hub).state is AlarmState.cleared_unacknowledged
    assert hub.states.get(SIGN_OF_LIFE).state == "on"


async def test_a_watch_that_stays_silent_after_a_restart_raises_the_alarm(
    hub: Hub,
    wristbands: ConfigEntry,
    watch: SimulatedWatch,
    family: Family,
    restart: Callable[[Hub], Awaitable[Hub]],
) -> None:
    await watch.link()
    family.owns()
    await watch.__aexit__(None, None, None)
    hub = await restart(hub)

    assert hub.states.get(SIGN_OF_LIFE).state == "unavailable"  # no consent, as before
    fire_time_changed(hub, timedelta(minutes=SILENCE_MINUTES + 1))
    assert active(hub) == [("no_sign_of_life", "major", SIGN_OF_LIFE)]
    assert only_alarm(hub).household_id == family.household.id
