"""Accounts under test: cheap password hashes, users in one line, logins over real HTTP."""

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer

from linli.auth.accounts import create_user
from linli.auth.users import Role, UserEntry
from linli.hub import Hub

PASSWORD = "晚饭后-散步-7号楼"


UserFactory = Callable[..., Awaitable[UserEntry]]
Login = Callable[..., Awaitable[ClientResponse]]
LoggedIn = Callable[..., Awaitable[dict[str, Any]]]
ClientFactory = Callable[[Hub], Awaitable[TestClient]]
Bearer = Callable[[str], dict[str, str]]


@pytest.fixture
def bearer() -> Bearer:
    """``headers=bearer(token)``."""
    return lambda token: {"Authorization": f"Bearer {token}"}


@pytest.fixture
def user_factory(request: pytest.FixtureRequest) -> UserFactory:
    """``await user_factory("wang", Role.operator)``: a user with PASSWORD of the ``hub``
    fixture, or of the hub given as ``on=``."""

    async def make(
        username: str, role: Role = Role.resident, *, on: Hub | None = None, **fields: Any
    ) -> UserEntry:
        fields.setdefault("password", PASSWORD)
        hub = on or request.getfixturevalue("hub")
        return await create_user(hub, None, username, role, **fields)

    return make


@pytest.fixture
def login() -> Login:
    """``await login(client, "wang", "password", client_name=...)``: the answer."""

    async def post(
        client: TestClient, username: str, password: str = PASSWORD, **fields: Any
    ) -> ClientResponse:
        body = {"username": username, "password": password, **fields}
        return await client.post("/api/auth/login", json=body)

    return post


@pytest.fixture
def logged_in(login: Login) -> LoggedIn:
    """``await logged_in(client, "wang")``: the JSON of a login that must succeed."""

    async def tokens(client: TestClient, username: str, password: str = PASSWORD) -> Any:
        response = await login(client, username, password)
        assert response.status == 200, await response.text()
        return await response.json()

    return tokens


@pytest.fixture
async def client_factory() -> AsyncIterator[ClientFactory]:
    """``await client_factory(hub)``: a client without a token of any hub (after a restart)."""
    clients: list[TestClient] = []

    async def make(hub: Hub) -> TestClient:
        client = TestClient(TestServer(hub.http.app, port=0))
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()
