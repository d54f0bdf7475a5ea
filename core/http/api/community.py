"""``/api/community``: units, households, their members, and roster imports.

Areas go in and out as strings of square metres with two decimals ("89.35"), never as
numbers: a float cannot hold them exactly and votes are weighted by them. Everyone sees the
units; operators and admins manage them, the households and the roster; a household reads
its own record and members, and its household admin manages its members but for the owners
(a fact of the property's records, which votes follow). The permission rules decide
(:mod:`linli.auth.permissions`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, TypeVar

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import BadHttpMessage

from ...auth.permissions import Action
from ...community import roster
from ...community.households import HouseholdEntry, MemberEntry, MemberRole
from ...community.units import UnitEntry, area_dm2, unit_address
from ...exceptions import RegistryError
from ...registry.base import Record, Registry, coerce_enum
from .. import access
from ..view import (
    ApiError,
    caller,
    field_of,
    hub_of,
    invalid,
    json_response,
    not_found,
    only_fields,
    read_object,
)
from .history import Query
from .registry import record_json

if TYPE_CHECKING:
    from ...hub import Hub

routes = web.RouteTableDef()

MAX_ROSTER: Final = 8 * 1024 * 1024  # bytes: a roster of 10,000 units is about 2 MiB
CHUNK: Final = 64 * 1024
UNIT_FIELDS: Final = ("address", "area")
HOUSEHOLD_FIELDS: Final = ("name", "unit_id")
MEMBER_FIELDS: Final = ("name", "role", "phone", "user_id", "cares_for")

R = TypeVar("R", bound=Record)


def unit_json(unit: UnitEntry) -> dict[str, Any]:
    data = record_json(unit)
    del data["area_dm2"]
    return {**data, "address": unit.address, "area": f"{unit.area_m2:.2f}"}


def _found(request: web.Request, registry: Registry[R], key: str) -> R:
    """The record whose id is the path's ``key``; a 404 if there is none."""
    record_id = request.match_info[key]
    record = registry.get(record_id)
    if record is None:
        raise not_found(f"{registry.record_name} {record_id!r} not found")
    return record


def _household(request: web.Request, action: Action) -> HouseholdEntry:
    """The path's household, if the caller may do ``action`` on it (else a 404 or 403)."""
    household = _found(request, hub_of(request).community.households, "household_id")
    access.require(request, action, household)
    return household


def _member(request: web.Request) -> MemberEntry:
    """The path's member, if the caller may manage the members of their household."""
    member = _found(request, hub_of(request).community.members, "member_id")
    access.require(request, Action.manage_members, member)
    return member


def _require_owner_change(
    request: web.Request, member: MemberEntry | HouseholdEntry, role: MemberRole | None
) -> None:
    """Adding, changing or removing an owner (``role`` before or after) takes more than
    managing members: owners vote for their unit."""
    if role is MemberRole.owner:
        access.require(request, Action.manage_owners, member)


def _nullable(body: dict[str, Any], name: str) -> str | None:
    """``body[name]``: a string or null."""
    return None if body[name] is None else field_of(body, name, str)


def _text(body: dict[str, Any], name: str) -> str:
    """``body[name]``: a string that is not blank."""
    text = field_of(body, name, str, required=True).strip()
    if not text:
        raise invalid(f"Field '{name}' must not be empty", name)
    return text


@contextmanager
def _field_error(name: str) -> Iterator[None]:
    """Answer a :class:`RegistryError` as a 400 naming the field ``name``."""
    try:
        yield
    except RegistryError as error:
        raise invalid(str(error), name) from None


def _conflict(message: str) -> ApiError:
    return ApiError(409, "conflict", message)


async def _stored(hub: Hub, data: Any, status: int = 200) -> web.Response:
    """Answer ``data`` once the change is in the database."""
    await hub.database.flush()
    return json_response(data, status)


def _removed(key: str, record_id: str) -> dict[str, Any]:
    return {key: record_id, "removed": True}


# Units.


@routes.get("/api/community/units")
async def list_units(request: web.Request) -> web.Response:
    access.require(request, Action.read_units)
    return json_response([unit_json(unit) for unit in hub_of(request).community.units])


@routes.post("/api/community/units")
async def create_unit(request: web.Request) -> web.Response:
    """Add a unit: ``{"address": "7号楼 2单元 1203", "area": "89.35"}``; 201 with it."""
    access.require(request, Action.manage_units)
    body = await read_object(request, "The unit")
    only_fields(body, UNIT_FIELDS)
    address = field_of(body, "address", str, required=True)
    with _field_error("address"):
        unit_address(address)
    with _field_error("area"):
        area = area_dm2(field_of(body, "area", str, required=True))
    units = hub_of(request).community.units
    if (other := units.get_by_address(address)) is not None:
        raise _conflict(f"There is already a unit {other.address} ({other.id})")
    unit = units.create(address, Decimal(area) / 100)
    return await _stored(hub_of(request), unit_json(unit), 201)


