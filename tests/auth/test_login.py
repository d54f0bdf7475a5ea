"""Logging in: one answer for every wrong username or password, slowing down, locking."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from aiohttp.test_utils import TestClient

from linli.auth import passwords
from linli.auth.lockout import FREE_FAILURES, LOCK_AFTER, LOCK_SECONDS, SLOWDOWN
from linli.auth.passwords import ScryptCost
from linli.auth.users import Role
from linli.http.tokens import ACCESS_LIFETIME
from linli.hub import Hub
from linli.testing.plugin import HubFactory
from linli.testing.time_travel import fire_time_changed

if TYPE_CHECKING:
    from conftest import Bearer, ClientFactory, LoggedIn, Login, UserFactory

WRONG = "not-the-password"


async def test_login_answers_tokens_and_the_user(
    hub: Hub,
    hub_client_no_auth: TestClient,
    user_factory: UserFactory,
    login: Login,
    bearer: Bearer,
) -> None:
    user = await user_factory("wang.fang", Role.operator, name="王芳")
    response = await login(hub_client_no_auth, "Wang.Fang", client_name="物业前台")
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = await response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == ACCESS_LIFETIME
    assert body["user"] == {
        "id": user.id,
        "username": "wang.fang",
        "name": "王芳",
        "role": "operator",
    }
    assert body["access_token"] != body["refresh_token"]

    headers = bearer(body["access_token"])
    written = await hub_client_no_auth.post(
        "/api/states/sensor.gate", json={"state": "open"}, headers=headers
    )
    assert (await written.json())["context"]["user_id"] == user.id
    me = await hub_client_no_auth.get("/api/auth/me", headers=headers)
    assert (await me.json())["username"] == "wang.fang"
    tokens = await (await hub_client_no_auth.get("/api/auth/tokens", headers=headers)).json()
    assert [(token["name"], token["kind"]) for token in tokens] == [("物业前台", "refresh")]


async def test_wrong_password_unknown_user_and_no_password_get_the_same_answer(
    hub_client_no_auth: TestClient, user_factory: UserFactory, login: Login, expect_error
) -> None:
    await user_factory("wang.fang")
    await user_factory("li.lei", password=None)  # made by an admin, no password set yet
    answers = [
        await expect_error(await login(hub_client_no_auth, username, password), 401, code)
        for username, password, code in [
            ("wang.fang", WRONG, "invalid_credentials"),
            ("zhao.lei", WRONG, "invalid_credentials"),
            ("li.lei", WRONG, "invalid_credentials"),
            ("li.lei", "", "invalid_credentials"),
            ("no such name!", WRONG, "invalid_credentials"),
        ]
    ]
    assert all(answer == answers[0] for answer in answers)
    assert answers[0]["message"] == "Wrong username or password"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": "x"}, "username"),
        ({"username": "wang"}, "password"),
        ({"username": 7, "password": "x"}, "username"),
        ({"username": "wang", "password": "x", "remember": True}, "remember"),
    ],
)
async def test_a_malformed_login_names_the_field(
    hub_client_no_auth: TestClient, expect_error, body: dict, field: str
) -> None:
    response = await hub_client_no_auth.post("/api/auth/login", json=body)
    await expect_error(response, 400, "invalid_format", field=field)


async def test_a_disabled_user_cannot_log_in(
    hub: Hub, hub_client_no_auth: TestClient, user_factory: UserFactory, login: Login, expect_error
) -> None:
    user = await user_factory("wang.fang")
    hub.users.update(user.id, disabled=True)
    body = await expect_error(await login(hub_client_no_auth, "wang.fang"), 403, "account_disabled")
    assert "disabled" in body["message"]
    # the wrong password tells nothing more than for anyone else
    await expect_error(
        await login(hub_client_no_auth, "wang.fang", WRONG), 401, "invalid_credentials"
    )


async def fail(client: TestClient, login: Login, expect_error, username: str, times: int) -> None:
    for _ in range(times):
        await expect_error(await login(client, username, WRONG), 401, "invalid_credentials")


@pytest.mark.parametrize("username", ["wang.fang", "nobody.here"], ids=["user", "unknown"])
async def test_failures_slow_down_then_lock_for_fifteen_minutes(
    hub: Hub,
    hub_client_no_auth: TestClient,
    user_factory: UserFactory,
    login: Login,
    expect_error,
    username: str,
) -> None:
    await user_factory("wang.fang")
    client = hub_client_no_auth
    await fail(client, login, expect_error, username, FREE_FAILURES)

    for failures in range(FREE_FAILURES, LOCK_AFTER):
        wait = SLOWDOWN * 2 ** (failures - FREE_FAILURES)
        response = await login(client, username)  # even the right password must wait
        body = await expect_error(response, 429, "too_many_attempts")
        assert response.headers["Retry-After"] == str(int(wait))
        assert f"try again in {int(wait)} seconds" in body["message"]
        fire_time_changed(hub, timedelta(seconds=wait))
        await fail(client, login, expect_error, username, 1)

    response = await login(client, username)
    body = await expect_error(response, 423, "account_locked")
    assert response.headers["Retry-After"] == str(LOCK_SECONDS)
    assert "try again in 15 minutes" in body["message"]
    fire_time_changed(hub, timedelta(seconds=LOCK_SECONDS - 1))
    await expect_error(await login(client, username), 423, "account_locked")

    fire_time_changed(hub, timedelta(seconds=1))
    if username == "wang.fang":
        assert (await login(client, username)).status == 200
    else:
        await expect_error(await login(client, username), 401, "invalid_credentials")


async def test_a_failure_after_the_lock_locks_again_and_a_success_starts_afresh(
    hub: Hub, hub_client_no_auth: TestClient, user_factory: UserFactory, login: Login, expect_error
) -> None:
    await user_factory("wang.fang")
    for _ in range(LOCK_AFTER):
        fire_time_changed(hub, timedelta(seconds=LOCK_SECONDS))
        await fail(hub_client_no_auth, login, expect_error, "wang.fang", 1)
    fire_time_changed(hub, timedelta(seconds=LOCK_SECONDS))
    await fail(hub_client_no_auth, login, expect_error, "wang.fang", 1)
    await expect_error(await login(hub_client_no_auth, "wang.fang"), 423, "account_locked")

    fire_time_changed(hub, timedelta(seconds=LOCK_SECONDS))
    assert (await login(hub_client_no_auth, "wang.fang")).status == 200
    await fail(hub_client_no_auth, login, expect_error, "wang.fang", FREE_FAILURES)
    await expect_error(await login(hub_client_no_auth, "wang.fang"), 429, "too_many_attempts")


async def test_failures_are_forgotten_a_day_after_the_last(
    hub: Hub, hub_client_no_auth: TestClient, user_factory: UserFactory, login: Login, expect_error
) -> None:
    await user_factory("wang.fang")
    await fail(hub_client_no_auth, login, expect_error, "wang.fang", FREE_FAILURES)
    fire_time_changed(hub, timedelta(days=1))
    await fail(hub_client_no_auth, login, expect_error, "wang.fang", FREE_FAILURES)


async def test_the_lock_survives_a_restart_and_ends_after_its_period(
    hub_factory: HubFactory,
    database_url: str,
    restart,
    client_factory: ClientFactory,
    user_factory: UserFactory,
    login: Login,
    logged_in: LoggedIn,
    expect_error,
) -> None:
    hub = await hub_factory(database_url=database_url)
    await user_factory("wang.fang", on=hub)
    client = await client_factory(hub)
    await fail(client, login, expect_error, "wang.fang", FREE_FAILURES)
    for failures in range(FREE_FAILURES, LOCK_AFTER):
        fire_time_changed(hub, timedelta(seconds=SLOWDOWN * 2 ** (failures - FREE_FAILURES)))
        await fail(client, login, expect_error, "wang.fang", 1)
    locked_at = hub.clock.now()

    hub = await restart(hub)
    client = await client_factory(hub)
    fire_time_changed(hub, locked_at + timedelta(seconds=LOCK_SECONDS - 5))
    await expect_error(await login(client, "wang.fang"), 423, "account_locked")
    fire_time_changed(hub, timedelta(seconds=5))
    await logged_in(client, "wang.fang")


async def test_a_slowed_down_username_stays_slowed_down_after_a_restart(
    hub: Hub,
    restart,
    hub_client_no_auth: TestClient,
    client_factory: ClientFactory,
    user_factory: UserFactory,
    login: Login,
    expect_error,
) -> None:
    await user_factory("wang.fang")
    await fail(hub_client_no_auth, login, expect_error, "wang.fang", FREE_FAILURES)
    hub = await restart(hub)
    client = await client_factory(hub)
    await expect_error(await login(client, "wang.fang"), 429, "too_many_attempts")


async def test_login_rehashes_a_password_made_at_an_older_cost(
    hub: Hub,
    hub_client_no_auth: TestClient,
    user_factory: UserFactory,
    logged_in: LoggedIn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = await user_factory("wang.fang")
    monkeypatch.setattr(passwords, "COST", ScryptCost(log2_n=9, r=8, p=1))
    await logged_in(hub_client_no_auth, "wang.fang")
    new_hash = hub.users.get(user.id).password_hash
    assert new_hash.startswith("$scrypt$ln=9,r=8,p=1$")
    await logged_in(hub_client_no_auth, "wang.fang")
    assert hub.users.get(user.id).password_hash == new_hash


async def test_only_login_and_refresh_answer_without_a_token(
    hub: Hub, hub_client_no_auth: TestClient, expect_error
) -> None:
    # without a body: the field they need first
    anonymous = {"/api/auth/login": "username", "/api/auth/token": "refresh_token"}
    routes = {
        (route.method, route.resource.canonical)
        for route in hub.http.app.router.routes()
        if route.resource.canonical.startswith("/api/auth/") and route.method != "HEAD"
    }
    assert len(routes) > len(anonymous)
    for method, path in sorted(routes):
        response = await hub_client_no_auth.request(method, path.replace("{", "").replace("}", ""))
        if path in anonymous:
            await expect_error(response, 400, "invalid_format", field=anonymous[path])
        else:
            await expect_error(response, 401, "unauthorized")
