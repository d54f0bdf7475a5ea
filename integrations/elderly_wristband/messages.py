"""The commands a GPS watch sends, read from a frame's content, and what the hub answers.

Sources: the SeTracker server protocol that Beesure publishes
(https://www.4p-touch.com/beesure-gps-setracker-server-protocol.html: LK, UD, UD2, AL and
their answers), and traccar's decoder of the same protocol
(https://github.com/traccar/traccar, ``src/main/java/org/traccar/protocol/
WatchProtocolDecoder.java``: the field order of UD/AL, the status bits, the health
commands).

- ``LK`` or ``LK,steps,rolls,battery``: link keep-alive, every 5 to 8 minutes; answered
  ``LK``, or the watch reconnects.
- ``UD``, ``UD_LTE``, ``UD_WCDMA``: a location report; ``UD2``: one the watch kept while it
  had no network ("blind spot" data); ``AL``, ``AL_LTE``: an alarm, with the same fields,
  answered ``AL``. Fields, in order: date (ddmmyy), time (hhmmss, UTC), fix (A valid,
  V not), latitude, N/S, longitude, E/W, speed (km/h), direction (degrees), altitude (m),
  satellites, GSM signal (0-100), battery (%), steps, rolls, terminal status (hex, see
  :class:`WatchStatus`), then the base stations (count, timing advance, MCC, MNC, and per
  station LAC, cell id, signal) and the Wi-Fi access points (count, and per access point
  name, MAC, signal).
- ``bphrt,systolic,diastolic,heart_rate,…`` (answered ``bphrt``), ``blood,systolic,
  diastolic[,heart_rate]``, ``heart,heart_rate``, ``btemp2,valid,temperature`` (answered
  ``btemp2``): health measurements; a 0 reading is no measurement. Servers in use answer
  ``bphrt`` and ``btemp2`` with their name, which the watches that send them wait for
  before they stop resending; ``heart`` and ``blood`` get no answer.

Any other command is an :class:`UnknownCommand`: not answered.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import IntFlag
from typing import Final, TypeVar

from .framing import ProtocolError, shown

_LOGGER = logging.getLogger(__name__)

_INTEGER = re.compile(r"-?[0-9]{1,10}")
_DECIMAL = re.compile(r"-?[0-9]{1,10}(?:\.[0-9]{0,10})?")
_HEX = re.compile(r"[0-9A-Fa-f]{1,8}")
_SIX_DIGITS = re.compile(r"[0-9]{6}")

_T = TypeVar("_T")


class WatchStatus(IntFlag):
    """The terminal status of a UD or AL report: 16 bits of state, 16 bits of alarms.

    Bit positions as traccar's ``WatchProtocolDecoder.decodeAlarm`` and its motion flag
    read them (bits 0-2, 4, 16-22), which follow the "terminal status" table of the 3G
    watch protocol document; bit 22 is a second fall bit some firmware sets.
    """

    low_battery = 1 << 0
    outside_fence = 1 << 1  # the watch's own fence, set from its app
    inside_fence = 1 << 2
    moving = 1 << 4
    sos_alarm = 1 << 16
    low_battery_alarm = 1 << 17
    fence_exit_alarm = 1 << 18
    fence_enter_alarm = 1 << 19
    taken_off_alarm = 1 << 20  # traccar: ALARM_REMOVING, the watch was taken off the wrist
    fall_alarm = 1 << 21
    fall_alarm_2 = 1 << 22

    @property
    def sos(self) -> bool:
        return bool(self & WatchStatus.sos_alarm)

    @property
    def fall(self) -> bool:
        return bool(self & (WatchStatus.fall_alarm | WatchStatus.fall_alarm_2))

    @property
    def taken_off(self) -> bool:
        return bool(self & WatchStatus.taken_off_alarm)


@dataclass(frozen=True, slots=True)
class Cell:
    """A mobile network base station the watch hears."""

    mcc: int
    mnc: int
    lac: int
    cell_id: int
    signal: int | None


@dataclass(frozen=True, slots=True)
class WifiAccessPoint:
    name: str
    mac: str
    signal: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    """``LK``: the watch is connected; the long form adds its pedometer and battery."""

    command: str
    steps: int | None = None
    rolls: int | None = None
    battery: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PositionReport:
    """``UD*`` and ``AL*``: where the watch is and how it is. Without a fix (``fix`` False)
    the coordinates are not a current GPS position."""

    command: str
    time: datetime | None  # None when the watch sends no valid date
    fix: bool
    latitude: float
    longitude: float
    speed: float | None  # km/h
    direction: float | None  # degrees
    altitude: float | None  # m
    satellites: int | None
    gsm_signal: int | None  # 0-100
    battery: int | None  # %
    steps: int | None
    rolls: int | None
    status: WatchStatus
    cells: tuple[Cell, ...] = ()
    wifi: tuple[WifiAccessPoint, ...] = ()

    @property
    def alarm(self) -> bool:
        return self.command.upper().startswith("AL")

    @property
    def historic(self) -> bool:
        """A report the watch kept while offline and sends late (``UD2``)."""
        return self.command.upper() == "UD2"


@dataclass(frozen=True, slots=True, kw_only=True)
class BloodPressure:
    """``bphrt`` and ``blood``: mmHg, and the heart rate measured with it if any."""

    command: str
    systolic: int | None
    diastolic: int | None
    heart_rate: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class HeartRate:
    command: str
    heart_rate: int | None  # bpm


@dataclass(frozen=True, slots=True, kw_only=True)
class BodyTemperature:
    command: str
    celsius: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class UnknownCommand:
    command: str


Message = Link | PositionReport | BloodPressure | HeartRate | BodyTemperature | UnknownCommand


def answer(message: Message) -> str | None:
    """The content the hub answers ``message`` with, or None when the watch expects none.

    The watch resends an alarm or a health measurement until it is answered, and
    reconnects when its keep-alive is not.
    """
    command = message.command.upper()
    if command == "LK":
        return "LK"
    if isinstance(message, PositionReport) and message.alarm:
        return "AL"
    if command in ("BPHRT", "BTEMP2"):
        return message.command  # echoed in the watch's own spelling
    return None


def parse_message(content: bytes) -> Message:
    """Read a frame's content; raises :class:`ProtocolError` naming the bad field."""
    name, _, body = content.partition(b",")
    command = name.decode("ascii", errors="replace")
    parser = _PARSERS.get(command.upper())
    if parser is None:
        return UnknownCommand(command=command)
    text = body.decode("utf-8", errors="replace")
    return parser(_Fields(command, text.split(",") if text else []))


