"""``GET /api/``: the hub's name, version and state."""

from __future__ import annotations

from aiohttp import web

from ... import __version__
from ..view import hub_of, json_response

routes = web.RouteTableDef()


@routes.get("/api/")
async def hub_info(request: web.Request) -> web.Response:
    hub = hub_of(request)
    return json_response(
        {
            "name": hub.config.name,
            "version": __version__,
            "state": hub.state,
            "time_zone": hub.config.time_zone,
            "language": hub.config.language,
        }
    )
