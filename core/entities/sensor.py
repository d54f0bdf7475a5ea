"""Sensors: a value measured or reported, with a device class, a unit and a state class."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from .entity import Entity, EntityDescription

DOMAIN = "sensor"


class SensorDeviceClass(StrEnum):
    """What a sensor measures; it sets the expected unit and how the app shows it."""

    battery = "battery"  # %
    carbon_dioxide = "carbon_dioxide"  # ppm
    carbon_monoxide = "carbon_monoxide"  # ppm
    current = "current"  # A
    date = "date"  # a date
    distance = "distance"  # m, km
    duration = "duration"  # s, min, h, d
    energy = "energy"  # Wh, kWh
    gas = "gas"  # m³ used
    heart_rate = "heart_rate"  # bpm
    humidity = "humidity"  # %
    illuminance = "illuminance"  # lx
    pm10 = "pm10"  # µg/m³
    pm25 = "pm25"  # µg/m³
    power = "power"  # W, kW
    pressure = "pressure"  # hPa, kPa
    signal_strength = "signal_strength"  # dBm
    temperature = "temperature"  # °C, °F
    timestamp = "timestamp"  # an aware datetime
    voltage = "voltage"  # V
    volume = "volume"  # L, m³
    water = "water"  # L, m³ used


class SensorStateClass(StrEnum):
    """How the values add up over time, for statistics."""

    measurement = "measurement"  # a value now: a temperature
    total = "total"  # a total that can go up and down: a balance
    total_increasing = "total_increasing"  # a meter that only grows (or resets to 0)


@dataclass(frozen=True, kw_only=True)
class SensorEntityDescription(EntityDescription):
    state_class: SensorStateClass | None = None


class SensorEntity(Entity):
    """A sensor; set ``_attr_native_value`` (or override :attr:`native_value`)."""

    platform_domain: ClassVar[str | None] = DOMAIN

    entity_description: SensorEntityDescription
    _attr_native_value: str | int | float | Decimal | date | datetime | None = None
    _attr_state_class: SensorStateClass | None

    @property
    def native_value(self) -> str | int | float | Decimal | date | datetime | None:
        return self._attr_native_value

    @property
    def state_class(self) -> SensorStateClass | None:
        return self._described("state_class")

    @property
    def capability_attributes(self) -> Mapping[str, Any] | None:
        state_class = self.state_class
        return None if state_class is None else {"state_class": state_class}

    @property
    def state(self) -> str | None:
        """The value as text; dates in ISO 8601; a number wherever a unit or state class says so."""
        value = self.native_value
        if value is None:
            return None
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise ValueError(f"{self!r}: a timestamp must be timezone-aware, got {value}")
            return value.isoformat()
        if isinstance(value, date):
            return value.isoformat()
        if (self.unit_of_measurement or self.state_class) and not isinstance(
            value, int | float | Decimal
        ):
            raise ValueError(
                f"{self!r} has a unit or state class, so its value must be a number, got {value!r}"
            )
        return str(value)
