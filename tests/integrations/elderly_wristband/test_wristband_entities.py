"""A watch in the hub: its device, its entities, and consent to its wearer's data."""

from typing import Any

from wristband_helpers import INSIDE, WATCH_ID, Family

from linli.config_entries import ConfigEntry
from linli.hub import Hub
from linli.integrations.elderly_wristband.const import DOMAIN
from linli.integrations.elderly_wristband.simulator import SimulatedWatch, position_content

PREFIX = f"wristband_{WATCH_ID}"
HEART_RATE = f"sensor.{PREFIX}_heart_rate"
SYSTOLIC = f"sensor.{PREFIX}_systolic_blood_pressure"
DIASTOLIC = f"sensor.{PREFIX}_diastolic_blood_pressure"
TEMPERATURE = f"sensor.{PREFIX}_body_temperature"
BATTERY = f"sensor.{PREFIX}_battery"
STEPS = f"sensor.{PREFIX}_steps"
LOCATION = f"device_tracker.{PREFIX}_location"
SOS = f"binary_sensor.{PREFIX}_sos"
FALL = f"binary_sensor.{PREFIX}_fall"
TAKEN_OFF = f"binary_sensor.{PREFIX}_taken_off"
SIGN_OF_LIFE = f"binary_sensor.{PREFIX}_sign_of_life"
GEOFENCE_ALARM = f"switch.{PREFIX}_geofence_alarm"
ALL = [
    BATTERY,
    SIGN_OF_LIFE,
    DIASTOLIC,
    FALL,
    GEOFENCE_ALARM,
    HEART_RATE,
    LOCATION,
    SOS,
    STEPS,
    SYSTOLIC,
    TAKEN_OFF,
    TEMPERATURE,
]


def state(hub: Hub, entity_id: str) -> str:
    found = hub.states.get(entity_id)
    assert found is not None, entity_id
    return found.state


def attributes(hub: Hub, entity_id: str) -> dict[str, Any]:
    found = hub.states.get(entity_id)
    assert found is not None, entity_id
    return dict(found.attributes)


async def measure(watch: SimulatedWatch) -> None:
    """Everything a watch measures, then a keep-alive (answered once all are taken)."""
    await watch.report(*INSIDE)
    await watch.request("bphrt,128,82,71,,,,")
    await watch.request("btemp2,1,36.8")
    await watch.link(steps=2300, battery=64)


async def test_a_watch_that_connects_becomes_a_device_with_its_entities(
    hub: Hub, watch: SimulatedWatch
) -> None:
    await watch.link()
    device = hub.devices.get_by_identifier(DOMAIN, WATCH_ID)
    assert device is not None
    assert (device.manufacturer, device.model, device.name) == (
        "3G",
        "GPS watch",
        "Wristband 8800000015",
    )
    entity_ids = sorted(entry.entity_id for entry in hub.entities.entities_of_device(device.id))
    assert entity_ids == sorted(ALL)
    assert attributes(hub, HEART_RATE)["unit_of_measurement"] == "bpm"
    assert attributes(hub, SYSTOLIC)["unit_of_measurement"] == "mmHg"
    assert attributes(hub, TEMPERATURE)["unit_of_measurement"] == "°C"


async def test_without_consent_nothing_about_the_wearer_is_shown(
    hub: Hub, watch: SimulatedWatch, family: Family
) -> None:
    await watch.link()
    family.owns()
    family.consents("health")  # not location: the integration collects both
    await measure(watch)
    for entity_id in ALL:
        assert state(hub, entity_id) == "unavailable", entity_id
    assert "latitude" not in attributes(hub, LOCATION)


async def test_with_consent_the_household_sees_the_measurements(
    hub: Hub, watch: SimulatedWatch, family: Family
) -> None:
    await watch.link()
    family.owns()
    family.consents("health", "location")
    await measure(watch)

    assert state(hub, HEART_RATE) == "71"
    assert (state(hub, SYSTOLIC), state(hub, DIASTOLIC)) == ("128", "82")
    assert state(hub, TEMPERATURE) == "36.8"
    assert (state(hub, BATTERY), state(hub, STEPS)) == ("64", "2300")
    assert [state(hub, e) for e in (SOS, FALL, TAKEN_OFF, SIGN_OF_LIFE)] == [
        "off",
        "off",
        "off",
        "on",
    ]
    location = attributes(hub, LOCATION)
    assert (location["latitude"], location["longitude"]) == INSIDE
    assert (location["gps_accuracy"], location["gps_fix"], location["source_type"]) == (
        20.0,
        True,
        "gps",
    )
    assert location["satellites"] == 9

    await watch.send("heart,88")
    await watch.link()
    assert state(hub, HEART_RATE) == "88"
    assert state(hub, SYSTOLIC) == "128"  # the last measurement stays


async def test_consent_given_later_shows_what_the_watch_sent_before(
    hub: Hub, watch: SimulatedWatch, family: Family
) -> None:
    await watch.link()
    family.owns()
    await measure(watch)
    assert state(hub, HEART_RATE) == "unavailable"
    family.consents("health", "location")
    assert state(hub, HEART_RATE) == "71"


async def test_a_report_without_fix_keeps_the_last_location(
    hub: Hub, watch: SimulatedWatch, family: Family
) -> None:
    await watch.link()
    family.owns()
    family.consents("health", "location")
    await watch.report(*INSIDE)
    await watch.report(0.0, 0.0, fix=False)
    await watch.link()
    location = attributes(hub, LOCATION)
    assert (location["latitude"], location["longitude"], location["gps_fix"]) == (
        *INSIDE,
        False,
    )


async def test_a_late_blind_spot_report_does_not_change_the_present(
    hub: Hub, watch: SimulatedWatch, family: Family
) -> None:
    await watch.link(battery=80)
    family.owns()
    family.consents("health", "location")
    await watch.send(position_content(*INSIDE, command="UD2", battery=5, status=1 << 16))
    await watch.link()
    assert state(hub, BATTERY) == "80"
    assert state(hub, SOS) == "unknown"
    assert "latitude" not in attributes(hub, LOCATION)


async def test_the_status_bits_show_sos_fall_and_taken_off(
    hub: Hub, watch: SimulatedWatch, family: Family
) -> None:
    await watch.link()
    family.owns()
    family.consents("health", "location")
    await watch.alarm(*INSIDE, status=(1 << 16) | (1 << 20) | (1 << 21))
    assert [state(hub, e) for e in (SOS, FALL, TAKEN_OFF)] == ["on", "on", "on"]
    await watch.report(*INSIDE)
    await watch.link()
    assert [state(hub, e) for e in (SOS, FALL, TAKEN_OFF)] == ["off", "off", "off"]


async def test_each_watch_has_its_own_device(
    hub: Hub, wristbands: ConfigEntry, watch: SimulatedWatch
) -> None:
    async with SimulatedWatch("8800000016", wristbands.data["port"], vendor="ZJ") as other:
        await other.link()
    await watch.link()
    devices = sorted((d.name, d.manufacturer) for d in hub.devices)
    assert devices == [("Wristband 8800000015", "3G"), ("Wristband 8800000016", "ZJ")]
