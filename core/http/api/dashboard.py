"""``GET /api/dashboard``: the community's key figures for operators (see :mod:`linli.figures`)."""

from __future__ import annotations

from aiohttp import web

from ...auth.permissions import Action
from .. import access
from ..view import hub_of, json_response

routes = web.RouteTableDef()


@routes.get("/api/dashboard")
async def dashboard(request: web.Request) -> web.Response:
    access.require(request, Action.read_figures)
    return json_response(await hub_of(request).figures.collect())
