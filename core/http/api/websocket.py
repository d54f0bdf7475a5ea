"""The WebSocket API at ``/api/websocket``, in the manner of Home Assistant's.

The server says ``{"type": "auth_required"}``; the client answers ``{"type": "auth",
"access_token": …}`` and gets ``auth_ok`` (or ``auth_invalid`` and the connection closes).
Then commands, each with an integer ``id`` larger than the one before; the commands
themselves are in :mod:`.ws_commands`, :mod:`.ws_flows` and :mod:`.ws_alarms`. Whatever a
client sends that is not a command it may send gets an error result, and the connection
stays up.

The server pings every :data:`HEARTBEAT` seconds and closes a connection that sends
nothing back, not even the pong, within half that. The heartbeat runs in the
connection's own task: aiohttp's ``heartbeat=`` timer is re-armed by the client's answer
to a close and outlives the connection.

Every message a connection sends goes through its bounded send queue and one writer task:
listeners on the bus only append bytes, never wait; a client that falls too far behind is
dropped. States go out as their cached bytes (:attr:`State.json`), and a message built for
one event is shared by every subscriber (only the ``id`` around it differs).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

import orjson
from aiohttp import WSCloseCode, WSMsgType, web

from ...context import Context
from ..view import HUB
from . import ws_alarms, ws_commands, ws_flows
from .ws_commands import Command, error_message

if TYPE_CHECKING:
    from ...hub import Hub
    from ..tokens import TokenRecord

_LOGGER = logging.getLogger(__name__)

WEBSOCKET_PATH: Final = "/api/websocket"
AUTH_TIMEOUT: Final = 10.0  # seconds a client has to authenticate
MAX_PENDING: Final = 4096  # messages queued for one client before it is dropped
MAX_MESSAGE: Final = 1024 * 1024  # bytes in one message from a client
HEARTBEAT = 30.0  # seconds between pings; a test may make it shorter

COMMANDS: Final[dict[str, Command]] = {
    **ws_commands.COMMANDS,
    **ws_flows.COMMANDS,
    **ws_alarms.COMMANDS,
}

CONNECTIONS: Final = web.AppKey("websocket_connections", set)

routes = web.RouteTableDef()

_AUTH_REQUIRED: Final = b'{"type":"auth_required"}'
_AUTH_OK: Final = b'{"type":"auth_ok"}'


def setup(app: web.Application) -> None:
    """Track the app's WebSocket connections and close them all when the server stops."""
    app[CONNECTIONS] = set()
    app.on_shutdown.append(_close_all)


async def _close_all(app: web.Application) -> None:
    sockets: set[web.WebSocketResponse] = app[CONNECTIONS]
    if sockets:
        await asyncio.gather(
            *(ws.close(code=WSCloseCode.GOING_AWAY, message=b"Hub stopping") for ws in sockets),
            return_exceptions=True,
        )


