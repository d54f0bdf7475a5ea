"""The TCP server the watches connect to: frames in, answers out.

Each connection reads frames (:class:`~.framing.FrameDecoder`), reads each one's message,
hands it to ``receive``, then answers it if the protocol says so. Bad input is logged
with the watch and the reason, counted in :class:`ServerStats`, and dropped: garbage
between frames, malformed frames and messages (not answered, so the watch sends them
again), unknown commands. A connection that sends only oversized frames, or nothing at
all for :data:`IDLE_TIMEOUT`, is closed; the other connections carry on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final

from .framing import Frame, FrameDecoder, ProtocolError, encode_frame, parse_frame, shown
from .messages import Message, UnknownCommand, answer, parse_message

_LOGGER = logging.getLogger(__name__)

READ_SIZE: Final = 4096
# Watches send a keep-alive every 5 to 8 minutes (every minute while unanswered).
IDLE_TIMEOUT: Final = 20 * 60.0  # seconds
# Oversized frames in a row after which a connection is closed.
MAX_OVERSIZED_IN_A_ROW: Final = 3

Receive = Callable[[Frame, Message], Awaitable[None]]


@dataclass
class ServerStats:
    """What the server has seen since it started."""

    connections: int = 0
    frames: int = 0  # well-formed frames, whatever their command
    unknown_commands: int = 0
    bad_frames: int = 0  # malformed frames and messages
    garbage_bytes: int = 0
    oversized_frames: int = 0
    dropped_connections: int = 0  # closed for oversized frames


def port_is_free(port: int) -> bool:
    """Whether the server could listen on ``port`` now (as asyncio binds, address reuse on)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("", port))
        except OSError:
            return False
    return True


class WatchServer:
    """Listens on ``port`` (every interface, or ``host``); 0 picks a free port."""

    def __init__(self, port: int, receive: Receive, *, host: str | None = None) -> None:
        self._port = port
        self._host = host
        self._receive = receive
        self._server: asyncio.Server | None = None
        self._connections: dict[asyncio.Task[None], asyncio.StreamWriter] = {}
        self.stats = ServerStats()

    @property
    def port(self) -> int:
        """The port it listens on."""
        if self._server is None:
            raise RuntimeError("the watch server is not running")
        return self._server.sockets[0].getsockname()[1]

    async def start(self) -> None:
        """Listen; raises OSError if the port cannot be had."""
        self._server = await asyncio.start_server(self._serve, self._host, self._port)

    async def stop(self) -> None:
        """Stop listening and close every connection."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in self._connections.values():
            writer.close()
        await asyncio.gather(*self._connections, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections[task] = writer
        self.stats.connections += 1
        connection = _Connection(writer, self._receive, self.stats)
        try:
            await connection.run(reader)
        except (ConnectionError, TimeoutError) as error:
            _LOGGER.debug("Connection of %s ends: %r", connection.describe(), error)
        finally:
            del self._connections[task]
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()


class _Connection:
    """One watch's TCP connection."""

    def __init__(self, writer: asyncio.StreamWriter, receive: Receive, stats: ServerStats) -> None:
        self._receive = receive
        self._stats = stats
        self._writer = writer
        self._peer = writer.get_extra_info("peername")
        self._device_id: str | None = None  # of the last good frame
        self._decoder = FrameDecoder()

    def describe(self) -> str:
        """The watch and its address, for log messages (now: the id can change)."""
        peer = self._peer[0] if isinstance(self._peer, tuple) else self._peer
        return f"watch {self._device_id or '(not identified)'} at {peer}"

    async def run(self, reader: asyncio.StreamReader) -> None:
        decoder = self._decoder
        while True:
            async with asyncio.timeout(IDLE_TIMEOUT):
                data = await reader.read(READ_SIZE)
            if not data:
                return
            garbage, oversized = decoder.garbage_bytes, decoder.oversized
            frames = decoder.feed(data)
            if decoder.garbage_bytes > garbage:
                self._stats.garbage_bytes += decoder.garbage_bytes - garbage
                _LOGGER.debug(
                    "Skipped %d bytes outside frames from %s",
                    decoder.garbage_bytes - garbage,
                    self.describe(),
                )
            if decoder.oversized > oversized:
                self._stats.oversized_frames += decoder.oversized - oversized
                _LOGGER.warning(
                    "Dropped a frame from %s: no closing bracket within %d bytes",
                    self.describe(),
                    decoder.max_frame,
                )
            for frame in frames:
                await self._handle(frame)
            if decoder.oversized_in_a_row >= MAX_OVERSIZED_IN_A_ROW:
                self._stats.dropped_connections += 1
                _LOGGER.warning(
                    "Closing the connection of %s: %d oversized frames in a row",
                    self.describe(),
                    decoder.oversized_in_a_row,
                )
                return

    async def _handle(self, data: bytes) -> None:
        try:
            frame = parse_frame(data)
            self._device_id = frame.device_id
            message = parse_message(frame.content)
        except ProtocolError as error:
            self._stats.bad_frames += 1
            _LOGGER.warning("Dropped a frame from %s: %s", self.describe(), error)
            return
        self._stats.frames += 1
        if isinstance(message, UnknownCommand):
            self._stats.unknown_commands += 1
            _LOGGER.info(
                "Ignoring the unknown command %s from %s: %s",
                message.command,
                self.describe(),
                shown(frame.content),
            )
        try:
            await self._receive(frame, message)
        except Exception:
            # Not answered: the watch sends it again.
            _LOGGER.exception("Error taking %s from %s", message.command, self.describe())
            return
        if (content := answer(message)) is not None:
            self._writer.write(encode_frame(frame.vendor, frame.device_id, content))
            await self._writer.drain()
