"""``/api/services``: list the services, call one."""

from __future__ import annotations

import orjson
from aiohttp import web

from ...auth.permissions import Action
from ...const import EVENT_STATE_CHANGED
from ...events import Event, EventData
from ...exceptions import ServiceForbidden, ServiceNotFound, ServiceValidationError
from ...states import State
from .. import access
from ..view import (
    ApiError,
    context_of,
    hub_of,
    invalid,
    json_array,
    json_bytes_response,
    json_response,
    not_found,
    read_object,
)

routes = web.RouteTableDef()

_TRUE = ("", "1", "true")
_FALSE = ("0", "false")


@routes.get("/api/services")
async def get_services(request: web.Request) -> web.Response:
    """Every service by domain: ``[{"domain": …, "services": {name: {…}}}]``."""
    access.require(request, Action.read_services)
    return json_response(
        [
            {
                "domain": domain,
                "services": {
                    name: {"supports_response": service.supports_response}
                    for name, service in services.items()
                },
            }
            for domain, services in hub_of(request).services.services().items()
        ]
    )


def _return_response(request: web.Request) -> bool:
    value = request.query.get("return_response")
    if value is None or value.lower() in _FALSE:
        return False
    if value.lower() in _TRUE:
        return True
    raise invalid(
        f"Query parameter return_response must be true or false, got {value!r}", "return_response"
    )


@routes.post("/api/services/{domain}/{service}")
async def call_service(request: web.Request) -> web.Response:
    """Call a service with the body as its data; answer the states it changed.

    With ``?return_response`` the answer is ``{"changed_states": […], "service_response":
    {…}}``. The caller must control every entity and device the call targets (an entity
    they may not see is a 404); a call without a target is for operators and admins.
    """
    domain, service = request.match_info["domain"], request.match_info["service"]
    return_response = _return_response(request)
    data = await read_object(request, f"The data of service {domain}.{service}")
    who = access.who(request)
    who.require_service_targets(data)
    hub = hub_of(request)
    context = context_of(request)
    changed: dict[str, State] = {}

    def caused_by_call(data: EventData) -> bool:
        return data["new_state"] is not None and data["new_state"].context == context

    def collect(event: Event) -> None:
        changed[event.data["entity_id"]] = event.data["new_state"]

    unsubscribe = hub.bus.listen(EVENT_STATE_CHANGED, collect, caused_by_call)
    try:
        response = await hub.services.call(
            domain, service, data, context=context, return_response=return_response
        )
    except ServiceNotFound as error:
        raise not_found(str(error)) from None
    except ServiceValidationError as error:
        raise invalid(str(error), error.field) from None
    except ServiceForbidden as error:
        raise ApiError(403, "forbidden", str(error)) from None
    finally:
        unsubscribe()
    # What the call changed besides its targets is shown only as far as the caller sees.
    states = json_array(state.json for state in changed.values() if who.may_see(state.entity_id))
    if not return_response:
        return json_bytes_response(states)
    return json_bytes_response(
        b'{"changed_states":' + states + b',"service_response":' + orjson.dumps(response) + b"}"
    )
