"""The connection to the broker: connect, subscribe, receive, and reconnect with backoff.

One :class:`MqttClient` per mqtt config entry runs a task that keeps a connection open
(:class:`~.connection.Connection`: MQTT on the hub's loop), and hands each message
to the subscriptions as it is read. After every (re)connection it subscribes to every
filter of the hub's :class:`~.subscriptions.Subscriptions` and publishes the birth
message, so devices that listen for it (zigbee2mqtt, Tasmota) publish their discovery
configs again. When the connection drops it waits 1, 2, 4 … up to 60 seconds (with a
little jitter) between tries.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from .connection import Connection, ConnectionFailed, MessageHandler, Payload
from .subscriptions import Subscriptions
from .topics import broker_filters, check_topic_name, covers, has_wildcard

if TYPE_CHECKING:
    from linli.hub import Hub

_LOGGER = logging.getLogger(__name__)

BACKOFF_FIRST: Final = 1.0  # seconds before the first reconnection attempt
BACKOFF_MAX: Final = 60.0
CONNECT_TIMEOUT: Final = 10.0  # seconds a connection attempt may take
SUBSCRIBE_BATCH: Final = 100  # filters per SUBSCRIBE packet
KEEPALIVE: Final = 60


class MqttNotConnected(Exception):
    """A publish while the hub has no connection to the broker."""


@dataclass(frozen=True, kw_only=True)
class BrokerSettings:
    """Where the broker is and how to log in; ``birth_topic`` gets "online", the will "offline"."""

    host: str
    port: int
    username: str | None = None
    password: str | None = None
    tls: bool = False
    tls_insecure: bool = False
    birth_topic: str | None = None

    def describe(self) -> str:
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


def _tls_context(settings: BrokerSettings) -> ssl.SSLContext | None:
    if not settings.tls:
        return None
    context = ssl.create_default_context()
    if settings.tls_insecure:  # a broker with a self-signed certificate, on the LAN
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def new_connection(settings: BrokerSettings, on_message: MessageHandler) -> Connection:
    """A connection to the broker of ``settings`` (not open yet)."""
    will = None if settings.birth_topic is None else (settings.birth_topic, "offline")
    return Connection(
        settings.host,
        settings.port,
        on_message=on_message,
        username=settings.username,
        password=settings.password,
        tls_context=_tls_context(settings),
        will=will,
        keepalive=KEEPALIVE,
    )


async def check_connection(settings: BrokerSettings, timeout: float = CONNECT_TIMEOUT) -> None:
    """Connect once and disconnect; raises ConnectionFailed saying why it cannot."""
    connection = new_connection(settings, lambda *_message: None)
    try:
        await connection.open(timeout)
    finally:
        await connection.close()


def backoff(attempt: int) -> float:
    """Seconds to wait before reconnection attempt ``attempt`` (1, 2, …), jittered by ±10%."""
    delay = min(BACKOFF_FIRST * 2 ** (attempt - 1), BACKOFF_MAX)
    return delay * random.uniform(0.9, 1.1)


class MqttClient:
    """Keeps the hub connected to one broker; ``on_connection(connected, reason)`` is told
    of every change."""

    def __init__(
        self,
        hub: Hub,
        settings: BrokerSettings,
        subscriptions: Subscriptions,
        on_connection: Callable[[bool, str | None], None],
    ) -> None:
        self._hub = hub
        self.settings = settings
        self._subscriptions = subscriptions
        self._on_connection = on_connection
        self._client: Connection | None = None
        self._task: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()
        self._attempted = asyncio.Event()  # the first connection attempt is over
        self._pending: dict[str, int] = {}  # filters to subscribe to while connected
        self._on_broker: set[str] = set()  # filters subscribed on the broker now
        self._leaving: set[str] = set()  # filters to unsubscribe from after the next subscribe
        self._flush: asyncio.Task[None] | None = None
        self.connections = 0  # successful connections so far
        self.received = 0  # messages received so far
        self.last_error: str | None = None
        self.login_refused = False  # the last attempt failed on the username or password

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def start(self) -> None:
        """Start connecting in the background."""
        if self._task is None:
            self._subscriptions.on_filter_added = self._filter_added
            self._subscriptions.on_filter_removed = self._filter_removed
            # Not a hub task: it runs until the entry unloads, and block_till_done must not
            # wait for it.
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name=f"mqtt connection to {self.settings.describe()}"
            )

    async def first_attempt(self, timeout: float) -> bool:
        """Wait for the first connection attempt to succeed or fail; whether it succeeded."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._attempted.wait()
        return self.connected

    async def subscribed(self) -> None:
        """Wait until the broker has acknowledged the filters added so far (when connected)."""
        if self._flush is not None and not self._flush.done():
            await asyncio.shield(self._flush)

    async def stop(self) -> None:
        """Disconnect (sending the will is left to the broker) and stop reconnecting."""
        self._subscriptions.on_filter_added = None
        self._subscriptions.on_filter_removed = None
        for task in (self._flush, self._task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._task = self._flush = None

    async def publish(
        self, topic: str, payload: Payload, qos: int = 0, retain: bool = False
    ) -> None:
        """Publish one message; raises MqttNotConnected while there is no connection."""
        check_topic_name(topic)
        client = self._client
        if client is None or not self.connected:
            raise MqttNotConnected(
                f"cannot publish to {topic}: not connected to {self.settings.describe()}"
            )
        try:
            await client.publish(topic, payload, qos, retain)
        except ConnectionFailed as error:
            raise MqttNotConnected(f"cannot publish to {topic}: {error}") from error

    # -- the connection loop -----------------------------------------------------------------

    async def _run(self) -> None:
        attempt = 0
        while True:
            connection = new_connection(self.settings, self._message)
            try:
                await connection.open(CONNECT_TIMEOUT)
                attempt = 0
                reason = await self._session(connection)
                self._lost(reason, False)
            except ConnectionFailed as error:
                self._lost(str(error), error.login_refused)
            except Exception as error:  # a bug must not end the connection for good
                _LOGGER.exception("Unexpected error in the MQTT connection")
                self._lost(f"{type(error).__name__}: {error}", False)
            except asyncio.CancelledError:
                self._client = None
                self._connected.clear()
                await asyncio.shield(connection.close())
                raise
            await connection.close()
            attempt += 1
            delay = backoff(attempt)
            _LOGGER.info(
                "Reconnecting to %s in %.1f s (attempt %d)",
                self.settings.describe(),
                delay,
                attempt,
            )
            await asyncio.sleep(delay)

    async def _session(self, client: Connection) -> str:
        """One connection: subscribe to everything, say we are online, then receive until
        it ends; returns why it ended."""
        self._client = client
        self._pending.clear()
        self._leaving.clear()
        filters = broker_filters(self._subscriptions.filters())
        self._on_broker = set(filters)
        await self._subscribe(client, filters)
        if self.settings.birth_topic:
            await client.publish(self.settings.birth_topic, "online", 1, False)
        self.connections += 1
        self.last_error = None
        self.login_refused = False
        self._connected.set()
        self._attempted.set()
        _LOGGER.info("Connected to MQTT broker %s", self.settings.describe())
        self._on_connection(True, None)
        return await client.closed

    def _message(self, topic: str, payload: bytes, qos: int, retain: bool) -> None:
        self.received += 1
        self._subscriptions.dispatch(topic, payload, qos, retain)

    def _lost(self, reason: str, login_refused: bool) -> None:
        self._client = None
        self.login_refused = login_refused
        was_connected = self.connected
        self._connected.clear()
        self.last_error = reason
        self._attempted.set()
        if was_connected:
            _LOGGER.warning("Lost the connection to %s: %s", self.settings.describe(), reason)
        else:
            _LOGGER.warning("Cannot connect to %s: %s", self.settings.describe(), reason)
        self._on_connection(False, reason)

    @staticmethod
    async def _subscribe(client: Connection, filters: dict[str, int]) -> None:
        items = list(filters.items())
        for start in range(0, len(items), SUBSCRIBE_BATCH):
            await client.subscribe(items[start : start + SUBSCRIBE_BATCH])

    # -- filters added and removed while connected ------------------------------------------

    def _filter_added(self, topic_filter: str, qos: int) -> None:
        """Subscribe on the broker, unless a wider filter there covers it: then subscribe
        that one again, so the new subscriber gets the retained messages too."""
        if not self.connected:
            return  # subscribed with all the others at the next connection
        covering = [f for f in self._on_broker if f != topic_filter and covers(f, topic_filter)]
        if covering:
            for wide in covering:
                self._pending[wide] = max(qos, self._pending.get(wide, 0))
        else:
            self._pending[topic_filter] = qos
            self._on_broker.add(topic_filter)
            if has_wildcard(topic_filter):
                for narrow in [f for f in self._on_broker if f != topic_filter]:
                    if covers(topic_filter, narrow):
                        self._on_broker.discard(narrow)
                        self._leaving.add(narrow)
        self._schedule_flush()

    def _filter_removed(self, topic_filter: str) -> None:
        """Unsubscribe on the broker; the filters it covered get subscribed on their own."""
        self._pending.pop(topic_filter, None)
        if topic_filter not in self._on_broker or not self.connected:
            return
        self._on_broker.discard(topic_filter)
        self._leaving.add(topic_filter)
        if has_wildcard(topic_filter):
            for narrow, qos in self._subscriptions.filters().items():
                if covers(topic_filter, narrow):
                    self._filter_added(narrow, qos)
        self._schedule_flush()

    def _schedule_flush(self) -> None:
        if self._flush is None or self._flush.done():
            self._flush = self._hub.create_task(self._flush_pending(), "mqtt subscribe")

    async def _flush_pending(self) -> None:
        """Subscribe to the filters added since the last flush, many per packet; then leave
        the filters no longer needed (after: a wider filter may be taking over)."""
        await asyncio.sleep(0)  # let a burst of subscriptions gather
        while (self._pending or self._leaving) and (client := self._client) is not None:
            batch, self._pending = self._pending, {}
            leaving, self._leaving = self._leaving - self._on_broker, set()
            try:
                await self._subscribe(client, batch)
                if leaving:
                    await client.unsubscribe(sorted(leaving))
            except ConnectionFailed as error:
                _LOGGER.debug("Subscribing failed (%s); done again at reconnection", error)
                return
