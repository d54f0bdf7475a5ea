"""``/api/registry``: the devices, entities and areas of the community, as far as the
caller may see them (a household: its own and the shared ones)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import Any

from aiohttp import web

from ...auth.permissions import Action
from ...registry.base import Record
from ...registry.store import plain_value
from .. import access
from ..view import hub_of, json_response

routes = web.RouteTableDef()


def record_json(record: Record) -> dict[str, Any]:
    return {item.name: plain_value(getattr(record, item.name)) for item in fields(record)}


def _listing(records: Iterable[Record]) -> web.Response:
    return json_response([record_json(record) for record in records])


@routes.get("/api/registry/devices")
async def list_devices(request: web.Request) -> web.Response:
    who = access.who(request)
    return _listing(d for d in hub_of(request).devices if who.may(Action.read_devices, d))


@routes.get("/api/registry/entities")
async def list_entities(request: web.Request) -> web.Response:
    who = access.who(request)
    return _listing(e for e in hub_of(request).entities if who.may_see(e.entity_id))


@routes.get("/api/registry/areas")
async def list_areas(request: web.Request) -> web.Response:
    access.require(request, Action.read_areas)
    return _listing(hub_of(request).areas)
