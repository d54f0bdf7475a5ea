"""Integrations that list topic filters under ``mqtt`` in their manifests are offered a
config flow (source ``mqtt``) when a message arrives on one of those topics, as
Home Assistant does: ``async_step_mqtt(discovery_info)`` gets the topic and payload.

Each (integration, topic) is offered once while the hub runs; the flow's unique id keeps
a device that is already configured from being offered again. The offers wait in a queue
and start one at a time: after a restart every zigbee2mqtt device reports within its
interval, thousands of new topics at once, and starting all their flows in one go would
hold up the loop for a second or more.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from linli.config_entries import EntrySource
from linli.exceptions import UnknownHandler
from linli.flows import FlowContext, FlowResultType

from .const import DOMAIN
from .subscriptions import ReceivedMessage, combined

if TYPE_CHECKING:
    from .models import MqttData

_LOGGER = logging.getLogger(__name__)


class IntegrationFlows:
    """Subscribes to the manifests' topics and starts the flows."""

    def __init__(self, data: MqttData) -> None:
        self._data = data
        self._offered: set[tuple[str, str]] = set()
        self._waiting: deque[tuple[str, ReceivedMessage]] = deque()
        self._worker: asyncio.Task[None] | None = None

    def start(self) -> Callable[[], None]:
        """Subscribe to every topic a manifest lists; returns the function that stops."""
        stops = [self._stop_worker]
        for integration in self._data.hub.integrations.catalog.all():
            if integration.domain == DOMAIN:
                continue
            for topic_filter in integration.manifest.mqtt:
                stops.append(
                    self._data.subscriptions.add(topic_filter, self._handler(integration.domain))
                )
        return combined(stops)

    def _stop_worker(self) -> None:
        self._waiting.clear()
        if self._worker is not None:
            self._worker.cancel()
            self._worker = None

    def _handler(self, domain: str) -> Callable[[ReceivedMessage], None]:
        # Plain, not a coroutine: every message on the topic comes here (every zigbee2mqtt
        # device's state), and only the first of each topic is queued.
        def received(message: ReceivedMessage) -> None:
            if (domain, message.topic) in self._offered or not message.payload:
                return
            self._offered.add((domain, message.topic))
            self._waiting.append((domain, message))
            if self._worker is None or self._worker.done():
                self._worker = self._data.hub.create_task(self._offer_all(), "mqtt offers")

        return received

    async def _offer_all(self) -> None:
        while self._waiting:
            domain, message = self._waiting.popleft()
            await self._offer(domain, message)
            await asyncio.sleep(0)  # let the loop read sockets and run timers between offers

    async def _offer(self, domain: str, message: ReceivedMessage) -> None:
        info = {
            "topic": message.topic,
            "payload": message.payload,
            "qos": message.qos,
            "retain": message.retain,
            "subscribed_topic": message.subscribed_topic,
        }
        context = FlowContext(source=EntrySource.mqtt, discovery_info=info)
        try:
            result = await self._data.hub.config_entries.flow.init(domain, context=context)
        except UnknownHandler as error:
            _LOGGER.warning("MQTT message on %s for %s, but: %s", message.topic, domain, error)
            return
        except Exception:
            _LOGGER.exception("MQTT discovery flow of %s for %s failed", domain, message.topic)
            return
        if result.type is FlowResultType.abort:
            _LOGGER.debug("%s not offered to %s: %s", message.topic, domain, result.reason)
        else:
            _LOGGER.info("%s offered to %s: flow %s", message.topic, domain, result.flow_id)
