"""A GPS watch that talks to the hub over TCP, for tests and demonstrations.

``async with SimulatedWatch("8800000015", port) as watch:`` connects to 127.0.0.1;
``await watch.link(battery=80)`` sends a keep-alive and returns the hub's answer.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Self

from .framing import Frame, FrameDecoder, encode_frame, parse_frame

ANSWER_TIMEOUT = 5.0  # seconds


def position_content(
    latitude: float,
    longitude: float,
    *,
    command: str = "UD",
    fix: bool = True,
    battery: int = 90,
    steps: int = 0,
    status: int = 0,
    time: datetime | None = None,
) -> str:
    """A UD/AL report at the given position, with one base station and one Wi-Fi AP;
    ``status`` is a :class:`~.messages.WatchStatus`."""
    time = time or datetime.now(UTC)
    return ",".join(
        [
            command,
            time.strftime("%d%m%y"),
            time.strftime("%H%M%S"),
            "A" if fix else "V",
            f"{abs(latitude):.6f}",
            "N" if latitude >= 0 else "S",
            f"{abs(longitude):.6f}",
            "E" if longitude >= 0 else "W",
            "0.00",  # speed
            "0.0",  # direction
            "35.0",  # altitude
            "9" if fix else "0",  # satellites
            "80",  # GSM signal
            str(battery),
            str(steps),
            "0",  # rolls
            f"{status:08X}",
            "1,1,460,0,9360,4082,131",  # one base station
            "1,home,1c:fa:68:13:a5:b4,-61",  # one Wi-Fi access point
        ]
    )


class SimulatedWatch:
    """One watch's TCP connection to the hub."""

    def __init__(
        self, device_id: str, port: int, *, vendor: str = "3G", host: str = "127.0.0.1"
    ) -> None:
        self.device_id = device_id
        self.vendor = vendor
        self._address = (host, port)
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._decoder = FrameDecoder()
        self._answers: list[Frame] = []

    async def __aenter__(self) -> Self:
        self._reader, self._writer = await asyncio.open_connection(*self._address)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._writer is not None:
            self._writer.close()
            await self._writer.wait_closed()
            self._writer = self._reader = None

    def frame(self, content: str) -> bytes:
        return encode_frame(self.vendor, self.device_id, content)

    async def write(self, data: bytes) -> None:
        """Send raw bytes: frames, halves of frames, garbage."""
        if self._writer is None:
            raise RuntimeError("the simulated watch is not connected")
        self._writer.write(data)
        await self._writer.drain()

    async def send(self, content: str) -> None:
        """Send one frame, not waiting for an answer."""
        await self.write(self.frame(content))

    async def answer(self, timeout: float = ANSWER_TIMEOUT) -> Frame:
        """The hub's next answer; TimeoutError if none comes."""
        async with asyncio.timeout(timeout):
            while not self._answers:
                if self._reader is None:
                    raise RuntimeError("the simulated watch is not connected")
                data = await self._reader.read(4096)
                if not data:
                    raise ConnectionResetError("the hub closed the connection")
                self._answers.extend(parse_frame(raw) for raw in self._decoder.feed(data))
        return self._answers.pop(0)

    async def request(self, content: str) -> Frame:
        """Send one frame and return the hub's answer to it."""
        await self.send(content)
        return await self.answer()

    async def link(self, *, battery: int | None = None, steps: int = 0, rolls: int = 0) -> Frame:
        """A keep-alive (with steps, rolls and battery when ``battery`` is given); returns
        the hub's answer, which also means the hub has taken every frame sent before."""
        if battery is None:
            return await self.request("LK")
        return await self.request(f"LK,{steps},{rolls},{battery}")

    async def report(
        self, latitude: float, longitude: float, *, fix: bool = True, status: int = 0
    ) -> None:
        """A location report (UD: the hub does not answer it)."""
        await self.send(position_content(latitude, longitude, fix=fix, status=status))

    async def alarm(self, latitude: float, longitude: float, status: int) -> Frame:
        """An alarm report (AL); returns the hub's answer."""
        content = position_content(latitude, longitude, command="AL", status=status)
        return await self.request(content)