@routes.get("/api/community/units/{unit_id}")
async def get_unit(request: web.Request) -> web.Response:
    access.require(request, Action.read_units)
    return json_response(unit_json(_found(request, hub_of(request).community.units, "unit_id")))


@routes.patch("/api/community/units/{unit_id}")
async def update_unit(request: web.Request) -> web.Response:
    """Correct a unit's area: ``{"area": "90.10"}`` (its address is what identifies it)."""
    access.require(request, Action.manage_units)
    units = hub_of(request).community.units
    unit = _found(request, units, "unit_id")
    body = await read_object(request, "The unit's changes")
    only_fields(body, ("area",))
    if "area" in body:
        with _field_error("area"):
            unit = units.update(unit.id, area_dm2=area_dm2(field_of(body, "area", str)))
    return await _stored(hub_of(request), unit_json(unit))


@routes.delete("/api/community/units/{unit_id}")
async def remove_unit(request: web.Request) -> web.Response:
    """Remove a unit; its households stay, without a unit."""
    access.require(request, Action.manage_units)
    units = hub_of(request).community.units
    unit = _found(request, units, "unit_id")
    units.remove(unit.id)
    return await _stored(hub_of(request), _removed("unit_id", unit.id))


# Households.


def _unit_id(hub: Hub, body: dict[str, Any]) -> str | None:
    unit_id = _nullable(body, "unit_id")
    if unit_id is not None and hub.community.units.get(unit_id) is None:
        raise invalid(f"Unit {unit_id!r} does not exist", "unit_id")
    return unit_id


@routes.get("/api/community/households")
async def list_households(request: web.Request) -> web.Response:
    """The households the caller may see: a household's user, their own."""
    who = access.who(request)
    households = hub_of(request).community.households
    return json_response(
        [record_json(item) for item in households if who.may(Action.read_households, item)]
    )


@routes.post("/api/community/households")
async def create_household(request: web.Request) -> web.Response:
    """Add a household: ``{"name": "王伟家", "unit_id": "…"}`` (``unit_id`` may be left
    out); 201 with it."""
    access.require(request, Action.manage_households)
    hub = hub_of(request)
    body = await read_object(request, "The household")
    only_fields(body, HOUSEHOLD_FIELDS)
    name = _text(body, "name")
    unit_id = _unit_id(hub, body) if "unit_id" in body else None
    household = hub.community.households.create(name, unit_id)
    return await _stored(hub, record_json(household), 201)


@routes.get("/api/community/households/{household_id}")
async def get_household(request: web.Request) -> web.Response:
    return json_response(record_json(_household(request, Action.read_households)))


@routes.patch("/api/community/households/{household_id}")
async def update_household(request: web.Request) -> web.Response:
    """Rename a household or move it: ``{"name": …, "unit_id": … or null}``."""
    hub = hub_of(request)
    households = hub.community.households
    household = _household(request, Action.manage_households)
    body = await read_object(request, "The household's changes")
    only_fields(body, HOUSEHOLD_FIELDS)
    changes: dict[str, Any] = {}
    if "name" in body:
        changes["name"] = _text(body, "name")
    if "unit_id" in body:
        changes["unit_id"] = _unit_id(hub, body)
    household = households.update(household.id, **changes)
    return await _stored(hub, record_json(household))


@routes.delete("/api/community/households/{household_id}")
async def remove_household(request: web.Request) -> web.Response:
    """Remove a household with its members."""
    households = hub_of(request).community.households
    household = _household(request, Action.manage_households)
    households.remove(household.id)
    return await _stored(hub_of(request), _removed("household_id", household.id))


# Members.


def _member_changes(
    hub: Hub, body: dict[str, Any], household_id: str, member: MemberEntry | None
) -> dict[str, Any]:
    """The fields of ``body`` checked: all that a new member needs (``member`` None), or
    those given for ``member``. One who stops being a caregiver cares for nobody."""
    only_fields(body, MEMBER_FIELDS)
    members = hub.community.members
    changes: dict[str, Any] = {}
    if member is None or "name" in body:
        name = _text(body, "name")
        taken = [
            m
            for m in members.members_of(household_id)
            if m.name == name and (member is None or m.id != member.id)
        ]
        if taken:
            raise _conflict(f"The household already has a member named {name} ({taken[0].id})")
        changes["name"] = name
    if member is None or "role" in body:
        role = field_of(body, "role", str, required=True)
        with _field_error("role"):
            changes["role"] = coerce_enum(MemberRole, role, "member role", "field 'role'")
        if member is not None and changes["role"] is not MemberRole.caregiver:
            changes["cares_for"] = frozenset()
    if "phone" in body:
        phone = _nullable(body, "phone")
        with _field_error("phone"):
            changes["phone"] = None if phone is None else roster.check_phone(phone)
    if "user_id" in body:
        user_id = _nullable(body, "user_id")
        if user_id is not None and hub.users.get(user_id) is None:
            raise invalid(f"User {user_id!r} does not exist", "user_id")
        changes["user_id"] = user_id
    if "cares_for" in body:
        changes["cares_for"] = _cares_for(hub, body, household_id)
    return changes


