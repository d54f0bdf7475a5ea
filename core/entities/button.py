"""Buttons: an action without a state of its own (restart a gateway, ring a bell)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from .entity import Entity
from .services import EntityService

DOMAIN = "button"


class ButtonDeviceClass(StrEnum):
    identify = "identify"
    restart = "restart"
    update = "update"


class ButtonEntity(Entity):
    """A button; implement :meth:`async_press`. Its state is when it was last pressed."""

    platform_domain: ClassVar[str | None] = DOMAIN
    entity_services: ClassVar[tuple[EntityService, ...]] = (
        EntityService(name="press", method="_async_press_action"),
    )

    _attr_should_poll = False
    _last_pressed: datetime | None = None

    @property
    def state(self) -> str | None:
        return None if self._last_pressed is None else self._last_pressed.isoformat()

    async def async_press(self) -> None:
        raise NotImplementedError

    async def _async_press_action(self) -> None:
        """What ``button.press`` calls: note the time, then press."""
        self._last_pressed = self._now()
        await self.async_press()
