"""A watch's alarms and state: SOS, fall, taken off the wrist, sign of life."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from linli.entities import EntityDescription
from linli.entities.binary_sensor import BinarySensorDeviceClass, BinarySensorEntity

from .const import DOMAIN
from .entity import WatchEntity
from .fleet import Watch

if TYPE_CHECKING:
    from linli.config_entries import ConfigEntry
    from linli.hub import Hub


@dataclass(frozen=True, kw_only=True)
class WatchBinarySensorDescription(EntityDescription):
    is_on: Callable[[Watch], bool | None]


# SOS, fall and taken off follow the status of the watch's latest report: on while it
# reports the alarm, off from its next report without it.
SOS_PRESSED = WatchBinarySensorDescription(
    key="sos",
    translation_key="sos",
    name="SOS",
    device_class=BinarySensorDeviceClass.safety,
    icon="mdi:alarm-light",
    is_on=lambda watch: None if watch.status is None else watch.status.sos,
)
FALL_DETECTED = WatchBinarySensorDescription(
    key="fall",
    translation_key="fall",
    name="Fall",
    device_class=BinarySensorDeviceClass.safety,
    icon="mdi:human-falling",
    is_on=lambda watch: None if watch.status is None else watch.status.fall,
)
TAKEN_OFF = WatchBinarySensorDescription(
    key="taken_off",
    translation_key="taken_off",
    name="Taken off",
    device_class=BinarySensorDeviceClass.problem,
    icon="mdi:watch-off",
    is_on=lambda watch: None if watch.status is None else watch.status.taken_off,
)
SIGN_OF_LIFE = WatchBinarySensorDescription(
    key="sign_of_life",
    translation_key="sign_of_life",
    name="Sign of life",
    device_class=BinarySensorDeviceClass.connectivity,
    is_on=lambda watch: watch.alive,
)


class WatchBinarySensor(WatchEntity, BinarySensorEntity):
    entity_description: WatchBinarySensorDescription

    @property
    def is_on(self) -> bool | None:
        return self.entity_description.is_on(self.watch)


async def async_setup_entry(
    hub: Hub,
    entry: ConfigEntry,
    add_entities: Callable[[list[BinarySensorEntity]], Awaitable[None]],
) -> None:
    async def add(watch: Watch) -> None:
        descriptions = (SOS_PRESSED, FALL_DETECTED, TAKEN_OFF, SIGN_OF_LIFE)
        await add_entities([WatchBinarySensor(watch, description) for description in descriptions])

    await hub.data[DOMAIN][entry.id].fleet.add_platform(add)
