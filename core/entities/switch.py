"""Switches: something the hub turns on and off (an outlet, a charger's output, a pump)."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from .entity import OnOffEntity
from .services import EntityService

DOMAIN = "switch"


class SwitchDeviceClass(StrEnum):
    outlet = "outlet"
    switch = "switch"


class SwitchEntity(OnOffEntity):
    """A switch; implement :meth:`async_turn_on` and :meth:`async_turn_off`.

    After a service call the platform writes the state, so updating ``_attr_is_on`` in
    the methods is enough.
    """

    platform_domain: ClassVar[str | None] = DOMAIN
    entity_services: ClassVar[tuple[EntityService, ...]] = (
        EntityService(name="turn_on", method="async_turn_on"),
        EntityService(name="turn_off", method="async_turn_off"),
        EntityService(name="toggle", method="async_toggle"),
    )

    async def async_turn_on(self) -> None:
        raise NotImplementedError

    async def async_turn_off(self) -> None:
        raise NotImplementedError

    async def async_toggle(self) -> None:
        if self.is_on:
            await self.async_turn_off()
        else:
            await self.async_turn_on()
