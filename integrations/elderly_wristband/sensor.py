"""A watch's measurements: heart rate, blood pressure, body temperature, battery, steps."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from linli.entities import EntityCategory
from linli.entities.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from linli.entities.units import BEATS_PER_MINUTE, PERCENTAGE, UnitOfTemperature

from .const import DOMAIN
from .entity import WatchEntity
from .fleet import Watch

if TYPE_CHECKING:
    from linli.config_entries import ConfigEntry
    from linli.hub import Hub

MILLIMETERS_OF_MERCURY = "mmHg"


@dataclass(frozen=True, kw_only=True)
class WatchSensorDescription(SensorEntityDescription):
    value: Callable[[Watch], int | float | None]


SENSORS = (
    WatchSensorDescription(
        key="heart_rate",
        translation_key="heart_rate",
        name="Heart rate",
        device_class=SensorDeviceClass.heart_rate,
        unit_of_measurement=BEATS_PER_MINUTE,
        state_class=SensorStateClass.measurement,
        value=lambda watch: watch.heart_rate,
    ),
    WatchSensorDescription(
        key="systolic_blood_pressure",
        translation_key="systolic_blood_pressure",
        name="Systolic blood pressure",
        icon="mdi:heart-pulse",
        unit_of_measurement=MILLIMETERS_OF_MERCURY,
        state_class=SensorStateClass.measurement,
        value=lambda watch: watch.systolic,
    ),
    WatchSensorDescription(
        key="diastolic_blood_pressure",
        translation_key="diastolic_blood_pressure",
        name="Diastolic blood pressure",
        icon="mdi:heart-pulse",
        unit_of_measurement=MILLIMETERS_OF_MERCURY,
        state_class=SensorStateClass.measurement,
        value=lambda watch: watch.diastolic,
    ),
    WatchSensorDescription(
        key="body_temperature",
        translation_key="body_temperature",
        name="Body temperature",
        device_class=SensorDeviceClass.temperature,
        unit_of_measurement=UnitOfTemperature.celsius,
        state_class=SensorStateClass.measurement,
        value=lambda watch: watch.body_temperature,
    ),
    WatchSensorDescription(
        key="battery",
        translation_key="battery",
        name="Battery",
        device_class=SensorDeviceClass.battery,
        unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.measurement,
        entity_category=EntityCategory.diagnostic,
        value=lambda watch: watch.battery,
    ),
    WatchSensorDescription(
        key="steps",
        translation_key="steps",
        name="Steps",
        icon="mdi:walk",
        state_class=SensorStateClass.total_increasing,  # the pedometer restarts daily
        value=lambda watch: watch.steps,
    ),
)


class WatchSensor(WatchEntity, SensorEntity):
    entity_description: WatchSensorDescription

    @property
    def native_value(self) -> int | float | None:
        return self.entity_description.value(self.watch)


async def async_setup_entry(
    hub: Hub, entry: ConfigEntry, add_entities: Callable[[list[SensorEntity]], Awaitable[None]]
) -> None:
    async def add(watch: Watch) -> None:
        await add_entities([WatchSensor(watch, description) for description in SENSORS])

    await hub.data[DOMAIN][entry.id].fleet.add_platform(add)
