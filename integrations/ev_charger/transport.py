"""What both ends of an OCPP-J connection share: an aiohttp WebSocket (the hub's or a
charge point's) as the ``ocpp`` package expects a connection, and OCPP's time stamps."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import ClientWebSocketResponse, WSMsgType, web


class ConnectionClosed(Exception):
    """The other end's WebSocket closed."""


class WebSocketConnection:
    """``recv``/``send`` over an aiohttp WebSocket; ``recv`` raises
    :class:`ConnectionClosed` once it closes."""

    def __init__(self, socket: web.WebSocketResponse | ClientWebSocketResponse) -> None:
        self.socket = socket

    async def recv(self) -> str:
        message = await self.socket.receive()
        if message.type is WSMsgType.TEXT:
            return message.data
        if message.type is WSMsgType.BINARY:
            return message.data.decode("utf-8", "replace")
        raise ConnectionClosed

    async def send(self, text: str) -> None:
        await self.socket.send_str(text)


def ocpp_time() -> str:
    """Now, as OCPP writes it: ISO 8601 in UTC with a ``Z``."""
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")
