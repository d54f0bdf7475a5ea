"""Units of measurement, shared by sensors and numbers (the symbols Home Assistant uses)."""

from enum import StrEnum
from typing import Final

PERCENTAGE: Final = "%"
BEATS_PER_MINUTE: Final = "bpm"
PARTS_PER_MILLION: Final = "ppm"
MICROGRAMS_PER_CUBIC_METER: Final = "µg/m³"
DECIBELS_MILLIWATT: Final = "dBm"
LUX: Final = "lx"


class UnitOfTemperature(StrEnum):
    celsius = "°C"
    fahrenheit = "°F"


class UnitOfPower(StrEnum):
    watt = "W"
    kilo_watt = "kW"


class UnitOfEnergy(StrEnum):
    watt_hour = "Wh"
    kilo_watt_hour = "kWh"


class UnitOfElectricPotential(StrEnum):
    volt = "V"


class UnitOfElectricCurrent(StrEnum):
    ampere = "A"


class UnitOfVolume(StrEnum):
    liters = "L"
    cubic_meters = "m³"


class UnitOfPressure(StrEnum):
    hpa = "hPa"
    kpa = "kPa"


class UnitOfLength(StrEnum):
    meters = "m"
    kilometers = "km"


class UnitOfTime(StrEnum):
    seconds = "s"
    minutes = "min"
    hours = "h"
    days = "d"
