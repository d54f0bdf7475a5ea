"""The watches of one config entry and what the hub last heard from each.

A watch is known once it has sent a frame; the entry's entity platforms add its entities
then (and, at setup, for each watch the device registry remembers).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from linli.events import Unsubscribe

from .const import DOMAIN
from .messages import (
    BloodPressure,
    BodyTemperature,
    HeartRate,
    Link,
    Message,
    PositionReport,
    WatchStatus,
)

if TYPE_CHECKING:
    from linli.hub import Hub

WatchAdder = Callable[["Watch"], Awaitable[None]]
_T = TypeVar("_T")


def _latest(value: _T | None, previous: _T | None) -> _T | None:
    """A new reading, or the previous one when the message has none."""
    return previous if value is None else value


class Watch:
    """One watch's latest readings; :meth:`listen` to hear when they change."""

    def __init__(self, device_id: str, vendor: str) -> None:
        self.device_id = device_id
        self.vendor = vendor
        self.last_seen: datetime | None = None
        self.alive: bool | None = None  # None: not heard from since the hub started
        self.battery: int | None = None
        self.steps: int | None = None
        self.heart_rate: int | None = None
        self.systolic: int | None = None
        self.diastolic: int | None = None
        self.body_temperature: float | None = None
        self.status: WatchStatus | None = None
        self.gps_fix: bool | None = None  # whether the latest report had a fix
        self.position: PositionReport | None = None  # the latest report with a fix
        self._listeners: list[Callable[[], object]] = []

    @property
    def name(self) -> str:
        return f"Wristband {self.device_id}"

    def listen(self, callback: Callable[[], object]) -> Unsubscribe:
        """Call ``callback()`` after every change; returns what stops it."""
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback)

    def _changed(self) -> None:
        for callback in list(self._listeners):
            callback()

    def heard(self, message: Message, now: datetime) -> None:
        """Take what ``message`` says; any frame is a sign of life."""
        self.last_seen = now
        self.alive = True
        # A late blind-spot report (UD2) and unknown commands tell nothing about now.
        match message:
            case Link() | PositionReport(historic=False):
                self.battery = _latest(message.battery, self.battery)
                self.steps = _latest(message.steps, self.steps)
                if isinstance(message, PositionReport):
                    self.status = message.status
                    self.gps_fix = message.fix
                    self.position = message if message.fix else self.position
            case BloodPressure():
                self.systolic = _latest(message.systolic, self.systolic)
                self.diastolic = _latest(message.diastolic, self.diastolic)
                self.heart_rate = _latest(message.heart_rate, self.heart_rate)
            case HeartRate():
                self.heart_rate = _latest(message.heart_rate, self.heart_rate)
            case BodyTemperature():
                self.body_temperature = _latest(message.celsius, self.body_temperature)
        self._changed()

    def fell_silent(self) -> None:
        self.alive = False
        self._changed()


class WatchFleet:
    """The watches of one entry, by device id; tells the platforms about new ones."""

    def __init__(self, hub: Hub, entry_id: str) -> None:
        self.watches: dict[str, Watch] = {}
        self._adders: list[WatchAdder] = []
        self._adding = asyncio.Lock()
        for device in hub.devices:
            if entry_id in device.config_entry_ids:
                for domain, device_id in device.identifiers:
                    if domain == DOMAIN:
                        self.watches[device_id] = Watch(device_id, device.manufacturer or "")

    async def add_platform(self, adder: WatchAdder) -> None:
        """``await adder(watch)`` for every watch, now and whenever one is new."""
        self._adders.append(adder)
        await asyncio.gather(*(adder(watch) for watch in self.watches.values()))

    async def watch(self, vendor: str, device_id: str) -> Watch:
        """The watch ``device_id``; a new one is returned once its entities are added."""
        watch = self.watches.get(device_id)
        if watch is not None:
            return watch
        async with self._adding:  # two connections of a new watch add it once
            watch = self.watches.get(device_id)
            if watch is None:
                watch = Watch(device_id, vendor)
                await asyncio.gather(*(adder(watch) for adder in self._adders))
                self.watches[device_id] = watch
        return watch
