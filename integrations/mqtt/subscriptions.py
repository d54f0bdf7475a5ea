"""Who listens to which topics: the hub-wide subscriptions that survive reconnects.

Integrations subscribe whether or not the broker is connected; the client subscribes to
every filter here each time it connects. A message is decoded once per encoding and
handed to every callback whose filter matches; a callback that fails is logged with the
topic, and the others still get the message.

The broker sends a topic's retained message when a filter is subscribed, so a second
subscriber of a filter the hub already has would never see it (an entity subscribing to
``zigbee2mqtt/bridge/state``, which the hub follows already): the client subscribes to the
filter again, and the earlier subscribers get the retained message once more, as they
would after a reconnection.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from .bad_input import BadInput
from .topics import TopicTree

if TYPE_CHECKING:
    from linli.hub import Hub

_LOGGER = logging.getLogger(__name__)

DEFAULT_ENCODING: Final = "utf-8"


@dataclass(frozen=True, slots=True)
class ReceivedMessage:
    """One message as a subscriber gets it; ``payload`` is text unless it asked for bytes."""

    topic: str
    payload: str | bytes
    qos: int
    retain: bool
    subscribed_topic: str


MessageCallback = Callable[[ReceivedMessage], Awaitable[None] | None]


@dataclass(eq=False, slots=True)
class Subscription:
    topic_filter: str
    callback: MessageCallback
    qos: int
    encoding: str | None  # None: the payload stays bytes


def combined(unsubscribes: list[Callable[[], None]]) -> Callable[[], None]:
    """One function that calls each of ``unsubscribes`` (once)."""

    def unsubscribe_all() -> None:
        while unsubscribes:
            unsubscribes.pop()()

    return unsubscribe_all


class Subscriptions:
    """Every subscription of the hub, filed in a topic tree.

    ``on_filter_added(topic_filter, qos)`` tells the client when a filter gains a
    subscriber, ``on_filter_removed(topic_filter)`` when it loses its last.
    """

    def __init__(self, hub: Hub, bad_input: BadInput) -> None:
        self._hub = hub
        self._bad_input = bad_input
        self._tree: TopicTree[Subscription] = TopicTree()
        self._qos: dict[str, int] = {}
        self.on_filter_added: Callable[[str, int], None] | None = None
        self.on_filter_removed: Callable[[str], None] | None = None

    def __len__(self) -> int:
        return len(self._tree)

    def filters(self) -> dict[str, int]:
        """Each subscribed filter with the highest QoS a subscriber asked for."""
        return dict(self._qos)

    def add(
        self,
        topic_filter: str,
        callback: MessageCallback,
        qos: int = 0,
        encoding: str | None = DEFAULT_ENCODING,
    ) -> Callable[[], None]:
        """Subscribe ``callback`` to ``topic_filter``; returns the function that unsubscribes."""
        if qos not in (0, 1, 2):
            raise ValueError(f"QoS is 0, 1 or 2, got {qos!r}")
        subscription = Subscription(topic_filter, callback, qos, encoding)
        self._tree.add(topic_filter, subscription)
        self._qos[topic_filter] = max(qos, self._qos.get(topic_filter, 0))
        if self.on_filter_added is not None:
            self.on_filter_added(topic_filter, self._qos[topic_filter])

        def remove() -> None:
            if self._tree.remove(topic_filter, subscription):
                self._qos.pop(topic_filter, None)
                if self.on_filter_removed is not None:
                    self.on_filter_removed(topic_filter)

        return remove

    def dispatch(self, topic: str, payload: bytes, qos: int, retain: bool) -> None:
        """Hand one message to every matching subscriber."""
        decoded: dict[str | None, str | bytes | None] = {None: payload}
        for subscription in list(self._tree.match(topic)):
            self._deliver(subscription, topic, payload, qos, retain, decoded)

    def _deliver(
        self,
        subscription: Subscription,
        topic: str,
        payload: bytes,
        qos: int,
        retain: bool,
        decoded: dict[str | None, str | bytes | None],
    ) -> None:
        """Decode (once per encoding, kept in ``decoded``) and call the subscriber."""
        encoding = subscription.encoding
        if encoding not in decoded:
            try:
                decoded[encoding] = payload.decode(encoding)  # type: ignore[arg-type]
            except (UnicodeDecodeError, LookupError) as error:
                decoded[encoding] = None
                self._bad_input.drop(topic, "invalid_encoding", str(error))
        text = decoded[encoding]
        if text is not None:
            message = ReceivedMessage(topic, text, qos, retain, subscription.topic_filter)
            self._call(subscription, message)

    def _call(self, subscription: Subscription, message: ReceivedMessage) -> None:
        try:
            result = subscription.callback(message)
        except Exception:
            _LOGGER.exception(
                "Error handling the MQTT message on %s (subscribed as %s)",
                message.topic,
                subscription.topic_filter,
            )
            return
        if result is not None and asyncio.iscoroutine(result):
            self._hub.create_task(
                self._awaited(result, message, subscription.topic_filter),
                f"mqtt message on {message.topic}",
            )

    @staticmethod
    async def _awaited(
        result: Awaitable[None], message: ReceivedMessage, topic_filter: str
    ) -> None:
        try:
            await result
        except Exception:
            _LOGGER.exception(
                "Error handling the MQTT message on %s (subscribed as %s)",
                message.topic,
                topic_filter,
            )