class _Fields:
    """The comma-separated fields of one command, read in order."""

    def __init__(self, command: str, values: list[str]) -> None:
        self.command = command
        self.values = values
        self.index = 0

    @property
    def left(self) -> int:
        return len(self.values) - self.index

    def text(self, name: str) -> str:
        if not self.left:
            raise ProtocolError(f"{self.command} has no field {name!r} ({self.index + 1})")
        self.index += 1
        return self.values[self.index - 1].strip()

    def error(self, name: str, value: str, expected: str) -> ProtocolError:
        return ProtocolError(
            f"{self.command} field {name!r} ({self.index}): expected {expected}, "
            f"got {shown(value.encode())}"
        )

    def integer(self, name: str) -> int:
        value = self.text(name)
        if not _INTEGER.fullmatch(value):
            raise self.error(name, value, "a whole number")
        return int(value)

    def skip_empty(self) -> bool:
        """Skip the next field if it is empty or missing; whether it was."""
        if self.left and self.values[self.index].strip():
            return False
        self.index = min(self.index + 1, len(self.values))
        return True

    def optional_integer(self, name: str) -> int | None:
        """An integer, or None for an empty or missing field."""
        return None if self.skip_empty() else self.integer(name)

    def decimal(self, name: str, low: float, high: float) -> float:
        value = self.text(name)
        if not _DECIMAL.fullmatch(value) or not low <= float(value) <= high:
            raise self.error(name, value, f"a number from {low:g} to {high:g}")
        return float(value)

    def optional_decimal(self, name: str) -> float | None:
        """A number, or None for an empty or missing field."""
        if self.skip_empty():
            return None
        value = self.text(name)
        if not _DECIMAL.fullmatch(value):
            raise self.error(name, value, "a number")
        return float(value)

    def choice(self, name: str, options: Mapping[str, _T]) -> _T:
        value = self.text(name).upper()
        if value not in options:
            raise self.error(name, value, " or ".join(repr(option) for option in options))
        return options[value]

    def measurement(self, name: str) -> int | None:
        """A health reading; 0, or nothing, means the watch measured nothing."""
        value = self.optional_integer(name)
        if value is not None and value < 0:
            raise self.error(name, str(value), "a reading of at least 0")
        return value or None


