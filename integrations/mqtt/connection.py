"""One connection to a broker: paho-mqtt driven by the hub's event loop.

paho-mqtt parses and writes the protocol; this module gives it the loop's reader and
writer callbacks, as Home Assistant's mqtt client does, and hands every received message
to ``on_message`` right in the reader callback: no queue, no task per message. A reader
callback reads up to :data:`MESSAGES_PER_READ` messages (paho reads one packet per call),
so a busy connection costs one trip through the loop per batch, not per message.

Blocking work (DNS, the TCP connect and the TLS handshake) runs in an executor thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl
import threading
import uuid
from collections.abc import Callable
from typing import Any, Final

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode
from paho.mqtt.reasoncodes import ReasonCode

_LOGGER = logging.getLogger(__name__)

MESSAGES_PER_READ: Final = 100  # then other callbacks get their turn (a few ms at most)
READ_SIZE: Final = 65536  # bytes asked of the socket at once
MISC_INTERVAL: Final = 1.0  # seconds between paho's keep-alive checks
REPLY_TIMEOUT: Final = 10.0  # seconds the broker has to acknowledge a (un)subscribe or publish
CLOSE_TIMEOUT: Final = 1.0  # seconds a clean disconnect may take
# CONNACK codes of a refused login: MQTT 3.1.1's 4 and 5 arrive as MQTT 5's 134 and 135.
LOGIN_REFUSED: Final = frozenset({4, 5, 134, 135})

Payload = str | bytes | bytearray | int | float | None
MessageHandler = Callable[[str, bytes, int, bool], None]  # topic, payload, qos, retain


class _Client(paho.Client):
    """paho-mqtt's client, reading the socket in chunks and delivering messages straight
    to ``on_message``.

    Two of paho's internals (paho-mqtt 2.2.0, pinned) are replaced: ``_sock_recv``, which
    paho calls for each byte of a packet's header (four or five system calls a message),
    now serves those bytes from one large read; and ``_handle_on_message``, which matches
    each topic against per-topic callbacks this module never registers.
    """

    _read_buffer = b""
    _read_position = 0

    def _sock_recv(self, bufsize: int) -> bytes:
        position, buffer = self._read_position, self._read_buffer
        if position >= len(buffer):
            buffer = super()._sock_recv(READ_SIZE)  # BlockingIOError when there is nothing
            if not buffer:
                return buffer  # the broker closed the connection
            self._read_buffer, position = buffer, 0
        self._read_position = position + bufsize
        return buffer[position : position + bufsize]

    @property
    def buffered(self) -> bool:
        """Whether bytes already read wait in the buffer."""
        return self._read_position < len(self._read_buffer)

    def _handle_on_message(self, message: paho.MQTTMessage) -> None:
        self.on_message(self, None, message)


class ConnectionFailed(Exception):
    """The broker could not be reached, refused the connection, or the connection broke;
    ``code`` is the broker's CONNACK code when it refused."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code

    @property
    def login_refused(self) -> bool:
        """Whether the broker refused the username or password."""
        return self.code in LOGIN_REFUSED