class Connection:
    """One authenticated client: its send queue, subscriptions and command tasks."""

    def __init__(self, request: web.Request, ws: web.WebSocketResponse, token: TokenRecord) -> None:
        self.request = request
        self.ws = ws
        self.hub: Hub = request.app[HUB]
        self.token = token
        self.subscriptions: dict[int, Callable[[], None]] = {}
        self.last_id = 0
        self._pending: deque[bytes] = deque()
        self._wakeup = asyncio.Event()
        self._dropped = False
        self._heard = asyncio.Event()  # set by every frame from the client
        self._tasks: set[asyncio.Task[Any]] = set()

    def context(self) -> Context:
        return Context(user_id=self.token.user_id, origin="user")

    def send(self, message: bytes) -> None:
        """Queue a message; never blocks. A client too far behind is dropped."""
        if self._dropped:
            return
        if len(self._pending) >= MAX_PENDING:
            _LOGGER.warning(
                "WebSocket client of %s fell %d messages behind; closing its connection",
                self.token.name,
                MAX_PENDING,
            )
            self._dropped = True
            self._pending.clear()
            self.unsubscribe_all()
        else:
            self._pending.append(message)
        self._wakeup.set()

    def create_task(self, coro: Any, name: str) -> None:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def unsubscribe_all(self) -> None:
        subscriptions, self.subscriptions = self.subscriptions, {}
        for unsubscribe in subscriptions.values():
            unsubscribe()

    async def _write(self) -> None:
        ws, pending = self.ws, self._pending
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            if self._dropped:
                await ws.close(code=WSCloseCode.POLICY_VIOLATION, message=b"Too far behind")
                return
            while pending and not ws.closed:
                await ws.send_frame(pending.popleft(), WSMsgType.TEXT)
                if self._dropped:
                    break
            if ws.closed:
                return

    async def _heartbeat(self) -> None:
        """Ping every HEARTBEAT seconds; close if the client sends nothing back in time."""
        ws, interval = self.ws, HEARTBEAT
        while True:
            await asyncio.sleep(interval)
            self._heard.clear()
            await ws.ping()
            try:
                async with asyncio.timeout(interval / 2):
                    await self._heard.wait()
            except TimeoutError:
                _LOGGER.info(
                    "WebSocket client of %s did not answer a ping; closing its connection",
                    self.token.name,
                )
                # Not drained: a dead client's buffers may never empty.
                await ws.close(code=WSCloseCode.GOING_AWAY, message=b"No pong", drain=False)
                return

    async def run(self) -> None:
        """Read and answer commands until the client or the server closes."""
        loop = asyncio.get_running_loop()
        writer = loop.create_task(self._write(), name="websocket writer")
        heartbeat = loop.create_task(self._heartbeat(), name="websocket heartbeat")
        ws, heard = self.ws, self._heard
        try:
            async for msg in ws:
                heard.set()
                if msg.type is WSMsgType.TEXT:
                    self.handle(msg.data)
                elif msg.type is WSMsgType.BINARY:
                    self.send(error_message(None, "invalid_format", "Send JSON as text"))
                elif msg.type is WSMsgType.PING:
                    await ws.pong(msg.data)
        finally:
            self.unsubscribe_all()
            for task in (writer, heartbeat, *self._tasks):
                task.cancel()
            await asyncio.gather(writer, heartbeat, *self._tasks, return_exceptions=True)

    def handle(self, raw: str) -> None:
        try:
            message = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            self.send(error_message(None, "invalid_format", f"Not valid JSON: {error}"))
            return
        if not isinstance(message, dict):
            self.send(error_message(None, "invalid_format", "A message must be a JSON object"))
            return
        msg_id = message.get("id")
        if type(msg_id) is not int:
            self.send(error_message(None, "invalid_format", "A message needs an integer 'id'"))
            return
        if msg_id <= self.last_id:
            self.send(
                error_message(
                    msg_id, "id_reuse", f"Ids must increase: {msg_id} is not above {self.last_id}"
                )
            )
            return
        self.last_id = msg_id
        command = message.get("type")
        handler = COMMANDS.get(command) if isinstance(command, str) else None
        if handler is None:
            self.send(error_message(msg_id, "unknown_command", f"Unknown command {command!r}"))
            return
        try:
            handler(self, msg_id, message)
        except ws_commands.CommandError as error:
            self.send(error_message(msg_id, error.code, error.message))
        except Exception:
            _LOGGER.exception("Error handling WebSocket command %s", command)
            self.send(error_message(msg_id, "unknown_error", "Internal error; see the hub's log"))


async def _authenticate(request: web.Request, ws: web.WebSocketResponse) -> TokenRecord | None:
    await ws.send_frame(_AUTH_REQUIRED, WSMsgType.TEXT)
    try:
        async with asyncio.timeout(AUTH_TIMEOUT):
            msg = await ws.receive()
            while msg.type in (WSMsgType.PING, WSMsgType.PONG):
                if msg.type is WSMsgType.PING:
                    await ws.pong(msg.data)
                msg = await ws.receive()
    except TimeoutError:
        await _auth_invalid(ws, "No auth message in time")
        return None
    if msg.type is not WSMsgType.TEXT:
        await ws.close()
        return None
    try:
        message = orjson.loads(msg.data)
    except orjson.JSONDecodeError:
        message = None
    if not isinstance(message, dict) or message.get("type") != "auth":
        await _auth_invalid(ws, 'Expected {"type": "auth", "access_token": …}')
        return None
    token = message.get("access_token")
    record = request.app[HUB].http.tokens.validate(token) if isinstance(token, str) else None
    if record is None:
        await _auth_invalid(ws, "Invalid or revoked token")
        return None
    await ws.send_frame(_AUTH_OK, WSMsgType.TEXT)
    return record


async def _auth_invalid(ws: web.WebSocketResponse, message: str) -> None:
    await ws.send_frame(orjson.dumps({"type": "auth_invalid", "message": message}), WSMsgType.TEXT)
    await ws.close(code=WSCloseCode.POLICY_VIOLATION, message=b"Authentication failed")


@routes.get(WEBSOCKET_PATH)
async def websocket(request: web.Request) -> web.WebSocketResponse:
    # autoping off: the connection answers pings itself and sees the pongs (heartbeat).
    ws = web.WebSocketResponse(max_msg_size=MAX_MESSAGE, autoping=False)
    await ws.prepare(request)
    sockets: set[web.WebSocketResponse] = request.app[CONNECTIONS]
    sockets.add(ws)
    try:
        token = await _authenticate(request, ws)
        if token is not None:
            await Connection(request, ws, token).run()
    except ConnectionResetError:
        pass  # the client went away
    finally:
        sockets.discard(ws)
        if not ws.closed:
            await ws.close()
    return ws
