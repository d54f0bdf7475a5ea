"""``/api/alarms`` and ``/api/notifications``: the alarms a caller may handle, and their
own notification list.

- ``GET /api/alarms[?state=&severity=&household_id=&limit=]``: alarms, newest first;
  ``state`` and ``severity`` take one value or several separated by commas.
- ``GET /api/alarms/{alarm_id}``: one alarm.
- ``POST /api/alarms/{alarm_id}/acknowledge`` ``{comment?}``: the caller has taken it in
  hand; its escalation stops. Again: no change (the comment is still added).
- ``POST /api/alarms/{alarm_id}/clear`` ``{comment?}``: the condition is over. An
  unacknowledged alarm stays open until someone acknowledges it.
- ``POST /api/alarms/{alarm_id}/comments`` ``{text}``: 201 with the alarm.
- ``GET /api/notifications[?unread=true]``: the caller's notifications, newest first.
- ``POST /api/notifications/{notification_id}/read``: mark one read.

An alarm is ``{id, alarm_type, severity, state, source_entity_id, household_id, message,
data, raised_at, acknowledged_by, acknowledged_at, cleared_by, cleared_at, comments: [{by,
at, text}], escalation_step, next_escalation_at, modified_at}`` (times in seconds since
1970). Who sees and handles which alarm is the permission rules' ``handle_alarms``: a
household its own, a caregiver those of whom they care for, staff all; another's alarm is
answered as not found. Every change is committed before the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Final, TypeVar

from aiohttp import web

from ...alarms.manager import AlarmError, UnknownAlarm
from ...alarms.model import Alarm, AlarmState, Severity
from ...auth.permissions import Action
from ...notifications import UnknownNotification
from .. import access
from ..view import (
    caller,
    field_of,
    hub_of,
    invalid,
    json_response,
    not_found,
    only_fields,
    query_whole_number,
    read_object,
)

routes = web.RouteTableDef()

DEFAULT_ALARM_LIMIT: Final = 100
MAX_ALARM_LIMIT: Final = 1000

E = TypeVar("E", bound=StrEnum)


def _choices(request: web.Request, name: str, kind: type[E]) -> list[E]:
    """The values of query parameter ``name``, separated by commas (repeating the
    parameter adds more); none given: []."""
    given = ",".join(request.query.getall(name, []))
    try:
        return [kind(part.strip()) for part in given.split(",") if part.strip()]
    except ValueError:
        expected = ", ".join(kind)
        raise invalid(
            f"{name} must be one or more of {expected}, separated by commas, got {given!r}", name
        ) from None


@routes.get("/api/alarms")
async def list_alarms(request: web.Request) -> web.Response:
    states = _choices(request, "state", AlarmState)
    severities = _choices(request, "severity", Severity)
    limit = query_whole_number(request, "limit", DEFAULT_ALARM_LIMIT, 1, MAX_ALARM_LIMIT)
    who = access.who(request)
    households = who.alarm_households()  # asked of the database, not filtered here
    if (household_id := request.query.get("household_id")) is not None:
        households = {household_id} if households is None else households & {household_id}
    alarms = await hub_of(request).alarms.query(
        states=states, severities=severities, household_ids=households
    )
    visible = [alarm for alarm in alarms if who.may(Action.handle_alarms, alarm)]
    view = hub_of(request).alarms.view
    return json_response([view(alarm) for alarm in visible[:limit]])


async def _alarm(request: web.Request) -> Alarm:
    """The path's alarm, if the caller may handle it; else a 404."""
    alarm_id = request.match_info["alarm_id"]
    alarm = await hub_of(request).alarms.fetch(alarm_id)
    if alarm is None:
        raise not_found(str(UnknownAlarm(alarm_id)))
    access.require(request, Action.handle_alarms, alarm)
    return alarm


@routes.get("/api/alarms/{alarm_id}")
async def get_alarm(request: web.Request) -> web.Response:
    return json_response(hub_of(request).alarms.view(await _alarm(request)))


async def _change(
    request: web.Request, change: Callable[[str, str, str | None], Alarm], what: str
) -> web.Response:
    """Acknowledge or clear the path's alarm, with the body's optional comment. A closed
    alarm is both already: only the comment is added."""
    alarm = await _alarm(request)
    body = await read_object(request, what)
    only_fields(body, ("comment",))
    comment = field_of(body, "comment", str)
    hub, user_id = hub_of(request), caller(request).user_id
    try:
        if hub.alarms.get(alarm.id) is not None:
            alarm = change(alarm.id, user_id, comment)
        elif comment is not None:
            alarm = await hub.alarms.comment(alarm.id, comment, by_user_id=user_id)
        else:  # closed meanwhile, or before
            alarm = await hub.alarms.fetch(alarm.id) or alarm
    except AlarmError as error:
        raise invalid(str(error), "comment") from None
    await hub.alarms.flush()
    return json_response(hub_of(request).alarms.view(alarm))


@routes.post("/api/alarms/{alarm_id}/acknowledge")
async def acknowledge_alarm(request: web.Request) -> web.Response:
    alarms = hub_of(request).alarms
    return await _change(
        request,
        lambda alarm_id, user_id, comment: alarms.acknowledge(
            alarm_id, by_user_id=user_id, comment=comment
        ),
        "The acknowledgement",
    )


@routes.post("/api/alarms/{alarm_id}/clear")
async def clear_alarm(request: web.Request) -> web.Response:
    alarms = hub_of(request).alarms
    return await _change(
        request,
        lambda alarm_id, user_id, comment: alarms.clear(
            alarm_id, by_user_id=user_id, comment=comment
        ),
        "The clearing",
    )


@routes.post("/api/alarms/{alarm_id}/comments")
async def comment_alarm(request: web.Request) -> web.Response:
    alarm = await _alarm(request)
    body = await read_object(request, "The comment")
    only_fields(body, ("text",))
    text = field_of(body, "text", str, required=True)
    hub = hub_of(request)
    try:
        alarm = await hub.alarms.comment(alarm.id, text, by_user_id=caller(request).user_id)
    except AlarmError as error:
        raise invalid(str(error), "text") from None
    await hub.alarms.flush()
    return json_response(hub_of(request).alarms.view(alarm), 201)


@routes.get("/api/notifications")
async def list_notifications(request: web.Request) -> web.Response:
    unread = request.query.get("unread", "false")
    if unread not in ("true", "false"):
        raise invalid(f"unread must be true or false, got {unread!r}", "unread")
    notifications = await hub_of(request).notifications.of_user(
        caller(request).user_id, unread_only=unread == "true"
    )
    return json_response([notification.as_dict() for notification in notifications])


@routes.post("/api/notifications/{notification_id}/read")
async def read_notification(request: web.Request) -> web.Response:
    """Mark one of the caller's notifications read; another user's is not found."""
    notifications = hub_of(request).notifications
    try:
        notification = await notifications.mark_read(
            request.match_info["notification_id"], caller(request).user_id
        )
    except UnknownNotification as error:
        raise not_found(str(error)) from None
    return json_response(notification.as_dict())
