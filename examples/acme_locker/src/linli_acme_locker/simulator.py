"""A locker bank on the loopback interface, for tests and for trying the integration out."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any, Self


def sample_status(now: datetime | None = None) -> dict[str, Any]:
    """A bank of 6 compartments: 3 free, 1 out of order, 2 parcels (one 30 hours old)."""
    now = now or datetime.now(UTC)

    def parcel(hours: float) -> dict[str, str]:
        return {"carrier": "SF", "deposited_at": (now - timedelta(hours=hours)).isoformat()}

    return {
        "serial": "AL24-000731",
        "model": "AL-24",
        "firmware": "2.3.1",
        "compartments": [
            {"id": "A01", "size": "S", "parcel": None},
            {"id": "A02", "size": "S", "parcel": parcel(2)},
            {"id": "A03", "size": "M", "parcel": None},
            {"id": "A04", "size": "M", "parcel": parcel(30)},
            {"id": "A05", "size": "L", "parcel": None},
            {"id": "A06", "size": "L", "parcel": None, "out_of_order": True},
        ],
    }


class LockerBankSimulator:
    """Answers status requests with :attr:`status` (change it to change the answer).

    ``async with LockerBankSimulator() as bank:`` listens on 127.0.0.1, port ``bank.port``.
    """

    def __init__(self, status: dict[str, Any] | None = None) -> None:
        self.status: dict[str, Any] | bytes = status or sample_status()
        self.requests = 0
        self._server: asyncio.Server | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the simulator is not running")
        return self._server.sockets[0].getsockname()[1]

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readline()
        self.requests += 1
        answer = self.status
        writer.write(answer if isinstance(answer, bytes) else json.dumps(answer).encode() + b"\n")
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._answer, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
