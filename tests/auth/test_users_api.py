"""Admins manage accounts over the API; every role given or changed is audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from aiohttp.test_utils import TestClient

from linli.auth.users import Role
from linli.hub import Hub

if TYPE_CHECKING:
    from conftest import Bearer, LoggedIn, Login, UserFactory


def admin_id(hub: Hub) -> str:
    return hub.users.get_by_username("admin").id


async def test_the_admin_token_belongs_to_the_admin_user(hub: Hub) -> None:
    token = hub.http.tokens.admin_token_path.read_text().strip()
    user = hub.users.get(hub.http.tokens.validate(token).user_id)
    assert (user.username, user.role, user.password_hash, user.disabled) == (
        "admin",
        Role.admin,
        None,
        False,
    )
    [granted] = await hub.audit.records("role_changed")
    assert (granted.actor, granted.values) == (
        None,
        {"user_id": user.id, "from": None, "to": "admin"},
    )


async def test_an_admin_adds_a_user_who_then_logs_in(
    hub: Hub, hub_client: TestClient, hub_client_no_auth: TestClient, logged_in: LoggedIn
) -> None:
    response = await hub_client.post(
        "/api/auth/users",
        json={
            "username": "wang.fang",
            "name": "王芳",
            "role": "operator",
            "password": "物业-前台-2026",
        },
    )
    assert response.status == 201
    user = await response.json()
    assert user == {
        "id": user["id"],
        "username": "wang.fang",
        "name": "王芳",
        "role": "operator",
        "disabled": False,
        "has_password": True,
        "created_at": user["created_at"],
        "modified_at": user["modified_at"],
    }
    assert (await logged_in(hub_client_no_auth, "wang.fang", "物业-前台-2026"))["user"][
        "id"
    ] == user["id"]
    listing = await (await hub_client.get("/api/auth/users")).json()
    assert [item["username"] for item in listing] == ["admin", "wang.fang"]
    assert "password_hash" not in repr(listing)


async def test_a_user_without_a_password_is_a_resident_until_told_otherwise(
    hub_client: TestClient,
) -> None:
    response = await hub_client.post("/api/auth/users", json={"username": "li.lei"})
    assert response.status == 201
    user = await response.json()
    assert (user["role"], user["name"], user["has_password"]) == ("resident", "li.lei", False)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"username": "wang", "password": "123456789"}, "password", "not be only digits"),
        ({"username": "admin"}, "username", "There is already a user named 'admin'"),
        ({"username": "王 芳"}, "username", "must be 2 to 64 letters"),
        ({"username": "  "}, "username", "must not be empty"),
        ({"username": "wang", "role": "mayor"}, "role", "must be one of resident"),
        ({"username": "wang", "email": "w@example.com"}, "email", "Unknown field 'email'"),
        ({"name": "王芳"}, "username", "Field 'username' is required"),
    ],
)
async def test_a_bad_new_user_is_refused_naming_the_field(
    hub_client: TestClient, expect_error, body: dict, field: str, message: str
) -> None:
    response = await hub_client.post("/api/auth/users", json=body)
    assert message in (await expect_error(response, 400, "invalid_format", field=field))["message"]


async def test_only_admins_manage_users(
    hub: Hub,
    hub_client_no_auth: TestClient,
    user_factory: UserFactory,
    logged_in: LoggedIn,
    bearer: Bearer,
    expect_error,
) -> None:
    target = await user_factory("li.lei")
    for role in (Role.resident, Role.household_admin, Role.operator):
        await user_factory(role.value, role)
        headers = bearer((await logged_in(hub_client_no_auth, role.value))["access_token"])
        for method, path, body in [
            ("GET", "/api/auth/users", None),
            ("POST", "/api/auth/users", {"username": "sneaky", "role": "admin"}),
            ("PATCH", f"/api/auth/users/{target.id}", {"role": "admin"}),
        ]:
            response = await hub_client_no_auth.request(method, path, json=body, headers=headers)
            error = await expect_error(response, 403, "forbidden")
            assert error["message"] == (
                f"A user with the role {role} may not manage the user accounts of the community"
            )
    assert hub.users.get_by_username("sneaky") is None
    assert hub.users.get(target.id).role is Role.resident


async def test_every_role_change_is_audited_with_who_made_it(
    hub: Hub, hub_client: TestClient, user_factory: UserFactory
) -> None:
    user = await user_factory("wang.fang")
    response = await hub_client.patch(
        f"/api/auth/users/{user.id}", json={"role": "operator", "name": "王芳"}
    )
    assert response.status == 200
    assert ((await response.json())["role"], (await response.json())["name"]) == (
        "operator",
        "王芳",
    )
    # a change that keeps the role is no role change
    await hub_client.patch(f"/api/auth/users/{user.id}", json={"role": "operator"})
    await hub_client.patch(f"/api/auth/users/{user.id}", json={"role": "household_admin"})

    changes = [
        (record.actor, record.values)
        for record in await hub.audit.records("role_changed")
        if record.values["user_id"] == user.id
    ]
    assert changes == [
        (None, {"user_id": user.id, "from": None, "to": "resident"}),
        (admin_id(hub), {"user_id": user.id, "from": "resident", "to": "operator"}),
        (admin_id(hub), {"user_id": user.id, "from": "operator", "to": "household_admin"}),
    ]
    assert (await hub.audit.verify()).ok


async def test_an_admin_disables_enables_and_sets_a_password(
    hub: Hub,
    hub_client: TestClient,
    hub_client_no_auth: TestClient,
    user_factory: UserFactory,
    login: Login,
    expect_error,
) -> None:
    user = await user_factory("wang.fang")
    path = f"/api/auth/users/{user.id}"
    assert (await (await hub_client.patch(path, json={"disabled": True})).json())["disabled"]
    await expect_error(await login(hub_client_no_auth, "wang.fang"), 403, "account_disabled")
    await hub_client.patch(path, json={"disabled": False, "password": "新的密码-请记住"})
    assert (await login(hub_client_no_auth, "wang.fang", "新的密码-请记住")).status == 200

    response = await hub_client.patch(path, json={"password": "wang.fang"})
    await expect_error(response, 400, "invalid_format", field="password")
    response = await hub_client.patch(path, json={"disabled": "yes"})
    await expect_error(response, 400, "invalid_format", field="disabled")
    response = await hub_client.patch("/api/auth/users/nobody", json={"disabled": True})
    await expect_error(response, 404, "not_found")


async def test_the_last_enabled_admin_keeps_the_role(
    hub: Hub, hub_client: TestClient, user_factory: UserFactory, expect_error
) -> None:
    path = f"/api/auth/users/{admin_id(hub)}"
    for change in ({"role": "operator"}, {"disabled": True}):
        body = await expect_error(await hub_client.patch(path, json=change), 409, "conflict")
        assert body["message"] == "admin is the last enabled admin: make another user admin first"

    await user_factory("zhang.wei", Role.admin)
    response = await hub_client.patch(path, json={"role": "operator"})
    assert (await response.json())["role"] == "operator"
