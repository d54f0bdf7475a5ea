"""The locker bank's local protocol: one JSON request line, one JSON status line back.

The bank listens on TCP (port 9100 by default). The hub sends ``{"cmd": "status"}`` and
gets, e.g.::

    {"serial": "AL24-000731", "model": "AL-24", "firmware": "2.3.1",
     "compartments": [
        {"id": "A01", "size": "S", "parcel": null},
        {"id": "A02", "size": "M", "parcel": {"carrier": "SF",
                                              "deposited_at": "2026-05-01T08:00:00+08:00"}},
        {"id": "A03", "size": "L", "parcel": null, "out_of_order": true}]}
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .const import OVERDUE_AFTER, STATUS_MAX_AGE

REQUEST_TIMEOUT = 5.0  # seconds
SIZES = ("S", "M", "L")


class LockerBankError(Exception):
    """The bank cannot be asked for its status."""


class CannotConnect(LockerBankError):
    """Nothing answers at the address, or it answers too slowly."""


class InvalidResponse(LockerBankError):
    """Something answers, but not with a locker bank's status."""


@dataclass(frozen=True, slots=True)
class Compartment:
    id: str
    size: str
    deposited_at: datetime | None  # when the parcel in it was put in; None: empty
    out_of_order: bool = False

    @property
    def free(self) -> bool:
        return self.deposited_at is None and not self.out_of_order


@dataclass(frozen=True, slots=True)
class BankStatus:
    """What a locker bank reports about itself and its compartments."""

    serial: str
    model: str
    firmware: str
    compartments: tuple[Compartment, ...]

    @classmethod
    def parse(cls, line: bytes) -> BankStatus:
        """Read a status line; raises :class:`InvalidResponse` saying what is wrong."""
        try:
            data = json.loads(line)
            return cls(
                serial=_text(data, "serial"),
                model=_text(data, "model"),
                firmware=_text(data, "firmware"),
                compartments=tuple(_compartment(item) for item in data["compartments"]),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidResponse(f"not a locker bank status: {error!r}") from None

    def free_by_size(self) -> dict[str, int]:
        return {size: sum(c.free and c.size == size for c in self.compartments) for size in SIZES}

    @property
    def free(self) -> int:
        return sum(compartment.free for compartment in self.compartments)

    @property
    def parcels(self) -> int:
        return sum(compartment.deposited_at is not None for compartment in self.compartments)

    def overdue(self, now: datetime) -> int:
        """Parcels that have waited longer than :data:`OVERDUE_AFTER` at ``now``."""
        return sum(
            c.deposited_at is not None and now - c.deposited_at > OVERDUE_AFTER
            for c in self.compartments
        )


def _text(data: dict[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str) or not value:
        raise ValueError(f"{key} must be text, got {value!r}")
    return value


def _compartment(item: dict[str, Any]) -> Compartment:
    size = item["size"]
    if size not in SIZES:
        raise ValueError(f"compartment {item.get('id')!r} has an unknown size {size!r}")
    parcel = item.get("parcel")
    deposited_at = None
    if parcel is not None:
        deposited_at = datetime.fromisoformat(parcel["deposited_at"])
        if deposited_at.tzinfo is None:
            raise ValueError(f"deposited_at {parcel['deposited_at']!r} has no time zone")
    return Compartment(_text(item, "id"), size, deposited_at, bool(item.get("out_of_order")))


class LockerBankClient:
    """Asks one locker bank for its status."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port

    async def get_status(self) -> BankStatus:
        """The bank's status now; raises :class:`CannotConnect` or :class:`InvalidResponse`."""
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT):
                reader, writer = await asyncio.open_connection(self.host, self.port)
                try:
                    writer.write(b'{"cmd": "status"}\n')
                    await writer.drain()
                    line = await reader.readline()
                finally:
                    writer.close()
                    await writer.wait_closed()
        except (OSError, TimeoutError) as error:
            raise CannotConnect(f"{self.host}:{self.port} does not answer: {error!r}") from None
        return BankStatus.parse(line)


class LockerBank:
    """One configured bank's latest status, shared by its sensors.

    ``now`` is the hub's clock (``hub.clock.now``), so tests can move time.
    """

    def __init__(
        self, client: LockerBankClient, status: BankStatus, now: Callable[[], datetime]
    ) -> None:
        self.client = client
        self.status = status
        self._now = now
        self._fetched = now()
        self._lock = asyncio.Lock()

    async def refresh(self) -> BankStatus:
        """A status at most :data:`STATUS_MAX_AGE` old: sensors polled together ask once."""
        async with self._lock:
            if self._now() - self._fetched > STATUS_MAX_AGE:
                self.status = await self.client.get_status()
                self._fetched = self._now()
        return self.status
