"""Locks: a door, a gate or a locker compartment the hub locks, unlocks and opens."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from .entity import Entity
from .services import EntityService

DOMAIN = "lock"


class LockState(StrEnum):
    locked = "locked"
    unlocked = "unlocked"
    locking = "locking"
    unlocking = "unlocking"
    opening = "opening"
    open = "open"
    jammed = "jammed"


class LockEntity(Entity):
    """A lock; set the ``_attr_is_*`` flags and implement the methods it supports.

    A method left unimplemented makes its service fail with "does not support it" (most
    locks cannot ``open``, i.e. unlatch the door).
    """

    platform_domain: ClassVar[str | None] = DOMAIN
    entity_services: ClassVar[tuple[EntityService, ...]] = (
        EntityService(name="lock", method="async_lock"),
        EntityService(name="unlock", method="async_unlock"),
        EntityService(name="open", method="async_open"),
    )

    _attr_is_locked: bool | None = None
    _attr_is_locking: bool = False
    _attr_is_unlocking: bool = False
    _attr_is_opening: bool = False
    _attr_is_open: bool = False
    _attr_is_jammed: bool = False

    @property
    def is_locked(self) -> bool | None:
        return self._attr_is_locked

    @property
    def is_locking(self) -> bool:
        return self._attr_is_locking

    @property
    def is_unlocking(self) -> bool:
        return self._attr_is_unlocking

    @property
    def is_opening(self) -> bool:
        return self._attr_is_opening

    @property
    def is_open(self) -> bool:
        return self._attr_is_open

    @property
    def is_jammed(self) -> bool:
        return self._attr_is_jammed

    @property
    def state(self) -> str | None:
        """Jammed first, then what is under way, then open, locked or unlocked."""
        if self.is_jammed:
            return LockState.jammed
        if self.is_opening:
            return LockState.opening
        if self.is_locking:
            return LockState.locking
        if self.is_unlocking:
            return LockState.unlocking
        if self.is_open:
            return LockState.open
        if (locked := self.is_locked) is None:
            return None
        return LockState.locked if locked else LockState.unlocked

    async def async_lock(self) -> None:
        raise NotImplementedError

    async def async_unlock(self) -> None:
        raise NotImplementedError

    async def async_open(self) -> None:
        raise NotImplementedError
