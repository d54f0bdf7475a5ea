"""Whether each charge point is connected to the hub."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from linli.entities import EntityCategory, EntityDescription
from linli.entities.binary_sensor import BinarySensorDeviceClass, BinarySensorEntity

from .const import DOMAIN
from .entity import ChargerEntity
from .model import ChargePoint, Connector

if TYPE_CHECKING:
    from linli.config_entries import ConfigEntry
    from linli.hub import Hub

CONNECTION = EntityDescription(
    key="connection",
    translation_key="connection",
    name="Connection",
    device_class=BinarySensorDeviceClass.connectivity,
    entity_category=EntityCategory.diagnostic,
)


class ConnectionSensor(ChargerEntity, BinarySensorEntity):
    @property
    def is_on(self) -> bool:
        return self.charge_point.connected


async def async_setup_entry(
    hub: Hub,
    entry: ConfigEntry,
    add_entities: Callable[[list[BinarySensorEntity]], Awaitable[None]],
) -> None:
    async def add(charge_point: ChargePoint, connector: Connector | None) -> None:
        if connector is None:
            await add_entities([ConnectionSensor(charge_point, None, CONNECTION)])

    await hub.data[DOMAIN][entry.id].site.add_platform(add)
