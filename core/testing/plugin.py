"""pytest fixtures for hubs, databases, devices and entities (Home Assistant style).

Loaded by pytest through the ``pytest11`` entry point once linli is installed; async
tests need pytest-asyncio (``asyncio_mode = auto``). See docs/testing.md.

- ``hub``: a started hub on a temporary config folder and SQLite database, stopped at
  teardown. The test fails if it leaves tasks or timers behind.
- ``hub_factory``: ``await hub_factory(config_dir=..., database_url=..., plugins=...,
  **config)`` starts more hubs (e.g. to restart on the same database, or with a plugin
  manager holding the integrations under test); all are stopped at teardown.
- ``database_url``: parametrised over SQLite and PostgreSQL, so a test runs on both.
- ``postgresql_url``: a fresh PostgreSQL database (all are dropped when the session ends).
- ``device_factory`` and ``entity_factory``: register a device or an entity in one line.
- ``hub_client``: an aiohttp test client of the hub's HTTP API (real HTTP on 127.0.0.1, a
  free port), sending the admin token; ``hub_client_no_auth`` sends no token.
- ``hub_ws_client``: a WebSocket connection to ``/api/websocket``, authenticated with the
  admin token: ``msg_id = await hub_ws_client.send_json_auto_id({"type": "ping"})``, then
  ``await hub_ws_client.receive_json()``.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientWebSocketResponse
from aiohttp.test_utils import TestClient, TestServer

from ..config import HubConfig
from ..hub import Hub
from ..plugins import PluginManager
from ..registry.devices import DeviceEntry
from ..registry.entities import EntityEntry
from .postgresql import TemporaryDatabases, temporary_databases

# Seconds a test's hub waits for its tasks at teardown before calling them leftovers.
TEARDOWN_TIMEOUT = 2.0

HubFactory = Callable[..., Awaitable[Hub]]


def _loop_leftovers(loop: asyncio.AbstractEventLoop) -> list[str]:
    """Tasks and live timer handles still on the loop, other than the current task."""
    current = asyncio.current_task()
    leftovers = [
        f"task {task.get_name()}: {task.get_coro()!r}"
        for task in asyncio.all_tasks(loop)
        if task is not current and not task.done()
    ]
    scheduled = getattr(loop, "_scheduled", [])  # asyncio keeps its timer heap here
    leftovers += [f"timer {handle!r}" for handle in scheduled if not handle.cancelled()]
    return leftovers


@pytest.fixture
async def hub_factory(tmp_path: Path) -> AsyncIterator[HubFactory]:
    """Start hubs on demand; stop them all at teardown and fail on leftovers."""
    hubs: list[Hub] = []

    async def make(
        config_dir: Path | None = None,
        database_url: str = "",
        plugins: PluginManager | None = None,
        **config: Any,
    ) -> Hub:
        if config_dir is None:
            config_dir = tmp_path / f"hub{len(hubs)}"
        config_dir.mkdir(parents=True, exist_ok=True)
        config.setdefault("name", "测试小区")
        # Integrations under test run without a vote; pass votes_required=True to test the
        # gate, or vote them in with linli.testing.governance.vote_in.
        config.setdefault("votes_required", False)
        hub = Hub(
            HubConfig(config_dir=config_dir, database_url=database_url, **config), plugins=plugins
        )
        await hub.start()
        hubs.append(hub)
        return hub

    yield make

    leftovers: list[str] = []
    for hub in hubs:
        await hub.stop(timeout=TEARDOWN_TIMEOUT)
        leftovers += hub.leftovers_at_stop
    await asyncio.sleep(0)
    leftovers += _loop_leftovers(asyncio.get_running_loop())
    if leftovers:
        pytest.fail("The test left tasks or timers behind:\n  " + "\n  ".join(leftovers))


@pytest.fixture
async def hub(hub_factory: HubFactory) -> Hub:
    """A started hub with an empty SQLite database in a temporary config folder."""
    return await hub_factory()


@pytest.fixture(scope="session")
def postgresql_databases() -> Iterator[TemporaryDatabases]:
    """The test session's PostgreSQL databases, dropped when the session ends."""
    with temporary_databases() as databases:
        yield databases


