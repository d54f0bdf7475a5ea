"""Endpoints that devices and vendors' systems call, outside the token-guarded API.

An integration registers a handler under a name; requests to ``/connect/<name>/<rest>``
(any method, WebSocket upgrades too) go to it, with ``rest`` as ``request.match_info
["rest"]``. A charge point connects to ``ws://hub:8123/connect/ocpp/CP-0042``; a courier
system posts to ``/connect/lockers/parcels``. Such callers hold no user's token: the
handler checks them by their own means (a registered charge point's password, an HMAC
signature) and refuses everything else. Nothing registered under the name: 404.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Final

from aiohttp import web

from ..events import Unsubscribe
from .api.websocket import CONNECTIONS
from .view import ApiError

PATH: Final = "/connect/{name}/{rest:.*}"
_NAME: Final = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

EndpointHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_endpoint_name(name: str) -> bool:
    """Whether ``name`` can be an endpoint's: one lower-case path segment."""
    return _NAME.match(name) is not None


class Endpoints:
    """The handlers by name (``hub.http.endpoints``)."""

    def __init__(self) -> None:
        self._handlers: dict[str, EndpointHandler] = {}

    def __contains__(self, name: object) -> bool:
        return name in self._handlers

    def register(self, name: str, handler: EndpointHandler) -> Unsubscribe:
        """Send ``/connect/<name>/…`` to ``handler``; returns what removes it."""
        if not is_endpoint_name(name):
            raise ValueError(
                f"{name!r} is not an endpoint name: lower-case letters, digits, - and _, at most 64"
            )
        if name in self._handlers:
            raise ValueError(f"The endpoint /connect/{name}/ is taken")
        self._handlers[name] = handler

        def remove() -> None:
            if self._handlers.get(name) is handler:
                del self._handlers[name]

        return remove

    async def dispatch(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        handler = self._handlers.get(name)
        if handler is None:
            raise ApiError(404, "not_found", f"No endpoint /connect/{name}/ on this hub")
        return await handler(request)


def close_at_stop(request: web.Request, socket: web.WebSocketResponse) -> Unsubscribe:
    """Have the server close an endpoint's WebSocket when it stops, as it closes the
    API's; returns what forgets it (call it once the socket is closed)."""
    sockets: set[web.WebSocketResponse] = request.app[CONNECTIONS]
    sockets.add(socket)
    return lambda: sockets.discard(socket)
