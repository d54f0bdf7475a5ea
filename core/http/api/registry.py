"""``/api/registry``: the devices, entities and areas of the community."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from aiohttp import web

from ...registry.base import Record, Registry
from ...registry.store import plain_value
from ..view import hub_of, json_response

routes = web.RouteTableDef()


def record_json(record: Record) -> dict[str, Any]:
    return {item.name: plain_value(getattr(record, item.name)) for item in fields(record)}


def _listing(registry: Registry[Any]) -> web.Response:
    return json_response([record_json(record) for record in registry])


@routes.get("/api/registry/devices")
async def list_devices(request: web.Request) -> web.Response:
    return _listing(hub_of(request).devices)


@routes.get("/api/registry/entities")
async def list_entities(request: web.Request) -> web.Response:
    return _listing(hub_of(request).entities)


@routes.get("/api/registry/areas")
async def list_areas(request: web.Request) -> web.Response:
    return _listing(hub_of(request).areas)