@pytest.fixture
def postgresql_url(postgresql_databases: TemporaryDatabases) -> str:
    """The URL of a new, empty PostgreSQL database."""
    return postgresql_databases.create()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgresql_databases: TemporaryDatabases
) -> str:
    """A fresh database URL: the test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'linli-test.db'}"
    return postgresql_databases.create()


@pytest.fixture
def device_factory(hub: Hub) -> Callable[..., DeviceEntry]:
    """``device_factory(name=..., household_id=..., area_id=...)`` registers a device."""

    def make(**fields: Any) -> DeviceEntry:
        fields.setdefault("identifiers", {("test", uuid.uuid4().hex)})
        fields.setdefault("manufacturer", "Test Manufacturer")
        fields.setdefault("model", "Test Model")
        return hub.devices.get_or_create(**fields)

    return make


@pytest.fixture
def entity_factory(hub: Hub) -> Callable[..., EntityEntry]:
    """``entity_factory("sensor", state="21.5", attributes={...}, device_id=...)``.

    Registers an entity of the ``test`` platform and, unless ``state`` is None, writes
    its state. Other keyword arguments go to the entity registry.
    """

    def make(
        domain: str = "sensor",
        *,
        state: str | None = "unknown",
        attributes: dict[str, Any] | None = None,
        unique_id: str | None = None,
        **fields: Any,
    ) -> EntityEntry:
        entry = hub.entities.get_or_create(domain, "test", unique_id or uuid.uuid4().hex, **fields)
        if state is not None:
            hub.states.set(entry.entity_id, state, attributes)
        return entry

    return make


async def _client(hub: Hub, headers: dict[str, str]) -> TestClient:
    """A started test client of ``hub``'s web app on a free port of 127.0.0.1."""
    client = TestClient(TestServer(hub.http.app, port=0), headers=headers)
    await client.start_server()
    return client


@pytest.fixture
async def hub_client(hub: Hub) -> AsyncIterator[TestClient]:
    """``await hub_client.get("/api/states")``: requests to ``hub`` with its admin token.

    The token is the one the hub wrote to ``<config_dir>/admin_token`` at first start.
    """
    token = hub.http.tokens.admin_token_path.read_text(encoding="utf-8").strip()
    client = await _client(hub, {"Authorization": f"Bearer {token}"})
    yield client
    await client.close()


@pytest.fixture
async def hub_client_no_auth(hub: Hub) -> AsyncIterator[TestClient]:
    """Like ``hub_client`` but without a token: pass ``headers=`` per request, or none."""
    client = await _client(hub, {})
    yield client
    await client.close()


class WebSocketClient:
    """An authenticated WebSocket connection to the hub that numbers its messages itself."""

    def __init__(self, ws: ClientWebSocketResponse) -> None:
        self.ws = ws
        self._last_id = 0

    async def send_json_auto_id(self, payload: dict[str, Any]) -> int:
        """Send ``payload`` with the next id; return that id."""
        self._last_id += 1
        await self.ws.send_json({**payload, "id": self._last_id})
        return self._last_id

    async def send_json(self, payload: Any) -> None:
        """Send ``payload`` as it is (no id added)."""
        await self.ws.send_json(payload)

    async def receive_json(self, timeout: float = 5.0) -> Any:
        """The next message, decoded; fails after ``timeout`` seconds without one."""
        return await self.ws.receive_json(timeout=timeout)

    async def close(self) -> None:
        await self.ws.close()

    @property
    def closed(self) -> bool:
        return self.ws.closed


@pytest.fixture
async def hub_ws_client(hub: Hub) -> AsyncIterator[WebSocketClient]:
    """A WebSocket client of ``hub``'s ``/api/websocket``, past the auth handshake."""
    token = hub.http.tokens.admin_token_path.read_text(encoding="utf-8").strip()
    client = await _client(hub, {})
    ws = await client.ws_connect("/api/websocket")
    assert (await ws.receive_json(timeout=5))["type"] == "auth_required"
    await ws.send_json({"type": "auth", "access_token": token})
    answer = await ws.receive_json(timeout=5)
    assert answer["type"] == "auth_ok", answer
    yield WebSocketClient(ws)
    await ws.close()
    await client.close()
