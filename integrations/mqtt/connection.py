"""One connection to a broker: MQTT 3.1.1 as an asyncio protocol on the hub's loop.

The hub is the subscriber of thousands of devices, so the receiving side is the hot path:
the bytes of many PUBLISH packets arrive together, are cut into packets in one pass and
handed to ``on_message`` right there, with no task or intermediate object per message. A
general client (paho-mqtt, which linli used before) spends about ten times as long per
message on the same work (bench/mqtt.py). What the hub sends is little: subscriptions, its
birth message and the odd command.

Spoken: CONNECT (username, password, will, keep-alive, clean session), SUBSCRIBE and
UNSUBSCRIBE, PUBLISH both ways at QoS 0, 1 and 2, PINGREQ, DISCONNECT.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import ssl
import struct
import uuid
from collections.abc import Callable
from typing import Final

_LOGGER = logging.getLogger(__name__)

CLOSE_TIMEOUT: Final = 1.0  # seconds a clean disconnect may take
REPLY_TIMEOUT: Final = 10.0  # seconds the broker has to acknowledge a request
MAX_PACKET: Final = 16 * 2**20  # bytes: a zigbee2mqtt device list can be large, not this
MESSAGES_PER_SLICE: Final = 100  # then other callbacks get their turn (a few ms at most)
# CONNACK codes of a refused login (4: bad username or password, 5: not authorised).
LOGIN_REFUSED: Final = frozenset({4, 5})
CONNACK_REASONS: Final = {
    1: "unacceptable protocol version",
    2: "client identifier rejected",
    3: "server unavailable",
    4: "bad username or password",
    5: "not authorised",
}

CONNECT, CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP = range(1, 8)
SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK, PINGREQ, PINGRESP, DISCONNECT = range(8, 15)
SUBACK_FAILURE: Final = 0x80

Payload = str | bytes | bytearray | int | float | None
MessageHandler = Callable[[str, bytes, int, bool], None]  # topic, payload, qos, retain


class ConnectionFailed(Exception):
    """The broker could not be reached, refused the connection, or the connection broke;
    ``code`` is the broker's CONNACK return code when it refused."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code

    @property
    def login_refused(self) -> bool:
        """Whether the broker refused the username or password."""
        return self.code in LOGIN_REFUSED


class ProtocolViolation(Exception):
    """The broker sent something MQTT 3.1.1 does not allow: the connection is closed."""


def _string(value: str | bytes) -> bytes:
    data = value.encode() if isinstance(value, str) else value
    return struct.pack("!H", len(data)) + data


def _packet(kind: int, flags: int, body: bytes) -> bytes:
    """A whole packet: fixed header (type, flags, remaining length) and ``body``."""
    length, header = len(body), bytearray([kind << 4 | flags])
    while True:
        length, digit = divmod(length, 128)
        header.append(digit | (0x80 if length else 0))
        if not length:
            return bytes(header) + body


def _payload_bytes(payload: Payload) -> bytes:
    if payload is None:
        return b""
    if isinstance(payload, str):
        return payload.encode()
    if isinstance(payload, bytes | bytearray):
        return bytes(payload)
    return str(payload).encode()


