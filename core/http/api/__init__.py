"""The REST API under ``/api/``: one module per group of resources, each with its routes."""

from aiohttp import web

from . import (
    alarms,
    auth,
    automations,
    community,
    config,
    dashboard,
    events,
    history,
    info,
    integrations,
    metering,
    openapi,
    privacy,
    proposals,
    registry,
    services,
    states,
    websocket,
)

ROUTES: tuple[web.RouteTableDef, ...] = (
    info.routes,
    openapi.routes,
    states.routes,
    services.routes,
    events.routes,
    config.routes,
    integrations.routes,
    registry.routes,
    history.routes,
    community.routes,
    proposals.routes,
    privacy.routes,
    metering.routes,
    dashboard.routes,
    alarms.routes,
    automations.routes,
    websocket.routes,
    auth.routes,
)
