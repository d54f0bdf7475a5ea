"""Long-term statistics: hourly rows at each hour boundary, queried by hour, day, month."""

from datetime import UTC, datetime, timedelta

import pytest

from linli.hub import Hub
from linli.recorder import statistics
from linli.testing.time_travel import fire_time_changed

TEMPERATURE = {"state_class": "measurement", "unit_of_measurement": "°C"}
METER = {"state_class": "total_increasing", "unit_of_measurement": "kWh"}


def ten_in_the_morning_in_shanghai(hub: Hub) -> datetime:
    """The next 02:00 UTC at least two hours away: 10:00 in the hub's time zone."""
    now = hub.clock.now()
    when = now.replace(hour=2, minute=0, second=0, microsecond=0)
    while when < now + timedelta(hours=2):
        when += timedelta(days=1)
    return when


async def at(hub: Hub, when: datetime) -> None:
    fire_time_changed(hub, when)
    await hub.block_till_done()


async def test_hourly_statistics_of_a_measurement_and_a_meter(db_hub: Hub) -> None:
    hour = ten_in_the_morning_in_shanghai(db_hub)
    await at(db_hub, hour)
    readings = [
        (0, "10", "100"),
        (30, "20", "105"),
        (45, "30", "2"),  # the meter was replaced: it starts again from zero
        (50, "30", "4"),
        (90, "40", "10"),
    ]
    for minutes, temperature, meter in readings:
        await at(db_hub, hour + timedelta(minutes=minutes))
        db_hub.states.set("sensor.hall_temperature", temperature, TEMPERATURE)
        db_hub.states.set("sensor.charger_energy", meter, METER)
        db_hub.states.set("sensor.label", "text", {"state_class": "measurement"})
    await at(db_hub, hour + timedelta(hours=2))

    found = await statistics.during(
        db_hub, ["sensor.hall_temperature", "sensor.charger_energy", "sensor.label"], hour
    )

    assert set(found) == {"sensor.hall_temperature", "sensor.charger_energy"}
    first, second = found["sensor.hall_temperature"]
    assert (first["start"], first["end"]) == (hour, hour + timedelta(hours=1))
    assert first["mean"] == pytest.approx((10 * 30 + 20 * 15 + 30 * 15) / 60, abs=0.01)
    assert (first["min"], first["max"], first["sum"]) == (10, 30, None)
    assert second["mean"] == pytest.approx(35, abs=0.01)  # 30 carried in, then 40
    assert (second["min"], second["max"]) == (30, 40)
    first, second = found["sensor.charger_energy"]
    assert (first["sum"], first["state"], first["mean"]) == (9, 4, None)
    assert (second["sum"], second["state"]) == (15, 10)

    daily = await statistics.during(db_hub, "sensor.hall_temperature", hour, period="day")
    (day,) = daily["sensor.hall_temperature"]
    assert day["start"] == hour.astimezone(day["start"].tzinfo).replace(hour=0)
    assert day["mean"] == pytest.approx((17.5 + 35) / 2, abs=0.01)
    assert (day["min"], day["max"]) == (10, 40)
    monthly = await statistics.during(db_hub, "sensor.charger_energy", hour, period="month")
    assert [(row["start"].day, row["sum"]) for row in monthly["sensor.charger_energy"]] == [(1, 15)]

    # kept longer than the states they came from
    db_hub.recorder.keep_days = 0
    await db_hub.recorder.purge()
    again = await statistics.during(db_hub, "sensor.charger_energy", hour)
    assert again == {"sensor.charger_energy": found["sensor.charger_energy"]}


async def test_an_hour_is_compiled_once(hub: Hub) -> None:
    hour = ten_in_the_morning_in_shanghai(hub)
    await at(hub, hour)
    hub.states.set("sensor.hall_temperature", "21", TEMPERATURE)
    await at(hub, hour + timedelta(hours=1))
    assert await hub.recorder.compile_statistics() == 0
    found = await statistics.during(hub, "sensor.hall_temperature", hour)
    assert len(found["sensor.hall_temperature"]) == 1


async def test_an_unknown_period_is_refused(hub: Hub) -> None:
    with pytest.raises(ValueError, match="hour, day or month, not 'week'"):
        await statistics.during(hub, "sensor.x", datetime.now(UTC), period="week")