class Connection(asyncio.Protocol):
    """One MQTT connection: :meth:`open`, then :meth:`subscribe` and :meth:`publish`;
    :attr:`closed` resolves with the reason when it ends."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        on_message: MessageHandler,
        username: str | None = None,
        password: str | None = None,
        tls_context: ssl.SSLContext | None = None,
        will: tuple[str, str] | None = None,
        keepalive: int = 60,
    ) -> None:
        self.host, self.port, self.keepalive = host, port, keepalive
        self._on_message = on_message
        self._username, self._password = username, password
        self._tls_context = tls_context
        self._will = will
        self._loop = asyncio.get_running_loop()
        self._transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._paused = False  # reading paused while the buffer is worked through in slices
        self._connack: asyncio.Future[int] = self._loop.create_future()
        self.closed: asyncio.Future[str] = self._loop.create_future()
        self._replies: dict[tuple[int, int], asyncio.Future[bytes]] = {}
        self._ids = itertools.cycle(range(1, 65536))
        self._releasing: set[int] = set()  # QoS 2 messages received, awaiting PUBREL
        self._heard = 0.0  # loop time anything last arrived
        self._keep_alive: asyncio.Task[None] | None = None

    def describe(self) -> str:
        return f"{self.host}:{self.port}"

    def __str__(self) -> str:
        return self.describe()

    # -- opening and closing ----------------------------------------------------------------

    async def open(self, timeout: float) -> None:
        """Connect and wait for the broker's CONNACK; raises :class:`ConnectionFailed`."""
        try:
            async with asyncio.timeout(timeout):
                await self._loop.create_connection(
                    lambda: self,
                    self.host,
                    self.port,
                    ssl=self._tls_context,
                    server_hostname=self.host if self._tls_context is not None else None,
                )
                self._send(_packet(CONNECT, 0, self._connect_body()))
                code = await self._connack
        except TimeoutError:
            self._abandon()
            raise ConnectionFailed(f"{self} did not answer in {timeout:g} s") from None
        except (OSError, ssl.SSLError) as error:  # refused, unreachable, unknown host, TLS
            self._abandon()
            raise ConnectionFailed(f"cannot connect to {self}: {error}") from error
        except ConnectionFailed:
            self._abandon()
            raise
        if code:
            self._abandon()
            reason = CONNACK_REASONS.get(code, f"code {code}")
            raise ConnectionFailed(f"{self} refused the connection: {reason}", code)
        self._keep_alive = self._loop.create_task(self._ping(), name=f"mqtt keep-alive {self}")

    def _connect_body(self) -> bytes:
        flags = 0x02  # clean session: the hub subscribes again after every connection
        payload = _string(f"linli-{uuid.uuid4().hex[:12]}")
        if self._will is not None:
            flags |= 0x04 | 1 << 3  # will, at QoS 1
            payload += _string(self._will[0]) + _string(self._will[1])
        if self._username:
            flags |= 0x80
            payload += _string(self._username)
            if self._password:
                flags |= 0x40
                payload += _string(self._password)
        return _string("MQTT") + bytes([4, flags]) + struct.pack("!H", self.keepalive) + payload

    async def close(self) -> None:
        """Disconnect cleanly (the broker does not send the will), or drop the connection."""
        if self._transport is not None and not self.closed.done():
            with contextlib.suppress(ConnectionFailed):
                self._send(_packet(DISCONNECT, 0, b""))
            self._transport.close()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(CLOSE_TIMEOUT):
                    await asyncio.shield(self.closed)
        self._abandon()

    def _abandon(self, reason: str = "closed") -> None:
        """Drop the connection at once; it ends with ``reason``."""
        if self._transport is not None:
            self._transport.abort()
        self._end(reason)

    def _end(self, reason: str) -> None:
        if not self.closed.done():
            self.closed.set_result(reason)
        if not self._connack.done():
            self._connack.set_exception(ConnectionFailed(f"{self} closed the connection"))
            self._connack.exception()  # retrieved: nobody may be waiting any more
        if self._keep_alive is not None:
            self._keep_alive.cancel()
        for reply in self._replies.values():
            if not reply.done():
                reply.set_exception(ConnectionFailed(f"connection lost: {reason}"))
        self._replies.clear()

    async def _ping(self) -> None:
        """Ping half-way through the keep-alive; give up when a whole one passes in silence."""
        if not self.keepalive:
            return
        interval = self.keepalive / 2
        while True:
            await asyncio.sleep(interval)
            if self._loop.time() - self._heard > self.keepalive * 1.5:
                self._fail("the broker stopped answering")
                return
            with contextlib.suppress(ConnectionFailed):
                self._send(_packet(PINGREQ, 0, b""))

    # -- requests ---------------------------------------------------------------------------

    async def subscribe(self, filters: list[tuple[str, int]]) -> None:
        """Subscribe to ``filters`` (filter, qos) in one packet; a filter the broker refuses
        is logged."""
        packet_id = self._next_id()
        body = struct.pack("!H", packet_id)
        body += b"".join(_string(topic_filter) + bytes([qos]) for topic_filter, qos in filters)
        codes = await self._request(_packet(SUBSCRIBE, 0x02, body), SUBACK, packet_id)
        for (topic_filter, _qos), code in zip(filters, codes, strict=False):
            if code == SUBACK_FAILURE:
                _LOGGER.warning("%s refused the subscription to %s", self, topic_filter)

    async def unsubscribe(self, filters: list[str]) -> None:
        packet_id = self._next_id()
        body = struct.pack("!H", packet_id) + b"".join(map(_string, filters))
        await self._request(_packet(UNSUBSCRIBE, 0x02, body), UNSUBACK, packet_id)

    async def publish(self, topic: str, payload: Payload, qos: int, retain: bool) -> None:
        """Publish; with QoS 1 or 2, wait until the broker has the message."""
        if qos not in (0, 1, 2):
            raise ValueError(f"QoS is 0, 1 or 2, got {qos!r}")
        flags = qos << 1 | (1 if retain else 0)
        data = _payload_bytes(payload)
        if not qos:
            self._send(_packet(PUBLISH, flags, _string(topic) + data))
            return
        packet_id = self._next_id()
        packet = _packet(PUBLISH, flags, _string(topic) + struct.pack("!H", packet_id) + data)
        if qos == 1:
            await self._request(packet, PUBACK, packet_id)
            return
        await self._request(packet, PUBREC, packet_id)
        await self._request(_packet(PUBREL, 0x02, struct.pack("!H", packet_id)), PUBCOMP, packet_id)

    def _next_id(self) -> int:
        while True:
            packet_id = next(self._ids)
            if not any(key[1] == packet_id for key in self._replies):
                return packet_id

    async def _request(self, packet: bytes, answer: int, packet_id: int) -> bytes:
        """Send ``packet`` and wait for the ``answer`` packet with ``packet_id``; its body."""
        reply = self._replies[answer, packet_id] = self._loop.create_future()
        try:
            self._send(packet)
            async with asyncio.timeout(REPLY_TIMEOUT):
                return await reply
        except TimeoutError:
            raise ConnectionFailed(f"{self} did not answer a request in time") from None
        finally:
            self._replies.pop((answer, packet_id), None)

    def _send(self, packet: bytes) -> None:
        transport = self._transport
        if transport is None or transport.is_closing() or self.closed.done():
            raise ConnectionFailed(f"not connected to {self}")
        transport.write(packet)

    # -- asyncio.Protocol -------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._heard = self._loop.time()

    def connection_lost(self, exc: Exception | None) -> None:
        self._end(f"connection lost ({exc})" if exc else "the broker closed the connection")

    def data_received(self, data: bytes) -> None:
        self._heard = self._loop.time()
        self._buffer += data
        if not self._paused:
            self._work()

    def _work(self) -> None:
        """Read the packets in the buffer, a slice at a time; pause reading while more
        than a slice waits, so a flood cannot hold the loop."""
        try:
            done = self._read_packets(MESSAGES_PER_SLICE)
        except ProtocolViolation as error:
            self._fail(f"protocol error: {error}")
            return
        except ConnectionFailed:  # an acknowledgement on a connection already closing
            return
        transport = self._transport
        if done:
            if self._paused and transport is not None and not transport.is_closing():
                self._paused = False
                transport.resume_reading()
        else:
            if not self._paused and transport is not None:
                self._paused = True
                transport.pause_reading()
            self._loop.call_soon(self._work)

    def _fail(self, reason: str) -> None:
        _LOGGER.warning("Closing the connection to %s: %s", self, reason)
        self._abandon(reason)

    def _read_packets(self, limit: int) -> bool:
        """Handle up to ``limit`` packets; True when no whole packet is left."""
        buffer, position, end = self._buffer, 0, len(self._buffer)
        handled = 0
        try:
            while handled < limit:
                if end - position < 2:
                    return True
                first = buffer[position]
                length = shift = 0
                index = position + 1
                while True:  # the remaining length: 1 to 4 bytes of 7 bits
                    if index >= end:
                        return True
                    digit = buffer[index]
                    length |= (digit & 0x7F) << shift
                    index += 1
                    if not digit & 0x80:
                        break
                    shift += 7
                    if shift > 21:
                        raise ProtocolViolation("a remaining length longer than 4 bytes")
                if length > MAX_PACKET:
                    raise ProtocolViolation(f"a packet of {length:,} bytes")
                if end - index < length:
                    return True
                position = index + length
                self._handle(first >> 4, first & 0x0F, bytes(buffer[index:position]))
                handled += 1
            return False
        finally:
            del buffer[:position]  # what was read; the start of a packet still arriving stays

    def _handle(self, kind: int, flags: int, body: bytes) -> None:
        if kind == PUBLISH:
            self._publish_received(flags, body)
        elif kind == CONNACK:
            if len(body) != 2:
                raise ProtocolViolation("a CONNACK that is not 2 bytes")
            if not self._connack.done():
                self._connack.set_result(body[1])
        elif kind in (PUBACK, PUBREC, PUBCOMP, SUBACK, UNSUBACK):
            if len(body) < 2:
                raise ProtocolViolation("an acknowledgement without a packet id")
            (packet_id,) = struct.unpack_from("!H", body)
            reply = self._replies.get((kind, packet_id))
            if reply is not None and not reply.done():
                reply.set_result(body[2:])
        elif kind == PUBREL:
            if len(body) < 2:
                raise ProtocolViolation("a PUBREL without a packet id")
            (packet_id,) = struct.unpack_from("!H", body)
            self._releasing.discard(packet_id)
            self._send(_packet(PUBCOMP, 0, body[:2]))
        elif kind != PINGRESP:
            raise ProtocolViolation(f"packet type {kind} from a broker")

    def _publish_received(self, flags: int, body: bytes) -> None:
        qos = flags >> 1 & 0x03
        if qos == 3 or len(body) < 2:
            raise ProtocolViolation("a malformed PUBLISH")
        (topic_length,) = struct.unpack_from("!H", body)
        start = 2 + topic_length + (2 if qos else 0)
        if start > len(body):
            raise ProtocolViolation("a PUBLISH shorter than its topic")
        if qos:
            packet_id = body[start - 2 : start]
            if qos == 1:
                self._send(_packet(PUBACK, 0, packet_id))
            else:
                self._send(_packet(PUBREC, 0, packet_id))
                (number,) = struct.unpack("!H", packet_id)
                if number in self._releasing:
                    return  # sent again before our PUBREC arrived: delivered already
                self._releasing.add(number)
        try:
            topic = body[2 : 2 + topic_length].decode()
        except UnicodeDecodeError:
            _LOGGER.warning("Dropped a message whose topic is not UTF-8 from %s", self)
            return
        try:
            self._on_message(topic, body[start:], qos, bool(flags & 0x01))
        except Exception:  # a bug: logged, and the reading goes on
            _LOGGER.exception("Error handling the MQTT message on %s", topic)
