"""The REST API under ``/api/``: one module per group of resources, each with its routes."""

from aiohttp import web

from . import config, events, info, registry, services, states, websocket

ROUTES: tuple[web.RouteTableDef, ...] = (
    info.routes,
    states.routes,
    services.routes,
    events.routes,
    config.routes,
    registry.routes,
    websocket.routes,
)
