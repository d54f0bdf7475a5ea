"""The flow commands of the WebSocket API, answering as the REST API's flows do.

``config_entries/flow/…`` runs config flows (handler = an integration's domain) and
``config_entries/options/flow/…`` options flows (handler = a config entry id), each with
``start`` {handler}, ``configure`` {flow_id, user_input}, ``abort`` {flow_id} and
``progress``. Results are :func:`.config.flow_json`'s; a flow belongs to the user whose
token started it, and another user's flow id is ``not_found``. Who may start which flow,
and for which household (``start``'s optional ``household_id``), is decided as for the
REST API (:meth:`.flow_kinds.FlowKind.context_for`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, Final

from ...exceptions import InvalidFlowInput, UnknownFlow, UnknownHandler
from .config import flow_json
from .flow_kinds import FLOW_KINDS, FlowKind
from .ws_commands import (
    Command,
    CommandError,
    caller_of,
    error_message,
    message_field,
    refusals,
    result_message,
)

if TYPE_CHECKING:
    from .websocket import Connection

_LOGGER = logging.getLogger(__name__)


def _answer_later(
    connection: Connection, msg_id: int, work: Awaitable[dict[str, Any]], name: str
) -> None:
    """Run a flow step in the connection's task; send its result or error when it is done."""

    async def run() -> None:
        try:
            result = await work
        except (UnknownHandler, UnknownFlow) as error:
            connection.send(error_message(msg_id, "not_found", str(error)))
        except InvalidFlowInput as error:
            connection.send(error_message(msg_id, "invalid_format", str(error)))
        except Exception:
            _LOGGER.exception("Error in WebSocket command %s", name)
            connection.send(
                error_message(msg_id, "unknown_error", "Internal error; see the hub's log")
            )
        else:
            connection.send(result_message(msg_id, result))

    connection.create_task(run(), f"websocket {name}")


def flow_commands(kind: FlowKind) -> dict[str, Command]:
    """The four commands of one kind of flow, by name."""

    def start(connection: Connection, msg_id: int, message: dict[str, Any]) -> None:
        handler: str = message_field(message, "handler", str, required=True)
        household_id = message_field(message, "household_id", str)
        hub = connection.hub
        with refusals():
            context = kind.context_for(caller_of(connection), handler, household_id)

        async def init() -> dict[str, Any]:
            return flow_json(await kind.manager_of(hub).init(handler, context=context))

        _answer_later(connection, msg_id, init(), f"{kind.prefix}/start {handler}")

    def configure(connection: Connection, msg_id: int, message: dict[str, Any]) -> None:
        """Submit the form a flow waits on; no ``user_input`` shows the form again."""
        flow_id: str = message_field(message, "flow_id", str, required=True)
        user_input = message_field(message, "user_input", dict)
        manager = kind.manager_of(connection.hub)
        user_id = connection.token.user_id

        async def step() -> dict[str, Any]:
            return flow_json(await manager.configure(flow_id, user_input, user_id=user_id))

        _answer_later(connection, msg_id, step(), f"{kind.prefix}/configure")

    def abort(connection: Connection, msg_id: int, message: dict[str, Any]) -> None:
        flow_id: str = message_field(message, "flow_id", str, required=True)
        try:
            kind.manager_of(connection.hub).abort(flow_id, user_id=connection.token.user_id)
        except UnknownFlow as error:
            raise CommandError("not_found", str(error)) from None
        connection.send(result_message(msg_id, {"flow_id": flow_id, "aborted": True}))

    def progress(connection: Connection, msg_id: int, message: dict[str, Any]) -> None:
        """The flows waiting for input that the caller may continue."""
        flows = kind.manager_of(connection.hub).progress(connection.token.user_id)
        result = [
            {"flow_id": flow.flow_id, "handler": flow.handler, "step_id": flow.step_id}
            for flow in flows
        ]
        connection.send(result_message(msg_id, result))

    commands: dict[str, Command] = {
        "start": start,
        "configure": configure,
        "abort": abort,
        "progress": progress,
    }
    return {f"{kind.prefix}/{name}": command for name, command in commands.items()}


COMMANDS: Final[dict[str, Command]] = {
    name: command for kind in FLOW_KINDS for name, command in flow_commands(kind).items()
}
