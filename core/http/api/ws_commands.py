"""The commands of the WebSocket API: ``ping``, ``get_states``, ``subscribe_events``,
``subscribe_entities``, ``unsubscribe_events`` and ``call_service``; the flow commands
are in :mod:`.ws_flows`.

A command is ``handler(connection, id, message)``; it answers through
``connection.send(bytes)`` or raises :class:`CommandError`. What callers may see and do
goes through :mod:`..access`, as in the REST API: ``get_states`` and ``subscribe_entities``
show only the entities the caller may see, and ``subscribe_events`` only their
``state_changed`` events; other event types are for operators and admins (they carry
whatever their firer put in them). ``call_service`` needs control of every target.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final

import orjson

from ...auth.permissions import Action
from ...const import EVENT_STATE_CHANGED, MATCH_ALL
from ...events import Event, EventData
from ...exceptions import ServiceForbidden, ServiceNotFound, ServiceValidationError
from ...helpers.event import track_state_change
from ...states import State
from .. import access
from ..view import ApiError, field_of, json_array

if TYPE_CHECKING:
    from .websocket import Connection

_LOGGER = logging.getLogger(__name__)

Command = Callable[["Connection", int, dict[str, Any]], None]


class CommandError(Exception):
    """A command's error result: ``{"code", "message"}``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def error_message(msg_id: int | None, code: str, message: str) -> bytes:
    return orjson.dumps(
        {
            "id": msg_id,
            "type": "result",
            "success": False,
            "error": {"code": code, "message": message},
        }
    )


def result_bytes(msg_id: int, result: bytes) -> bytes:
    """A success result around ``result``, JSON already serialised."""
    return b'{"id":%d,"type":"result","success":true,"result":%b}' % (msg_id, result)


def result_message(msg_id: int, result: Any = None) -> bytes:
    return result_bytes(msg_id, orjson.dumps(result))


@contextmanager
def refusals() -> Iterator[None]:
    """Turn the REST API's errors (a bad field, a permission refused) into the command's
    error result, with the same code and message."""
    try:
        yield
    except ApiError as error:
        raise CommandError(error.code, error.message) from None


def message_field(message: dict[str, Any], name: str, kind: type, *, required: bool = False) -> Any:
    """``message[name]`` checked as the REST API checks a body's field (``field_of``), its
    error an ``invalid_format`` result with the same message."""
    with refusals():
        return field_of(message, name, kind, required=required)


def caller_of(connection: Connection) -> access.Caller:
    """The connection's user, as the permission rules see them."""
    return access.who(connection.request, connection.token)


# --- serialising once for every subscriber -------------------------------------------------
# The bus calls every listener of one event in turn with the same Event object, so a
# one-entry cache keyed by identity shares the bytes between all subscribers.

_last_event: list[Any] = [None, b""]
_last_diff: list[Any] = [None, None, b""]


def _json_default(value: object) -> Any:
    if isinstance(value, State):
        return orjson.Fragment(value.json)
    if hasattr(value, "as_dict"):
        return value.as_dict()
    return str(value)


def event_json(event: Event) -> bytes:
    if _last_event[0] is event:
        return _last_event[1]
    data = orjson.dumps(
        {
            "event_type": event.event_type,
            "data": event.data,
            "origin": event.origin.value,
            "time_fired": event.time_fired,
            "context": event.context.as_dict(),
        },
        default=_json_default,
        option=orjson.OPT_NON_STR_KEYS,
    )
    _last_event[0], _last_event[1] = event, data
    return data


def compact_state(state: State) -> dict[str, Any]:
    compact: dict[str, Any] = {
        "s": state.state,
        "a": state.attributes,
        "c": state.context.id,
        "lc": state.last_changed_timestamp,
    }
    if state.last_updated_timestamp != state.last_changed_timestamp:
        compact["lu"] = state.last_updated_timestamp
    return compact


def compact_diff(old: State, new: State) -> bytes:
    """``{"+": changes, "-": {"a": [removed attributes]}}`` from ``old`` to ``new``."""
    if _last_diff[0] is old and _last_diff[1] is new:
        return _last_diff[2]
    added: dict[str, Any] = {"lu": new.last_updated_timestamp, "c": new.context.id}
    if new.state != old.state:
        added["s"] = new.state
    if new.last_changed_timestamp != old.last_changed_timestamp:
        added["lc"] = new.last_changed_timestamp
    diff: dict[str, Any] = {"+": added}
    if new.attributes is not old.attributes:
        changed = {
            key: value
            for key, value in new.attributes.items()
            if key not in old.attributes or old.attributes[key] != value
        }
        if changed:
            added["a"] = changed
        if removed := [key for key in old.attributes if key not in new.attributes]:
            diff["-"] = {"a": removed}
    data = orjson.dumps(diff, option=orjson.OPT_NON_STR_KEYS)
    _last_diff[0], _last_diff[1], _last_diff[2] = old, new, data
    return data


