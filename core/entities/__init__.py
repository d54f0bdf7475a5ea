"""Entities: the Entity base class and the platforms (sensor, switch, lock, ...).

An integration's platform module subclasses one of the platform base classes
(``linli.entities.sensor.SensorEntity``, …) and hands its entities to an
:class:`EntityPlatform`, which registers them, writes their states and polls them.
"""

from .entity import (
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    DeviceInfo,
    Entity,
    EntityCategory,
    EntityDescription,
)
from .platform import EntityPlatform
from .services import EntityService

__all__ = [
    "STATE_OFF",
    "STATE_ON",
    "STATE_UNAVAILABLE",
    "STATE_UNKNOWN",
    "DeviceInfo",
    "Entity",
    "EntityCategory",
    "EntityDescription",
    "EntityPlatform",
    "EntityService",
]