class Connection:
    """A paho-mqtt client on the running loop: :meth:`open`, then :meth:`subscribe`,
    :meth:`publish`; :attr:`closed` resolves with the reason when the connection ends."""

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
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        client = self._client = _Client(
            CallbackAPIVersion.VERSION2, client_id=f"linli-{uuid.uuid4().hex[:12]}"
        )
        if username:
            client.username_pw_set(username, password)
        if tls_context is not None:
            client.tls_set_context(tls_context)
        if will is not None:
            client.will_set(will[0], will[1], qos=1, retain=False)
        client.on_connect = self._connected
        client.on_disconnect = self._disconnected
        client.on_message = self._message
        client.on_subscribe = client.on_unsubscribe = client.on_publish = self._acknowledged
        client.on_socket_open = self._socket_opened
        client.on_socket_close = self._socket_closed
        client.on_socket_register_write = self._want_write
        client.on_socket_unregister_write = self._wrote_all
        self._connack: asyncio.Future[ReasonCode] = self._loop.create_future()
        self.closed: asyncio.Future[str] = self._loop.create_future()
        self._replies: dict[int, asyncio.Future[Any]] = {}
        self._socket: socket.socket | None = None
        self._misc: asyncio.Task[None] | None = None
        self.received = 0  # messages handed to on_message

    def describe(self) -> str:
        return f"{self.host}:{self.port}"

    # -- opening and closing ----------------------------------------------------------------

    async def open(self, timeout: float) -> None:
        """Connect and wait for the broker's CONNACK; raises :class:`ConnectionFailed`."""
        self._client.connect_timeout = timeout
        try:
            async with asyncio.timeout(timeout):
                await self._loop.run_in_executor(
                    None, self._client.connect, self.host, self.port, self.keepalive
                )
                code = await self._connack
        except TimeoutError:
            self._abandon()
            raise ConnectionFailed(f"{self.describe()} did not answer in {timeout:g} s") from None
        except (OSError, ValueError) as error:  # refused, unreachable, unknown host, TLS
            self._abandon()
            raise ConnectionFailed(f"cannot connect to {self.describe()}: {error}") from error
        if code.is_failure:
            self._abandon()
            raise ConnectionFailed(f"{self.describe()} refused the connection: {code}", code.value)
        self._misc = self._loop.create_task(self._keep_alive(), name="mqtt keep-alive")

    async def close(self) -> None:
        """Disconnect cleanly (the broker does not send the will), or drop the socket."""
        if self._misc is not None:
            self._misc.cancel()
        if not self.closed.done():
            self._client.disconnect()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(CLOSE_TIMEOUT):
                    await asyncio.shield(self.closed)
        self._abandon()

    def _abandon(self) -> None:
        """Stop watching the socket and close it; the connection is over."""
        if (sock := self._socket) is not None:
            self._socket_closed(self._client, None, sock)
            sock.close()
        self._end("closed")

    def _end(self, reason: str) -> None:
        if not self.closed.done():
            self.closed.set_result(reason)
        if self._misc is not None:
            self._misc.cancel()
        for reply in self._replies.values():
            if not reply.done():
                reply.set_exception(ConnectionFailed(f"connection lost: {reason}"))
        self._replies.clear()

    async def _keep_alive(self) -> None:
        """paho's periodic work: ping the broker, notice when it stopped answering."""
        while True:
            await asyncio.sleep(MISC_INTERVAL)
            if self._client.loop_misc() != MQTTErrorCode.MQTT_ERR_SUCCESS:
                self._end("the broker stopped answering")
                return

    # -- requests ---------------------------------------------------------------------------

    async def subscribe(self, filters: list[tuple[str, int]]) -> None:
        """Subscribe to ``filters`` (filter, qos) in one packet; a filter the broker refuses
        is logged."""
        result, mid = self._client.subscribe(filters)
        codes = await self._reply(result, mid, "subscribe")
        for (topic_filter, _qos), code in zip(filters, codes, strict=False):
            if code.is_failure:
                _LOGGER.warning("%s refused the subscription to %s: %s", self, topic_filter, code)

    async def unsubscribe(self, filters: list[str]) -> None:
        result, mid = self._client.unsubscribe(filters)
        await self._reply(result, mid, "unsubscribe")

    async def publish(self, topic: str, payload: Payload, qos: int, retain: bool) -> None:
        """Publish; with QoS 1 or 2, wait until the broker has the message."""
        info = self._client.publish(topic, payload, qos=qos, retain=retain)
        if qos:
            await self._reply(info.rc, info.mid, f"publish to {topic}")
        elif info.rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
            raise ConnectionFailed(f"cannot publish to {topic}: {paho.error_string(info.rc)}")

    async def _reply(self, result: MQTTErrorCode, mid: int, what: str) -> Any:
        if result != MQTTErrorCode.MQTT_ERR_SUCCESS:
            raise ConnectionFailed(f"cannot {what}: {paho.error_string(result)}")
        reply = self._replies[mid] = self._loop.create_future()
        try:
            async with asyncio.timeout(REPLY_TIMEOUT):
                return await reply
        except TimeoutError:
            raise ConnectionFailed(f"{self.describe()} did not acknowledge the {what}") from None
        finally:
            self._replies.pop(mid, None)

    # -- paho's callbacks (in the loop's thread, except the socket opening) ------------------

    def _connected(self, _client: Any, _data: Any, _flags: Any, code: ReasonCode, _p: Any) -> None:
        if not self._connack.done():
            self._connack.set_result(code)

    def _disconnected(
        self, _client: Any, _data: Any, _flags: Any, code: ReasonCode, _p: Any
    ) -> None:
        self._end(f"disconnected ({code})")

    def _message(self, _client: Any, _data: Any, message: paho.MQTTMessage) -> None:
        self.received += 1
        try:
            topic = message.topic
        except UnicodeDecodeError:
            _LOGGER.warning("Dropped a message whose topic is not UTF-8: %r", message._topic)
            return
        try:
            self._on_message(topic, message.payload, message.qos, message.retain)
        except Exception:  # a bug: logged, and the reading goes on
            _LOGGER.exception("Error handling the MQTT message on %s", topic)

    def _acknowledged(self, _client: Any, _data: Any, mid: int, codes: Any, _p: Any) -> None:
        """A SUBACK, UNSUBACK (a list of reason codes) or PUBACK (one)."""
        reply = self._replies.get(mid)
        if reply is not None and not reply.done():
            reply.set_result(codes)

    def _socket_opened(self, _client: Any, _data: Any, sock: socket.socket) -> None:
        self._in_loop(self._watch, sock)

    def _watch(self, sock: socket.socket) -> None:
        if self.closed.done():  # open() gave up waiting while the executor connected
            sock.close()
            return
        self._socket = sock
        self._loop.add_reader(sock, self._readable)

    def _socket_closed(self, _client: Any, _data: Any, sock: socket.socket) -> None:
        if self._socket is sock:
            self._socket = None
            self._in_loop(self._stop_watching, sock)

    def _stop_watching(self, sock: socket.socket) -> None:
        if sock.fileno() != -1:
            self._loop.remove_reader(sock)
            self._loop.remove_writer(sock)

    def _want_write(self, _client: Any, _data: Any, sock: socket.socket) -> None:
        self._in_loop(self._add_writer, sock)

    def _add_writer(self, sock: socket.socket) -> None:
        if self._socket is sock:
            self._loop.add_writer(sock, self._writable)

    def _wrote_all(self, _client: Any, _data: Any, sock: socket.socket) -> None:
        if sock.fileno() != -1:
            self._in_loop(self._loop.remove_writer, sock)

    def _in_loop(self, function: Callable[..., Any], *args: Any) -> None:
        if threading.get_ident() == self._loop_thread:
            function(*args)
        else:  # paho opens the socket in the executor thread that connects
            self._loop.call_soon_threadsafe(function, *args)

    def _readable(self) -> None:
        client = self._client
        for _ in range(MESSAGES_PER_READ):
            before = self.received
            result = client.loop_read()
            if result != MQTTErrorCode.MQTT_ERR_SUCCESS:
                self._end(f"connection lost ({paho.error_string(result)})")
                return
            if self.received == before and not client.buffered:
                sock = client.socket()
                # Drained, unless an SSL socket still holds decrypted bytes.
                if not (isinstance(sock, ssl.SSLSocket) and sock.pending()):
                    return
        # More to read, maybe only in the buffer (the socket would not wake the loop for it):
        # let other callbacks run, then go on.
        self._loop.call_soon(self._readable)

    def _writable(self) -> None:
        if self._client.loop_write() != MQTTErrorCode.MQTT_ERR_SUCCESS:
            self._end("connection lost while writing")

    def __str__(self) -> str:
        return self.describe()