def _link(fields: _Fields) -> Link:
    return Link(
        command=fields.command,
        steps=fields.optional_integer("steps"),
        rolls=fields.optional_integer("rolls"),
        battery=fields.optional_integer("battery"),
    )


def _report_time(day_month_year: str, hour_minute_second: str) -> datetime | None:
    """The report's time, UTC; None for a date that is not one (no fix yet: 000000)."""
    if not (_SIX_DIGITS.fullmatch(day_month_year) and _SIX_DIGITS.fullmatch(hour_minute_second)):
        return None
    day, month, year = (int(day_month_year[i : i + 2]) for i in (0, 2, 4))
    hour, minute, second = (int(hour_minute_second[i : i + 2]) for i in (0, 2, 4))
    try:
        return datetime(2000 + year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None


def _position(fields: _Fields) -> PositionReport:
    time = _report_time(fields.text("date"), fields.text("time"))
    fix = fields.choice("fix", {"A": True, "V": False})
    latitude = fields.decimal("latitude", -90, 90) * fields.choice("N/S", {"N": 1, "S": -1})
    longitude = fields.decimal("longitude", -180, 180)
    longitude *= fields.choice("E/W", {"E": 1, "W": -1, "": 1})
    report = PositionReport(
        command=fields.command,
        time=time,
        fix=fix,
        latitude=latitude,
        longitude=longitude,
        speed=fields.optional_decimal("speed"),
        direction=fields.optional_decimal("direction"),
        altitude=fields.optional_decimal("altitude"),
        satellites=fields.optional_integer("satellites"),
        gsm_signal=fields.optional_integer("GSM signal"),
        battery=fields.optional_integer("battery"),
        steps=fields.optional_integer("steps"),
        rolls=fields.optional_integer("rolls"),
        status=_status(fields),
    )
    # An alarm is never lost to a network list in a shape this reader does not know.
    try:
        cells = _cells(fields)
        wifi = _wifi(fields)
    except ProtocolError as error:
        _LOGGER.debug("Ignoring the network list of a %s report: %s", fields.command, error)
        return report
    return replace(report, cells=cells, wifi=wifi)


def _status(fields: _Fields) -> WatchStatus:
    value = fields.text("status")
    if not _HEX.fullmatch(value):
        raise fields.error("status", value, "up to 8 hex digits")
    return WatchStatus(int(value, 16))


def _cells(fields: _Fields) -> tuple[Cell, ...]:
    if not fields.left:
        return ()
    count = fields.integer("base stations")
    fields.optional_integer("timing advance")
    if count <= 0:
        return ()
    mcc = fields.optional_integer("MCC") or 0
    mnc = fields.optional_integer("MNC") or 0
    return tuple(
        Cell(
            mcc,
            mnc,
            fields.integer("LAC"),
            fields.integer("cell id"),
            fields.optional_integer("cell signal"),
        )
        for _ in range(count)
    )


def _wifi(fields: _Fields) -> tuple[WifiAccessPoint, ...]:
    if fields.skip_empty():
        return ()
    count = fields.integer("Wi-Fi access points")
    return tuple(
        WifiAccessPoint(
            fields.text("Wi-Fi name"),
            fields.text("Wi-Fi MAC"),
            fields.optional_integer("Wi-Fi signal"),
        )
        for _ in range(count)
    )


def _blood_pressure(fields: _Fields) -> BloodPressure:
    return BloodPressure(
        command=fields.command,
        systolic=fields.measurement("systolic"),
        diastolic=fields.measurement("diastolic"),
        heart_rate=fields.measurement("heart rate"),
    )


def _heart_rate(fields: _Fields) -> HeartRate:
    return HeartRate(command=fields.command, heart_rate=fields.measurement("heart rate"))


def _body_temperature(fields: _Fields) -> BodyTemperature:
    if fields.integer("valid") <= 0:
        return BodyTemperature(command=fields.command, celsius=None)
    return BodyTemperature(command=fields.command, celsius=fields.decimal("temperature", 0, 60))


_PARSERS: Final[dict[str, Callable[[_Fields], Message]]] = {
    "LK": _link,
    "UD": _position,
    "UD2": _position,
    "UD_LTE": _position,
    "UD_WCDMA": _position,
    "AL": _position,
    "AL_LTE": _position,
    "AL_WCDMA": _position,
    "BPHRT": _blood_pressure,
    "BLOOD": _blood_pressure,
    "HEART": _heart_rate,
    "BTEMP2": _body_temperature,
}
