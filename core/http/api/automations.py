"""``/api/automations`` and ``/api/blueprints``: automations in the Home Assistant format,
and the blueprints they may use.

- ``GET /api/automations[?household_id=]``: the automations the caller may read.
- ``POST /api/automations``: make one: the automation as Home Assistant writes it (or
  ``use_blueprint``), with ``household_id`` saying whose it is (by default a household's
  user's only household, staff's the community's). Its runs act with the caller's rights.
- ``GET /api/automations/problems``: what ``automations.yaml`` could not load (staff).
- ``GET|PUT|DELETE /api/automations/{automation_id}``: read, replace, remove one; those of
  ``automations.yaml`` are edited in the file (409 ``read_only``).
- ``POST /api/automations/{automation_id}/enable|disable|trigger``; ``GET
  …/traces``: its last runs, newest first.
- ``GET /api/blueprints``: every blueprint, and the files that could not be read (those
  for staff); ``POST /api/blueprints`` ``{filename, text}``: import one (operators, admins).

An automation is its household's or the community's (``household_id`` null): a household's
members read and manage its own, operators and admins the community's, admins every
household's too (the permission rules' ``read_automations`` and ``manage_automations``).
One the caller may not read is not found. An automation may name only entities the caller
sees and households whose automations they manage; a trace shows no state of an entity the
reader may not see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from ...auth.permissions import Action
from ...automation.automation import Automation
from ...automation.blueprints import BlueprintError, load_blueprint
from ...automation.config import RECIPIENTS
from ...automation.manager import AutomationError
from ...automation.parts import all_steps, entity_references
from ...automation.trace import RunTrace
from ...community.households import HouseholdEntry
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

if TYPE_CHECKING:
    from ...hub import Hub

routes = web.RouteTableDef()

AUTOMATIONS: Final = "/api/automations"
AUTOMATION: Final = AUTOMATIONS + "/{automation_id}"
BLUEPRINTS: Final = "/api/blueprints"
SOURCES: Final = ("yaml", "api")  # Automation.source
_HOUSEHOLD: Final = "household_id"
#: The triggers that hear only what the automation's owner sees (a household's event
#: trigger hears only events naming its household): the others (mqtt…) hear everyone's, as
#: subscribing to events does (the rules' ``subscribe_events``).
HOUSEHOLD_TRIGGERS: Final = (
    "state",
    "numeric_state",
    "event",
    "time",
    "time_pattern",
    "alarm",
    "webhook",
)


# -- whose an automation is -----------------------------------------------------------------


def _household(hub: Hub, household_id: str | None) -> HouseholdEntry | None:
    """The permission target of an automation of ``household_id``: its household, or the
    community (None; also for a household removed since: staff's to tidy up)."""
    return None if household_id is None else hub.community.households.get(household_id)


def _may_read(who: access.Caller, automation: Automation) -> bool:
    """Whether the caller may read the automation: its household's (or the community's)
    automations, and every entity it names that the hub knows (an admin does not read a
    household's automation about a member's heart rate)."""
    hub = who.hub
    if not who.may(Action.read_automations, _household(hub, automation.household_id)):
        return False
    return all(
        who.may_see(entity_id) or not _known(hub, entity_id)
        for _path, entity_id in entity_references(automation.config)
    )


def _known(hub: Hub, entity_id: str) -> bool:
    return hub.states.get(entity_id) is not None or hub.entities.get(entity_id) is not None


def _automation(request: web.Request, action: Action = Action.read_automations) -> Automation:
    """The path's automation if the caller may do ``action`` to it: 404 if they may not
    read it, 403 if they read it and may not do ``action``."""
    automation_id = request.match_info["automation_id"]
    automation = hub_of(request).automations.get(automation_id)
    who = access.who(request)
    if automation is None or not _may_read(who, automation):
        raise not_found(f"Automation {automation_id!r} not found")
    target = _household(who.hub, automation.household_id)
    if not who.may(action, target):
        role = f"A user with the role {who.role}" if who.role else "A disabled account"
        whose = "the community" if target is None else f"household {target.name}"
        raise ApiError(403, "forbidden", f"{role} may not manage the automations of {whose}")
    return automation


def _editable(automation: Automation) -> None:
    """A 409 for an automation of automations.yaml: the file is where it changes."""
    if automation.source != "api":
        raise ApiError(
            409,
            "read_only",
            f"Automation {automation.id!r} is written in automations.yaml in the config "
            "folder: edit it there (and restart the hub)",
        )


def _for_whom(who: access.Caller, body: dict[str, Any]) -> str | None:
    """The household the body's automation is for (None: the community): its
    ``household_id``, else the caller's only household, or the community for those who
    manage the community's automations. A 404 for a household the caller may not see, a
    403 if they may not manage its automations."""
    if _HOUSEHOLD in body and body[_HOUSEHOLD] is not None:
        household_id = field_of(body, _HOUSEHOLD, str)
    elif _HOUSEHOLD in body or who.may(Action.manage_automations, None):
        household_id = None
    else:
        household_id = _only_household(who)
    _require_manage(who, household_id, _HOUSEHOLD)
    return household_id


def _only_household(who: access.Caller) -> str | None:
    """The caller's one household (None when they have none); a 400 asking which when
    they have several."""
    if len(who.households) <= 1:
        return next(iter(who.households), None)
    households = who.hub.community.households
    names = sorted(
        f"{household.name} ({household.id})"
        for household_id in who.households
        if (household := households.get(household_id)) is not None
    )
    raise invalid(
        f"You belong to several households ({', '.join(names)}): say in 'household_id' "
        "which one the automation is for",
        _HOUSEHOLD,
    )


def _require_manage(who: access.Caller, household_id: str | None, field: str) -> None:
    """That the caller may manage the automations of ``household_id`` (None: the
    community's): a 404 naming ``field`` for a household they may not see, else a 403."""
    target = _household(who.hub, household_id)
    if household_id is not None and (
        target is None or not who.may(Action.read_automations, target)
    ):
        raise ApiError(404, "not_found", f"Household {household_id!r} not found", field)
    who.require(Action.manage_automations, target)


# -- what an automation may name ------------------------------------------------------------


def _may_notify(who: access.Caller, to: str, household_id: str | None) -> bool:
    """Whether the caller's automation may notify ``to`` (a user's id, or one of
    :data:`RECIPIENTS`): staff anyone; a household its own members."""
    if to in RECIPIENTS or who.may(Action.manage_automations, None):
        return True
    members = () if household_id is None else who.hub.community.members.members_of(household_id)
    return any(member.user_id == to for member in members)


def _check(request: web.Request, raw: dict[str, Any]) -> None:
    """That the automation is well formed (a 400 naming the field), and that the caller
    may make it, since its runs hear and act for them: it names only entities they see;
    the households whose automations they manage (a notify or alarm step's
    ``household_id``); users to notify by id, only their household's members (staff
    anyone); and events, heard or fired, and other triggers that hear everyone's
    messages (mqtt), only if they may subscribe to and fire events (staff)."""
    who = access.who(request)
    hub = hub_of(request)
    try:
        config = hub.automations.check(raw)
    except AutomationError as error:
        raise invalid(error.message, error.field) from None
    for path, entity_id in entity_references(config):
        if not who.may_see(entity_id):  # as if it did not exist, as for a typo
            raise invalid(f"there is no entity {entity_id}", path)
    triggers = [(f"triggers.{index}", item) for index, item in enumerate(config["triggers"])]
    for path, step in all_steps(config["actions"], "actions"):
        kind = step["kind"]
        if kind == "wait_for_trigger":
            triggers += [
                (f"{path}.wait_for_trigger.{index}", item)
                for index, item in enumerate(step["wait_for_trigger"])
            ]
        elif kind == "event" and not who.may(Action.fire_event):
            raise ApiError(
                403, "forbidden", "Only operators and admins fire events from automations", path
            )
        elif kind == "notify":
            household_id = step["notify"].get(_HOUSEHOLD, config.get(_HOUSEHOLD))
            for to in step["notify"]["to"]:
                if not _may_notify(who, to, household_id):
                    raise ApiError(
                        403,
                        "forbidden",
                        f"A household's automation notifies its own members: {to!r} is not one",
                        f"{path}.notify.to",
                    )
        if kind in ("notify", "alarm") and _HOUSEHOLD in step[kind]:
            household_id = step[kind][_HOUSEHOLD]
            if household_id != config.get(_HOUSEHOLD):
                _require_manage(who, household_id, f"{path}.{kind}.{_HOUSEHOLD}")
    for path, trigger in triggers:
        platform = trigger["trigger"]
        if platform not in HOUSEHOLD_TRIGGERS and not who.may(Action.subscribe_events):
            raise ApiError(
                403,
                "forbidden",
                f"A {platform} trigger hears what happens all over the hub: only operators "
                f"and admins use it (households use {', '.join(HOUSEHOLD_TRIGGERS)})",
                f"{path}.trigger",
            )


# -- what the API shows ---------------------------------------------------------------------


def _shown(value: Any, who: access.Caller) -> Any:
    """What a trace holds (as JSON already), with null in place of anything about an
    entity the reader may not see (a state, an event's data naming it)."""
    if isinstance(value, dict):
        entity_id = value.get("entity_id")
        if isinstance(entity_id, str) and not who.may_see(entity_id):
            return None
        return {key: _shown(item, who) for key, item in value.items()}
    if isinstance(value, list):
        return [_shown(item, who) for item in value]
    return value


def _run_json(trace: RunTrace, who: access.Caller) -> dict[str, Any]:
    """A run's trace as the reader may see it (:func:`_shown`). What triggered it is
    shown but for its parts about others' entities: the automation's own trigger names
    what the reader sees (or they would not read the automation)."""
    data = trace.as_dict()
    data["trigger"] = {key: _shown(item, who) for key, item in data["trigger"].items()}
    for step in data["steps"]:
        step["result"] = {key: _shown(item, who) for key, item in step["result"].items()}
    return data


# -- automations ----------------------------------------------------------------------------


@routes.get(AUTOMATIONS)
async def list_automations(request: web.Request) -> web.Response:
    """The automations the caller may read; ``?household_id=`` only that household's."""
    who = access.who(request)
    wanted = request.query.get(_HOUSEHOLD)
    shown = [
        automation.as_dict()
        for automation in hub_of(request).automations
        if (wanted is None or automation.household_id == wanted) and _may_read(who, automation)
    ]
    return json_response(shown)


@routes.post(AUTOMATIONS)
async def create_automation(request: web.Request) -> web.Response:
    """Make an automation for the body's ``household_id`` (see :func:`_for_whom`), owned by
    the caller: its runs act with their rights."""
    hub = hub_of(request)
    body = await read_object(request, "The automation")
    household_id = _for_whom(access.who(request), body)
    raw = {key: value for key, value in body.items() if key != _HOUSEHOLD}
    if household_id is not None:
        raw[_HOUSEHOLD] = household_id
    _check(request, raw)
    try:
        automation = hub.automations.create(raw, owner_id=caller(request).user_id)
    except AutomationError as error:
        raise invalid(error.message, error.field) from None
    await hub.database.flush()
    return json_response(automation.as_dict(), 201)


@routes.get(AUTOMATIONS + "/problems")
async def automation_problems(request: web.Request) -> web.Response:
    """What automations.yaml could not load, and why: automation id (or where it is in the
    file) -> the message."""
    access.require(request, Action.read_automations)
    return json_response(dict(hub_of(request).automations.problems))


@routes.get(AUTOMATION)
async def get_automation(request: web.Request) -> web.Response:
    return json_response(_automation(request).as_dict())


@routes.put(AUTOMATION)
async def replace_automation(request: web.Request) -> web.Response:
    """Replace an automation's configuration; it stays its owner's, and its household's
    unless the body names another (which the caller must manage too)."""
    hub = hub_of(request)
    automation = _automation(request, Action.manage_automations)
    _editable(automation)
    body = await read_object(request, "The automation")
    if "id" in body and body["id"] != automation.id:
        raise invalid(
            f"Field 'id' must be the automation's, {automation.id!r}, or left out; "
            f"got {body['id']!r}",
            "id",
        )
    household_id = (
        _for_whom(access.who(request), body) if _HOUSEHOLD in body else automation.household_id
    )
    raw = {key: value for key, value in body.items() if key != _HOUSEHOLD}
    if household_id is not None:
        raw[_HOUSEHOLD] = household_id
    _check(request, {**raw, "id": automation.id})
    try:
        automation = hub.automations.update(automation.id, raw)
    except AutomationError as error:
        raise invalid(error.message, error.field) from None
    await hub.database.flush()
    return json_response(automation.as_dict())


@routes.delete(AUTOMATION)
async def remove_automation(request: web.Request) -> web.Response:
    hub = hub_of(request)
    automation = _automation(request, Action.manage_automations)
    _editable(automation)
    hub.automations.remove(automation.id)
    await hub.database.flush()
    return json_response({"automation_id": automation.id, "removed": True})


async def _set_enabled(request: web.Request, enabled: bool) -> web.Response:
    hub = hub_of(request)
    automation = _automation(request, Action.manage_automations)
    automation = hub.automations.set_enabled(automation.id, enabled)
    await hub.database.flush()
    return json_response(automation.as_dict())


@routes.post(AUTOMATION + "/enable")
async def enable_automation(request: web.Request) -> web.Response:
    """Turn an automation on: it listens for its triggers again."""
    return await _set_enabled(request, True)


@routes.post(AUTOMATION + "/disable")
async def disable_automation(request: web.Request) -> web.Response:
    """Turn an automation off: its runs under way stop, its triggers are not heard."""
    return await _set_enabled(request, False)


@routes.post(AUTOMATION + "/trigger")
async def trigger_automation(request: web.Request) -> web.Response:
    """Run an automation now, skipping its triggers (its conditions and mode still apply);
    the run's trace as it is when the run has started."""
    automation = _automation(request, Action.manage_automations)
    trace = hub_of(request).automations.run_now(automation.id, caller(request).user_id)
    return json_response(_run_json(trace, access.who(request)))


@routes.get(AUTOMATION + "/traces")
async def automation_traces(request: web.Request) -> web.Response:
    automation = _automation(request)
    who = access.who(request)
    return json_response([_run_json(trace, who) for trace in reversed(automation.traces)])


# -- blueprints -----------------------------------------------------------------------------


@routes.get(BLUEPRINTS)
async def list_blueprints(request: web.Request) -> web.Response:
    """Every blueprint by path; the blueprint files that could not be read, and why, for
    those who manage the community's automations (an empty object for others)."""
    library = hub_of(request).blueprints
    staff = access.may(request, Action.manage_automations)
    return json_response(
        {
            "blueprints": [blueprint.as_dict() for blueprint in library.all()],
            "problems": dict(library.problems) if staff else {},
        }
    )


@routes.post(BLUEPRINTS)
async def import_blueprint(request: web.Request) -> web.Response:
    """Import a blueprint: ``{filename, text}``; it is kept in the config folder as
    ``blueprints/imported/<filename>``, its path ``imported/<filename>``."""
    access.require(request, Action.manage_automations)
    body = await read_object(request, "The blueprint")
    only_fields(body, ("filename", "text"))
    filename = field_of(body, "filename", str, required=True)
    text = field_of(body, "text", str, required=True)
    try:
        load_blueprint(text, filename)  # what is wrong with the text: named as the text's
    except BlueprintError as error:
        raise invalid(str(error), "text") from None
    try:
        blueprint = hub_of(request).blueprints.import_blueprint(text, filename)
    except BlueprintError as error:
        raise invalid(str(error), "filename") from None
    return json_response(blueprint.as_dict(), 201)
