"""``/api/config``: config entries (list, reload, remove) and their flows.

Config flows (``/api/config/flows``) make entries; options flows
(``/api/config/options/flows``, handler = an entry id) change an entry's options. A flow
belongs to the user whose token started it. A household sees its own entries and adds its
own devices (the entry is for its household); its household admin manages them; operators
the community's; admins all (:mod:`linli.auth.permissions`).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ...auth.permissions import Action
from ...config_entries import ConfigEntry
from ...config_entries.manager import UnknownEntry
from ...exceptions import ConfigEntryError, InvalidFlowInput, UnknownFlow, UnknownHandler
from ...flows.handler import FlowResult, FlowResultType
from .. import access
from ..view import (
    ApiError,
    caller,
    describe_type,
    field_of,
    hub_of,
    invalid,
    json_response,
    not_found,
    read_json,
    read_object,
)
from .flow_kinds import FLOW_KINDS, FlowKind

routes = web.RouteTableDef()


def entry_json(entry: ConfigEntry) -> dict[str, Any]:
    """An entry as the API shows it: without ``data`` and ``options``, which may hold
    passwords and keys."""
    return {
        "entry_id": entry.id,
        "domain": entry.domain,
        "title": entry.title,
        "source": entry.source,
        "state": entry.state,
        "reason": entry.reason,
        "disabled_by": entry.disabled_by,
        "household_id": entry.household_id,
        "unique_id": entry.unique_id,
        "version": entry.version,
        "minor_version": entry.minor_version,
        "created_at": entry.created_at,
        "modified_at": entry.modified_at,
    }


def _entry(request: web.Request) -> ConfigEntry:
    """The path's entry, if the caller may manage it (else a 404 or a 403)."""
    entry_id = request.match_info["entry_id"]
    entry = hub_of(request).config_entries.get(entry_id)
    if entry is None:
        raise not_found(str(UnknownEntry(entry_id)))
    access.require(request, Action.manage_devices, entry)
    return entry


@routes.get("/api/config/entries")
async def list_entries(request: web.Request) -> web.Response:
    """The config entries the caller may see, oldest first; ``?domain=`` for one
    integration's."""
    who = access.who(request)
    entries = hub_of(request).config_entries.entries(request.query.get("domain"))
    return json_response(
        [entry_json(entry) for entry in entries if who.may(Action.read_config_entries, entry)]
    )


@routes.post("/api/config/entries/{entry_id}/reload")
async def reload_entry(request: web.Request) -> web.Response:
    """Unload and set up an entry again; answers whether it is loaded, and the entry."""
    entry = _entry(request)
    try:
        loaded = await hub_of(request).config_entries.reload(entry.id)
    except ConfigEntryError as error:  # e.g. a setup of the entry is already under way
        raise ApiError(409, "conflict", str(error)) from None
    return json_response({"loaded": loaded, "entry": entry_json(entry)})


@routes.delete("/api/config/entries/{entry_id}")
async def remove_entry(request: web.Request) -> web.Response:
    """Unload and remove an entry, with the devices and entities it made."""
    entry = _entry(request)
    await hub_of(request).config_entries.remove(entry.id)
    return json_response({"entry_id": entry.id, "removed": True})


def flow_json(result: FlowResult) -> dict[str, Any]:
    """A step's result for the web app; a finished flow shows the entry, not its data."""
    data = result.as_dict()
    if result.type is FlowResultType.create_entry:
        data.pop("data", None)
        if isinstance(result.result, ConfigEntry):
            data["result"] = entry_json(result.result)
    return data


def _flow_routes(kind: FlowKind) -> None:
    """Routes to start (``POST path``), continue and abort (``path/{flow_id}``) flows."""
    path, manager_of = kind.path, kind.manager_of

    @routes.post(path)
    async def start_flow(request: web.Request) -> web.Response:
        """Start a flow: ``{"handler": …, "household_id": …}`` (``household_id``, for a
        config flow of a device, only if the caller belongs to several households or
        adds the device for another)."""
        body = await read_object(request, "The flow to start")
        handler = field_of(body, "handler", str, required=True)
        household_id = field_of(body, "household_id", str)
        context = kind.context_for(access.who(request), handler, household_id)
        try:
            result = await manager_of(hub_of(request)).init(handler, context=context)
        except UnknownHandler as error:
            raise not_found(str(error)) from None
        return json_response(flow_json(result))

    @routes.post(path + "/{flow_id}")
    async def continue_flow(request: web.Request) -> web.Response:
        """Submit the form a flow waits on; an empty body shows the form again."""
        user_input = await read_json(request)
        if user_input is not None and not isinstance(user_input, dict):
            got = describe_type(user_input)
            raise invalid(f"The form's input must be a JSON object, got {got}")
        manager = manager_of(hub_of(request))
        try:
            result = await manager.configure(
                request.match_info["flow_id"], user_input, user_id=caller(request).user_id
            )
        except UnknownFlow as error:
            raise not_found(str(error)) from None
        except InvalidFlowInput as error:
            raise invalid(str(error)) from None
        return json_response(flow_json(result))

    @routes.delete(path + "/{flow_id}")
    async def abort_flow(request: web.Request) -> web.Response:
        flow_id = request.match_info["flow_id"]
        try:
            manager_of(hub_of(request)).abort(flow_id, user_id=caller(request).user_id)
        except UnknownFlow as error:
            raise not_found(str(error)) from None
        return json_response({"flow_id": flow_id, "aborted": True})


for kind in FLOW_KINDS:
    _flow_routes(kind)