def _cares_for(hub: Hub, body: dict[str, Any], household_id: str) -> frozenset[str]:
    """The ids of ``cares_for``: members of the household."""
    ids = field_of(body, "cares_for", list)
    members = hub.community.members
    for member_id in ids:
        if not isinstance(member_id, str):
            raise invalid("Field 'cares_for' must be an array of member ids", "cares_for")
        other = members.get(member_id)
        if other is None or other.household_id != household_id:
            raise invalid(f"Member {member_id!r} is not of this household", "cares_for")
    return frozenset(ids)


@routes.get("/api/community/households/{household_id}/members")
async def list_members(request: web.Request) -> web.Response:
    community = hub_of(request).community
    household = _household(request, Action.read_members)
    return json_response([record_json(m) for m in community.members.members_of(household.id)])


@routes.post("/api/community/households/{household_id}/members")
async def create_member(request: web.Request) -> web.Response:
    """Add a member: ``{"name": "王伟", "role": "owner", "phone": "13800138000",
    "user_id": …, "cares_for": [member ids]}`` (name and role required); 201 with it."""
    hub = hub_of(request)
    household = _household(request, Action.manage_members)
    body = await read_object(request, "The member")
    fields = _member_changes(hub, body, household.id, None)
    name, role = fields.pop("name"), fields.pop("role")
    _require_owner_change(request, household, role)
    with _field_error("cares_for"):
        member = hub.community.members.create(household.id, name, role, **fields)
    return await _stored(hub, record_json(member), 201)


@routes.patch("/api/community/members/{member_id}")
async def update_member(request: web.Request) -> web.Response:
    """Change a member's name, role, phone, account or whom they care for."""
    hub = hub_of(request)
    members = hub.community.members
    member = _member(request)
    body = await read_object(request, "The member's changes")
    changes = _member_changes(hub, body, member.household_id, member)
    _require_owner_change(request, member, member.role)
    _require_owner_change(request, member, changes.get("role"))
    with _field_error("cares_for"):
        member = members.update(member.id, **changes)
    return await _stored(hub, record_json(member))


@routes.delete("/api/community/members/{member_id}")
async def remove_member(request: web.Request) -> web.Response:
    members = hub_of(request).community.members
    member = _member(request)
    _require_owner_change(request, member, member.role)
    members.remove(member.id)
    return await _stored(hub_of(request), _removed("member_id", member.id))


# Rosters.


async def _read_limited(read: Callable[[int], Awaitable[bytes]]) -> bytes:
    data = bytearray()
    while chunk := await read(CHUNK):
        data += chunk
        if len(data) > MAX_ROSTER:
            raise ApiError(
                413, "request_too_large", f"The roster is larger than {MAX_ROSTER} bytes"
            )
    return bytes(data)


async def _roster_file(request: web.Request) -> bytes:
    """The uploaded file: a form's file field, or the whole body (CSV or XLSX)."""
    if not request.content_type.startswith("multipart/"):
        return await _read_limited(request.content.read)
    try:
        async for part in await request.multipart():
            if isinstance(part, BodyPartReader) and (part.filename or part.name == "file"):
                return await _read_limited(part.read_chunk)
    except (ValueError, BadHttpMessage) as error:  # a form aiohttp cannot take apart
        raise invalid(f"The form cannot be read: {error}") from None
    raise invalid("The form has no file: send the roster in a field named 'file'", "file")


@routes.post("/api/community/roster")
async def import_roster(request: web.Request) -> web.Response:
    """Import a roster (CSV or XLSX, as a form's file or the body) and answer the report;
    ``?dry_run=true`` reports without changing anything, ``?remove_missing=true`` removes
    what it does not list, ``?sheet=`` picks a workbook's sheet. Bad rows are in the
    report's ``errors``; a file that cannot be read at all is a 400."""
    access.require(request, Action.import_roster)
    query = Query(request)
    dry_run, remove_missing = query.flag("dry_run"), query.flag("remove_missing")
    data = await _roster_file(request)
    try:
        report = await roster.import_roster(
            hub_of(request),
            data,
            sheet=request.query.get("sheet"),
            dry_run=dry_run,
            remove_missing=remove_missing,
            actor=caller(request).user_id,
        )
    except roster.RosterError as error:
        raise invalid(str(error)) from None
    return json_response(report.as_dict())
