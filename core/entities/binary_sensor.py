"""Binary sensors: on or off, and the device class says what "on" means."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from .entity import OnOffEntity

DOMAIN = "binary_sensor"


class BinarySensorDeviceClass(StrEnum):
    """What "on" means: smoke detected, door open, battery low…"""

    battery = "battery"  # on: low
    battery_charging = "battery_charging"  # on: charging
    carbon_monoxide = "carbon_monoxide"  # on: CO detected
    cold = "cold"  # on: cold
    connectivity = "connectivity"  # on: connected
    door = "door"  # on: open
    gas = "gas"  # on: gas detected
    heat = "heat"  # on: hot
    lock = "lock"  # on: unlocked
    moisture = "moisture"  # on: wet (a leak)
    motion = "motion"  # on: motion detected
    occupancy = "occupancy"  # on: occupied
    opening = "opening"  # on: open
    plug = "plug"  # on: plugged in
    power = "power"  # on: power detected
    presence = "presence"  # on: home
    problem = "problem"  # on: a problem
    running = "running"  # on: running
    safety = "safety"  # on: unsafe
    smoke = "smoke"  # on: smoke detected
    sound = "sound"  # on: sound detected
    tamper = "tamper"  # on: tampering detected
    vibration = "vibration"  # on: vibration detected
    window = "window"  # on: open


class BinarySensorEntity(OnOffEntity):
    """A binary sensor; set ``_attr_is_on`` (or override :attr:`is_on`)."""

    platform_domain: ClassVar[str | None] = DOMAIN
