"""Webhook triggers: ``POST /connect/webhook/<webhook_id>`` fires the automations that
listen for that id. The id is the secret (at least 8 characters, chosen by whoever writes
the automation), as in Home Assistant; the answer never says whether anyone listens."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

import orjson
from aiohttp import web

from .triggers import Unsubscribe

if TYPE_CHECKING:
    from ..hub import Hub

_LOGGER = logging.getLogger(__name__)

ENDPOINT: Final = "webhook"
Received = Callable[[str, Any], None]


class Webhooks:
    """The webhook ids automations listen for (``hub.automations.webhooks``)."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._listeners: dict[str, list[tuple[list[str], Received]]] = {}

    def open(self) -> Unsubscribe:
        """Take requests at ``/connect/webhook/``; returns what closes it again."""
        return self.hub.http.endpoints.register(ENDPOINT, self._handle)

    def add(self, webhook_id: str, methods: list[str], received: Received) -> Unsubscribe:
        listeners = self._listeners.setdefault(webhook_id, [])
        item = (methods, received)
        listeners.append(item)

        def remove() -> None:
            listeners.remove(item)
            if not listeners:
                del self._listeners[webhook_id]

        return remove

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        webhook_id = request.match_info.get("rest", "")
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            try:
                body = orjson.loads(raw) if raw else None
            except orjson.JSONDecodeError:
                body = raw.decode("utf-8", "replace")
        for methods, received in list(self._listeners.get(webhook_id, ())):
            if request.method in methods:
                received(request.method, body)
        return web.json_response({"received": True})
