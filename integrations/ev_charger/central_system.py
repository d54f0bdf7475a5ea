"""The site's OCPP endpoint: charge points connect to ``ws://hub/connect/<endpoint>/<id>``.

A charge point must offer the WebSocket subprotocol ``ocpp1.6``. One that is not
registered is refused before the upgrade (404) unless the site registers newcomers on
their own; with a site password (OCPP 1.6 security profile 1) each must also send HTTP
Basic credentials: its own id and the password. A charge point that connects again
replaces its older connection.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import logging
import re
from typing import TYPE_CHECKING, Final

from aiohttp import hdrs, web

from linli.http.endpoints import close_at_stop
from linli.http.view import ApiError

from .const import SUBPROTOCOL
from .protocol import CentralSystemHandler
from .transport import ConnectionClosed

if TYPE_CHECKING:
    from .site import ChargingSite

_LOGGER = logging.getLogger(__name__)

CHARGE_POINT_ID: Final = re.compile(r"^[A-Za-z0-9._:-]{1,48}$")  # OCPP's CiString48, URL-safe


class CentralSystem:
    """Accepts the site's charge points and keeps a handler per connected one."""

    def __init__(self, site: ChargingSite) -> None:
        self.site = site
        self.handlers: dict[str, CentralSystemHandler] = {}

    async def handle(self, request: web.Request) -> web.StreamResponse:
        charge_point_id = request.match_info["rest"]
        self._admit(request, charge_point_id)
        socket = web.WebSocketResponse(protocols=(SUBPROTOCOL,))
        await socket.prepare(request)
        forget = close_at_stop(request, socket)
        if (older := self.handlers.get(charge_point_id)) is not None:
            await older.socket.close(message=b"Replaced by a new connection")
        await self.site.register(charge_point_id)
        handler = CentralSystemHandler(charge_point_id, socket, self.site)
        self.handlers[charge_point_id] = handler
        self.site.connected(charge_point_id, handler)
        _LOGGER.info("Charge point %s connected", charge_point_id)
        prepare = self.site.hub.create_task(self._prepare(handler), f"prepare {charge_point_id}")
        try:
            await handler.start()
        except ConnectionClosed:
            pass
        finally:
            prepare.cancel()
            forget()
            if self.handlers.get(charge_point_id) is handler:
                del self.handlers[charge_point_id]
            self.site.disconnected(charge_point_id, handler)
            _LOGGER.info("Charge point %s disconnected", charge_point_id)
        return socket

    async def _prepare(self, handler: CentralSystemHandler) -> None:
        """No session draws power before load management gives it a share."""
        try:
            if not await handler.set_default_limit(0):
                _LOGGER.warning("Charge point %s refused the default limit of 0 W", handler.id)
            await self.site.rebalance()
        except TimeoutError:
            _LOGGER.warning("Charge point %s did not answer its limits", handler.id)

    def _admit(self, request: web.Request, charge_point_id: str) -> None:
        """Refuse a charge point (with the reason) before the WebSocket upgrade."""
        if not CHARGE_POINT_ID.match(charge_point_id):
            raise ApiError(
                400,
                "invalid_charge_point_id",
                f"{charge_point_id!r} is not a charge point id: 1 to 48 letters, digits, "
                "'.', '_', ':' or '-' after /connect/<endpoint>/",
            )
        if not self.site.may_connect(charge_point_id):
            raise ApiError(
                404,
                "unknown_charge_point",
                f"Charge point {charge_point_id} is not registered with {self.site.settings.name}",
            )
        password = self.site.settings.password
        if password is not None and not _basic_auth_matches(request, charge_point_id, password):
            raise ApiError(
                401,
                "unauthorized",
                f"Charge point {charge_point_id} must authenticate: HTTP Basic, its id and "
                "the site's password",
            )
        offered = request.headers.get(hdrs.SEC_WEBSOCKET_PROTOCOL, "")
        if SUBPROTOCOL not in (protocol.strip() for protocol in offered.split(",")):
            raise ApiError(
                400,
                "unsupported_subprotocol",
                f"Charge point {charge_point_id} must offer the WebSocket subprotocol "
                f"{SUBPROTOCOL} (offered: {offered or 'none'})",
            )

    async def close(self) -> None:
        await asyncio.gather(
            *(handler.socket.close() for handler in list(self.handlers.values())),
            return_exceptions=True,
        )


def _basic_auth_matches(request: web.Request, user: str, password: str) -> bool:
    scheme, _, encoded = request.headers.get(hdrs.AUTHORIZATION, "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        given_user, _, given_password = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return given_user == user and hmac.compare_digest(given_password, password)