def _dumps(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


# --- commands --------------------------------------------------------------------------------


def ping(connection: Connection, msg_id: int, message: dict[str, Any]) -> None:
    connection.send(b'{"id":%d,"type":"pong"}' % msg_id)


def get_states(connection: Connection, msg_id: int, message: dict[str, Any]) -> None:
    states = caller_of(connection).visible_states()
    connection.send(result_bytes(msg_id, json_array(state.json for state in states)))


def subscribe_events(connection: Connection, msg_id: int, message: dict[str, Any]) -> None:
    event_type = message_field(message, "event_type", str) or MATCH_ALL
    who = caller_of(connection)
    if event_type != EVENT_STATE_CHANGED:
        with refusals():
            who.require(Action.subscribe_events)
    prefix = b'{"id":%d,"type":"event","event":' % msg_id
    send = connection.send
    may_see = who.may_see

    def forward(event: Event) -> None:
        send(prefix + event_json(event) + b"}")

    def state_visible(data: EventData) -> bool:
        # A removal too goes to whom the hub can still tell may see the entity.
        return may_see(data["entity_id"])

    def visible(data: EventData) -> bool:
        return "new_state" not in data or state_visible(data)

    event_filter = state_visible if event_type == EVENT_STATE_CHANGED else None
    if event_type == MATCH_ALL:
        event_filter = visible
    connection.subscriptions[msg_id] = connection.hub.bus.listen(event_type, forward, event_filter)
    connection.send(result_message(msg_id))


def subscribe_entities(connection: Connection, msg_id: int, message: dict[str, Any]) -> None:
    entity_ids = message_field(message, "entity_ids", list)
    if entity_ids is not None and not all(isinstance(item, str) for item in entity_ids):
        raise CommandError("invalid_format", "Field 'entity_ids' must be an array of strings")
    wanted = set(entity_ids) if entity_ids is not None else None
    prefix = b'{"id":%d,"type":"event","event":' % msg_id
    send = connection.send
    who = caller_of(connection)
    may_see = who.may_see
    sent: set[str] = set()  # the entities this client was shown

    def changed(event: Event) -> None:
        entity_id: str = event.data["entity_id"]
        new: State | None = event.data["new_state"]
        old: State | None = event.data["old_state"]
        if new is None or not may_see(entity_id):
            if entity_id in sent:
                sent.discard(entity_id)
                send(prefix + b'{"r":' + _dumps([entity_id]) + b"}}")
            return
        if entity_id in sent and old is not None:
            send(prefix + b'{"c":{' + _dumps(entity_id) + b":" + compact_diff(old, new) + b"}}}")
        else:
            sent.add(entity_id)
            send(prefix + b'{"a":' + _dumps({entity_id: compact_state(new)}) + b"}}")

    hub = connection.hub
    if wanted is None:
        unsubscribe = hub.bus.listen(EVENT_STATE_CHANGED, changed)
        visible = who.visible_states()
    else:  # through the entity-id index: one dict lookup per change, not one filter per client
        unsubscribe = track_state_change(hub, wanted, changed)
        get = hub.states.get
        visible = [state for key in wanted if (state := get(key)) is not None and may_see(key)]
    connection.subscriptions[msg_id] = unsubscribe
    connection.send(result_message(msg_id))
    initial = {state.entity_id: compact_state(state) for state in visible}
    sent.update(initial)
    send(prefix + b'{"a":' + _dumps(initial) + b"}}")


def unsubscribe_events(connection: Connection, msg_id: int, message: dict[str, Any]) -> None:
    subscription = message_field(message, "subscription", int, required=True)
    unsubscribe = connection.subscriptions.pop(subscription, None)
    if unsubscribe is None:
        raise CommandError("not_found", f"No subscription {subscription}")
    unsubscribe()
    connection.send(result_message(msg_id))


def call_service(connection: Connection, msg_id: int, message: dict[str, Any]) -> None:
    domain = message_field(message, "domain", str, required=True)
    service = message_field(message, "service", str, required=True)
    data: Mapping[str, Any] = message_field(message, "service_data", dict) or {}
    return_response = message_field(message, "return_response", bool) or False
    with refusals():
        caller_of(connection).require_service_targets(data)
    context = connection.context()

    async def call() -> None:
        try:
            response = await connection.hub.services.call(
                domain, service, data, context=context, return_response=return_response
            )
        except ServiceNotFound as error:
            connection.send(error_message(msg_id, "not_found", str(error)))
        except ServiceValidationError as error:
            connection.send(error_message(msg_id, "service_validation_error", str(error)))
        except ServiceForbidden as error:
            connection.send(error_message(msg_id, "forbidden", str(error)))
        except Exception:
            _LOGGER.exception("Error calling service %s.%s", domain, service)
            connection.send(
                error_message(msg_id, "unknown_error", "Internal error; see the hub's log")
            )
        else:
            result: dict[str, Any] = {"context": context.as_dict()}
            if return_response:
                result["response"] = response
            connection.send(result_bytes(msg_id, _dumps(result)))

    connection.create_task(call(), f"websocket call_service {domain}.{service}")


COMMANDS: Final[dict[str, Command]] = {
    "ping": ping,
    "get_states": get_states,
    "subscribe_events": subscribe_events,
    "subscribe_entities": subscribe_entities,
    "unsubscribe_events": unsubscribe_events,
    "call_service": call_service,
}
