"""Access, refresh and long-lived tokens: expiry, rotation, revocation, logout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from aiohttp.test_utils import TestClient

from linli.auth.accounts import update_user
from linli.auth.users import Role
from linli.http.tokens import ACCESS_LIFETIME, KEEP_ENDED, REFRESH_LIFETIME, hash_token
from linli.hub import Hub
from linli.storage.auth_schema import auth_tokens
from linli.testing.time_travel import fire_time_changed

if TYPE_CHECKING:
    from conftest import Bearer, LoggedIn, UserFactory

INVALID = "Invalid or revoked token"


async def refreshed(client: TestClient, refresh_token: str) -> tuple[int, dict]:
    response = await client.post("/api/auth/token", json={"refresh_token": refresh_token})
    return response.status, await response.json()


async def test_an_expired_access_token_is_refused_and_the_refresh_token_gets_a_new_one(
    hub: Hub,
    hub_client_no_auth: TestClient,
    user_factory: UserFactory,
    logged_in: LoggedIn,
    bearer: Bearer,
    expect_error,
) -> None:
    user = await user_factory("wang.fang", Role.operator)  # who may write a state
    tokens = await logged_in(hub_client_no_auth, "wang.fang")
    fire_time_changed(hub, timedelta(seconds=ACCESS_LIFETIME - 1))
    assert (await hub_client_no_auth.get("/api/", headers=bearer(tokens["access_token"]))).ok

    fire_time_changed(hub, timedelta(seconds=1))
    response = await hub_client_no_auth.get("/api/", headers=bearer(tokens["access_token"]))
    body = await expect_error(response, 401, "unauthorized")
    assert body["message"].startswith("Expired token")

    status, new = await refreshed(hub_client_no_auth, tokens["refresh_token"])
    assert status == 200
    assert new["user"]["id"] == user.id
    assert new["refresh_token"] != tokens["refresh_token"]
    written = await hub_client_no_auth.post(
        "/api/states/sensor.gate", json={"state": "open"}, headers=bearer(new["access_token"])
    )
    assert (await written.json())["context"]["user_id"] == user.id


async def test_a_used_refresh_token_is_replaced_and_using_it_again_ends_the_login(
    hub_client_no_auth: TestClient,
    user_factory: UserFactory,
    logged_in: LoggedIn,
    bearer: Bearer,
    expect_error,
) -> None:
    await user_factory("wang.fang")
    first = await logged_in(hub_client_no_auth, "wang.fang")
    _, second = await refreshed(hub_client_no_auth, first["refresh_token"])
    _, third = await refreshed(hub_client_no_auth, second["refresh_token"])
    assert (await hub_client_no_auth.get("/api/", headers=bearer(third["access_token"]))).ok

    # someone replays the first refresh token: the whole login ends
    status, body = await refreshed(hub_client_no_auth, first["refresh_token"])
    assert (status, body["message"]) == (401, INVALID)
    assert (await refreshed(hub_client_no_auth, third["refresh_token"]))[0] == 401
    response = await hub_client_no_auth.get("/api/", headers=bearer(third["access_token"]))
    assert (await expect_error(response, 401, "unauthorized"))["message"] == INVALID


async def test_a_refresh_token_expires_and_is_no_access_token(
    hub: Hub,
    hub_client_no_auth: TestClient,
    user_factory: UserFactory,
    logged_in: LoggedIn,
    bearer: Bearer,
    expect_error,
) -> None:
    await user_factory("wang.fang")
    tokens = await logged_in(hub_client_no_auth, "wang.fang")
    response = await hub_client_no_auth.get("/api/", headers=bearer(tokens["refresh_token"]))
    body = await expect_error(response, 401, "unauthorized")
    assert "refresh token cannot authorise requests" in body["message"]
    status, body = await refreshed(hub_client_no_auth, tokens["access_token"])
    assert (status, body["message"]) == (
        401,
        "Not a refresh token: send the refresh_token of a login",
    )
    status, body = await refreshed(hub_client_no_auth, "forged-refresh-token")
    assert (status, body["message"]) == (401, INVALID)

    fire_time_changed(hub, timedelta(seconds=REFRESH_LIFETIME))
    status, body = await refreshed(hub_client_no_auth, tokens["refresh_token"])
    assert (status, body["message"]) == (401, "Expired refresh token: log in again")


async def test_logout_revokes_the_refresh_token_and_its_access_tokens(
    hub_client_no_auth: TestClient,
    user_factory: UserFactory,
    logged_in: LoggedIn,
    bearer: Bearer,
    expect_error,
) -> None:
    await user_factory("wang.fang")
    first = await logged_in(hub_client_no_auth, "wang.fang")
    _, second = await refreshed(hub_client_no_auth, first["refresh_token"])
    other_device = await logged_in(hub_client_no_auth, "wang.fang")

    response = await hub_client_no_auth.post(
        "/api/auth/logout", headers=bearer(first["access_token"])
    )
    assert (response.status, await response.json()) == (200, {"logged_out": True})
    for token in (first["access_token"], second["access_token"]):
        response = await hub_client_no_auth.get("/api/", headers=bearer(token))
        assert (await expect_error(response, 401, "unauthorized"))["message"] == INVALID
    assert (await refreshed(hub_client_no_auth, second["refresh_token"]))[0] == 401
    # the login on another device goes on
    assert (await hub_client_no_auth.get("/api/", headers=bearer(other_device["access_token"]))).ok


async def test_logout_with_a_long_lived_token_says_how_to_revoke_it(
    hub_client: TestClient, expect_error
) -> None:
    body = await expect_error(await hub_client.post("/api/auth/logout"), 400, "invalid_format")
    assert "DELETE /api/auth/tokens/" in body["message"]


async def test_long_lived_tokens_are_shown_once_listed_without_secrets_and_revoked(
    hub: Hub,
    hub_client_no_auth: TestClient,
    user_factory: UserFactory,
    logged_in: LoggedIn,
    bearer: Bearer,
    expect_error,
) -> None:
    user = await user_factory("wang.fang", Role.operator)  # who may write a state
    login = await logged_in(hub_client_no_auth, "wang.fang")
    headers = bearer(login["access_token"])
    response = await hub_client_no_auth.post(
        "/api/auth/tokens", json={"name": "电表脚本"}, headers=headers
    )
    assert response.status == 201
    created = await response.json()
    assert created["kind"] == "long_lived"
    assert created["expires_at"] is None
    script = bearer(created["token"])
    written = await hub_client_no_auth.post(
        "/api/states/sensor.meter", json={"state": "12.5"}, headers=script
    )
    assert (await written.json())["context"]["user_id"] == user.id

    listing = await (await hub_client_no_auth.get("/api/auth/tokens", headers=headers)).json()
    assert [(item["name"], item["kind"]) for item in listing] == [
        ("login", "refresh"),
        ("电表脚本", "long_lived"),
    ]
    assert created["token"] not in repr(listing)
    assert login["refresh_token"] not in repr(listing)
    assert all(set(item) == set(created) - {"token"} for item in listing)

    again = await hub_client_no_auth.post(
        "/api/auth/tokens", json={"name": "电表脚本"}, headers=headers
    )
    await expect_error(again, 400, "invalid_format", field="name")
    # nobody revokes another user's token: it does not exist for them
    admin_revokes = await hub_client_no_auth.delete(
        f"/api/auth/tokens/{created['id']}",
        headers=bearer(hub.http.tokens.admin_token_path.read_text().strip()),
    )
    await expect_error(admin_revokes, 404, "not_found")

    response = await hub_client_no_auth.delete(f"/api/auth/tokens/{created['id']}", headers=headers)
    assert (await response.json()) == {"token_id": created["id"], "revoked": True}
    response = await hub_client_no_auth.get("/api/", headers=script)
    assert (await expect_error(response, 401, "unauthorized"))["message"] == INVALID
    response = await hub_client_no_auth.delete(f"/api/auth/tokens/{created['id']}", headers=headers)
    await expect_error(response, 404, "not_found")


async def test_revoking_a_login_in_the_list_logs_that_device_out(
    hub_client_no_auth: TestClient,
    user_factory: UserFactory,
    logged_in: LoggedIn,
    bearer: Bearer,
    expect_error,
) -> None:
    await user_factory("wang.fang")
    phone = await logged_in(hub_client_no_auth, "wang.fang")
    laptop = await logged_in(hub_client_no_auth, "wang.fang")
    headers = bearer(laptop["access_token"])
    listing = await (await hub_client_no_auth.get("/api/auth/tokens", headers=headers)).json()
    phone_login = listing[0]["id"]
    assert (await hub_client_no_auth.delete(f"/api/auth/tokens/{phone_login}", headers=headers)).ok
    response = await hub_client_no_auth.get("/api/", headers=bearer(phone["access_token"]))
    await expect_error(response, 401, "unauthorized")
    assert (await refreshed(hub_client_no_auth, phone["refresh_token"]))[0] == 401
    assert (await hub_client_no_auth.get("/api/", headers=headers)).ok


async def test_a_disabled_user_cannot_use_tokens_until_enabled_again(
    hub: Hub,
    hub_client_no_auth: TestClient,
    user_factory: UserFactory,
    logged_in: LoggedIn,
    bearer: Bearer,
    expect_error,
) -> None:
    user = await user_factory("wang.fang")
    tokens = await logged_in(hub_client_no_auth, "wang.fang")
    _, script = hub.http.tokens.create("门禁脚本", user.id, "long_lived")
    hub.users.update(user.id, disabled=True)
    for token in (tokens["access_token"], script):
        response = await hub_client_no_auth.get("/api/", headers=bearer(token))
        body = await expect_error(response, 401, "unauthorized")
        assert body["message"] == "The account of this token is disabled"
    assert (await refreshed(hub_client_no_auth, tokens["refresh_token"]))[0] == 401

    hub.users.update(user.id, disabled=False)
    assert (await hub_client_no_auth.get("/api/", headers=bearer(script))).ok


async def test_a_new_password_ends_the_logins_but_not_the_long_lived_tokens(
    hub: Hub,
    hub_client_no_auth: TestClient,
    user_factory: UserFactory,
    logged_in: LoggedIn,
    bearer: Bearer,
) -> None:
    user = await user_factory("wang.fang")
    tokens = await logged_in(hub_client_no_auth, "wang.fang")
    _, script = hub.http.tokens.create("门禁脚本", user.id, "long_lived")
    await update_user(hub, None, user.id, password="一个新的密码-2026")
    assert (
        await hub_client_no_auth.get("/api/", headers=bearer(tokens["access_token"]))
    ).status == 401
    assert (await hub_client_no_auth.get("/api/", headers=bearer(script))).ok
    await logged_in(hub_client_no_auth, "wang.fang", "一个新的密码-2026")


async def test_tokens_of_ended_logins_are_deleted_a_day_later(
    hub: Hub,
    restart,
    user_factory: UserFactory,
    logged_in: LoggedIn,
    hub_client_no_auth: TestClient,
) -> None:
    await user_factory("wang.fang")
    tokens = await logged_in(hub_client_no_auth, "wang.fang")
    hashes = {hash_token(tokens["access_token"]), hash_token(tokens["refresh_token"])}

    async def stored(hub: Hub) -> set[str]:
        await hub.block_till_done()
        rows = await hub.database.read(
            lambda session: session.execute(sa.select(auth_tokens.c.token_hash)).scalars().all()
        )
        return set(rows) & hashes

    fire_time_changed(hub, timedelta(seconds=REFRESH_LIFETIME + KEEP_ENDED + 1))
    assert await stored(hub) == hashes  # kept until the next token is made, or a restart
    hub.http.tokens.create("门禁脚本", "someone", "long_lived")
    assert await stored(hub) == set()
    assert hub.http.tokens.validate(tokens["access_token"]) is None

    # a login that ended two days ago is deleted when the hub starts
    fire_time_changed(hub, datetime.now(UTC) - timedelta(days=2))
    await user_factory("li.lei")
    tokens = await logged_in(hub_client_no_auth, "li.lei")
    hashes = {hash_token(tokens["access_token"]), hash_token(tokens["refresh_token"])}
    hub.http.tokens.end_logins(hub.users.get_by_username("li.lei").id)
    assert await stored(hub) == hashes
    assert await stored(await restart(hub)) == set()


async def test_me_tells_the_caller_their_role_and_households(
    hub: Hub,
    hub_client: TestClient,
    hub_client_no_auth: TestClient,
    user_factory: UserFactory,
    logged_in: LoggedIn,
    bearer: Bearer,
) -> None:
    user = await user_factory("wang.fang", Role.household_admin, name="王芳")
    home = hub.community.households.create("7号楼 2单元 301")
    parents = hub.community.households.create("3号楼 1单元 102")
    hub.community.households.create("5号楼 1单元 501")
    hub.community.members.create(home.id, "王芳", "owner", user_id=user.id)
    hub.community.members.create(parents.id, "王芳", "caregiver", user_id=user.id)
    tokens = await logged_in(hub_client_no_auth, "wang.fang")
    me = await hub_client_no_auth.get("/api/auth/me", headers=bearer(tokens["access_token"]))
    assert await me.json() == {
        "id": user.id,
        "username": "wang.fang",
        "name": "王芳",
        "role": "household_admin",
        "households": [
            {"id": parents.id, "name": "3号楼 1单元 102"},
            {"id": home.id, "name": "7号楼 2单元 301"},
        ],
    }
    admin = await (await hub_client.get("/api/auth/me")).json()
    assert (admin["username"], admin["role"], admin["households"]) == ("admin", "admin", [])
