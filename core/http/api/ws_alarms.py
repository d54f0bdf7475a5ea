"""The alarm commands of the WebSocket API: what the web app rings and shows.

- ``alarms/subscribe``: the result, then an event ``{"alarms": [...]}`` with the open
  alarms the caller may handle (oldest first), then ``{"raised": alarm}`` or
  ``{"updated": alarm}`` for each change to one of them (an alarm as the REST API's).
- ``notifications/subscribe``: the result, then an event ``{"notification": {...}}`` for
  each notification added to the caller's list.

Both end with ``unsubscribe_events`` ``{subscription}``, like every subscription.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import orjson

from ...alarms.model import EVENT_ALARM_RAISED, EVENT_ALARM_UPDATED, Alarm
from ...auth.permissions import Action
from ...events import Event
from ...notifications import Notification
from .ws_commands import Command, caller_of, result_message

if TYPE_CHECKING:
    from ...hub import Hub
    from .websocket import Connection

_CHANGES: Final = {EVENT_ALARM_RAISED: "raised", EVENT_ALARM_UPDATED: "updated"}

# The bus hands every subscriber the same Event: decode and serialise it once for all.
_last: list[Any] = [None, None, b""]


def _alarm_of(hub: Hub, event: Event) -> tuple[Alarm, bytes]:
    if _last[0] is not event:
        data = {key: value for key, value in event.data.items() if key != "changed"}
        alarm = Alarm.from_dict(data)
        message = orjson.dumps({_CHANGES[event.event_type]: hub.alarms.view(alarm)})
        _last[0], _last[1], _last[2] = event, alarm, message
    return _last[1], _last[2]


def subscribe_alarms(connection: Connection, msg_id: int, message: dict[str, Any]) -> None:
    who = caller_of(connection)
    prefix = b'{"id":%d,"type":"event","event":' % msg_id
    send = connection.send

    hub = connection.hub

    def changed(event: Event) -> None:
        alarm, data = _alarm_of(hub, event)
        if who.may(Action.handle_alarms, alarm):
            send(prefix + data + b"}")

    bus = hub.bus
    stops = [bus.listen(event_type, changed) for event_type in _CHANGES]

    def unsubscribe() -> None:
        for stop in stops:
            stop()

    connection.subscriptions[msg_id] = unsubscribe
    connection.send(result_message(msg_id))
    view = hub.alarms.view
    visible = [view(alarm) for alarm in hub.alarms.open() if who.may(Action.handle_alarms, alarm)]
    send(prefix + orjson.dumps({"alarms": visible}) + b"}")


def subscribe_notifications(connection: Connection, msg_id: int, message: dict[str, Any]) -> None:
    prefix = b'{"id":%d,"type":"event","event":' % msg_id
    send = connection.send

    def push(notification: Notification) -> None:
        send(prefix + orjson.dumps({"notification": notification.as_dict()}) + b"}")

    notifications = connection.hub.notifications
    connection.subscriptions[msg_id] = notifications.listen(connection.token.user_id, push)
    connection.send(result_message(msg_id))


COMMANDS: Final[dict[str, Command]] = {
    "alarms/subscribe": subscribe_alarms,
    "notifications/subscribe": subscribe_notifications,
}
