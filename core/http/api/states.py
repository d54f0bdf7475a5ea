"""``/api/states``: read every state or one, write one.

States go out as the bytes :attr:`State.json` cached: never serialised again here.
"""

from __future__ import annotations

from aiohttp import web

from ...auth.permissions import Action
from ...exceptions import InvalidEntityIdError, InvalidStateError
from ...states import valid_entity_id
from .. import access
from ..view import (
    context_of,
    field_of,
    hub_of,
    invalid,
    json_array,
    json_bytes_response,
    only_fields,
    read_object,
)

routes = web.RouteTableDef()

WRITABLE_FIELDS = ("state", "attributes", "force_update")


@routes.get("/api/states")
async def get_states(request: web.Request) -> web.Response:
    return json_bytes_response(json_array(state.json for state in access.visible_states(request)))


@routes.get("/api/states/{entity_id}")
async def get_state(request: web.Request) -> web.Response:
    return json_bytes_response(access.visible_state(request, request.match_info["entity_id"]).json)


@routes.post("/api/states/{entity_id}")
async def set_state(request: web.Request) -> web.Response:
    """Write a state: ``{"state": "on", "attributes": {...}, "force_update": false}``.

    Answers 201 with the state if the entity had none, else 200. Writing the state of an
    entity the hub does not know makes one of the community's.
    """
    entity_id = request.match_info["entity_id"]
    if not valid_entity_id(entity_id):
        raise invalid(str(InvalidEntityIdError(entity_id)), "entity_id")
    hub = hub_of(request)
    access.require(request, Action.write_state, access.state_target(hub, entity_id))
    body = await read_object(request, "The new state")
    only_fields(body, WRITABLE_FIELDS)
    new_state = field_of(body, "state", str, required=True)
    attributes = field_of(body, "attributes", dict)
    force_update = field_of(body, "force_update", bool) or False
    existed = hub.states.get(entity_id) is not None
    try:
        state = hub.states.set(
            entity_id,
            new_state,
            attributes,
            force_update=force_update,
            context=context_of(request),
        )
    except InvalidStateError as error:
        raise invalid(str(error), "state") from None
    response = json_bytes_response(state.json, 200 if existed else 201)
    response.headers["Location"] = f"/api/states/{entity_id}"
    return response
