"""``POST /api/events/{event_type}``: fire an event with the body as its data."""

from __future__ import annotations

import re
from typing import Final

from aiohttp import web

from ...auth.permissions import Action
from ...config_entries.manager import EVENT_CONFIG_ENTRY_UPDATED
from ...const import (
    EVENT_CALL_SERVICE,
    EVENT_HUB_STARTED,
    EVENT_HUB_STOP,
    EVENT_SERVICE_REGISTERED,
    EVENT_SERVICE_REMOVED,
    EVENT_STATE_CHANGED,
)
from ...registry.areas import EVENT_AREA_REGISTRY_UPDATED
from ...registry.devices import EVENT_DEVICE_REGISTRY_UPDATED
from ...registry.entities import EVENT_ENTITY_REGISTRY_UPDATED
from .. import access
from ..view import context_of, hub_of, invalid, json_response, read_object

routes = web.RouteTableDef()

_EVENT_TYPE = re.compile(r"^[a-z0-9_.]{1,64}$")

# Fired by the hub alone: their listeners rely on what the hub puts in them (State objects,
# a registry change that happened), so the API may not fire them.
HUB_EVENTS: Final = frozenset(
    {
        EVENT_STATE_CHANGED,
        EVENT_CALL_SERVICE,
        EVENT_SERVICE_REGISTERED,
        EVENT_SERVICE_REMOVED,
        EVENT_HUB_STARTED,
        EVENT_HUB_STOP,
        EVENT_AREA_REGISTRY_UPDATED,
        EVENT_DEVICE_REGISTRY_UPDATED,
        EVENT_ENTITY_REGISTRY_UPDATED,
        EVENT_CONFIG_ENTRY_UPDATED,
    }
)


@routes.post("/api/events/{event_type}")
async def fire_event(request: web.Request) -> web.Response:
    """Operators and admins fire events: their listeners trust what an event says."""
    access.require(request, Action.fire_event)
    event_type = request.match_info["event_type"]
    if not _EVENT_TYPE.match(event_type):
        raise invalid(
            f"{event_type!r} is not a valid event type: expected up to 64 lower-case letters, "
            "digits, underscores and dots",
            "event_type",
        )
    if event_type in HUB_EVENTS:
        raise invalid(f"Only the hub fires {event_type!r} events", "event_type")
    data = await read_object(request, f"The data of event {event_type}")
    hub_of(request).bus.fire(event_type, data, context_of(request))
    return json_response({"message": f"Event {event_type} fired"})
