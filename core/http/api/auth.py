"""``/api/auth/``: logging in and out, tokens, and the admins' management of accounts.

Only ``POST /api/auth/login`` and ``POST /api/auth/token`` (refresh) answer without a
token. Login answers, for a wrong password and for a username nobody has alike, 401
``invalid_credentials``; after repeated failures 429 ``too_many_attempts`` and then 423
``account_locked`` (the standard status for a locked resource), both with ``Retry-After``
in seconds (see :mod:`linli.auth.lockout`); for a disabled account whose password is right,
403 ``account_disabled``.
"""

from __future__ import annotations

from typing import Any, Final

from aiohttp import web

from ...auth.accounts import LastAdmin, create_user, update_user
from ...auth.lockout import AccountLocked, LoginRefused
from ...auth.login import AccountDisabled, InvalidCredentials
from ...auth.passwords import PasswordError
from ...auth.permissions import Action
from ...auth.users import Role, UserEntry
from ...exceptions import RegistryError
from .. import access
from ..tokens import ACCESS_LIFETIME, LoginTokens, TokenKind, TokenRecord, TokenRefused
from ..view import (
    ApiError,
    caller,
    field_of,
    hub_of,
    invalid,
    json_response,
    not_found,
    only_fields,
    read_object,
)

routes = web.RouteTableDef()

LOGIN_PATH: Final = "/api/auth/login"
REFRESH_PATH: Final = "/api/auth/token"
# The API's only paths that need no token: how a client gets one.
ANONYMOUS_PATHS: Final = frozenset({LOGIN_PATH, REFRESH_PATH})
MAX_TOKEN_NAME: Final = 100
DEFAULT_CLIENT_NAME: Final = "login"


def _user_summary(user: UserEntry) -> dict[str, Any]:
    return {"id": user.id, "username": user.username, "name": user.name, "role": user.role}


def _user_json(user: UserEntry) -> dict[str, Any]:
    """A user as admins see it: never the password's hash, only whether there is one."""
    return {
        **_user_summary(user),
        "disabled": user.disabled,
        "has_password": user.password_hash is not None,
        "created_at": user.created_at,
        "modified_at": user.modified_at,
    }


def _token_json(record: TokenRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "kind": record.kind,
        "created_at": record.created_at,
        "last_used_at": record.last_used_at,
        "expires_at": record.expires_at,
    }


def _login_answer(request: web.Request, tokens: LoginTokens) -> web.Response:
    user = hub_of(request).users.require(tokens.access.user_id)
    response = json_response(
        {
            "access_token": tokens.access_token,
            "token_type": "Bearer",
            "expires_in": ACCESS_LIFETIME,
            "refresh_token": tokens.refresh_token,
            "user": _user_summary(user),
        }
    )
    response.headers["Cache-Control"] = "no-store"  # tokens: never kept by a cache
    return response


def _refused(error: LoginRefused) -> web.Response:
    if isinstance(error, AccountLocked):
        response = ApiError(423, "account_locked", str(error)).response()
    else:
        response = ApiError(429, "too_many_attempts", str(error)).response()
    response.headers["Retry-After"] = str(error.retry_after)
    return response


def _text(body: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    """A string field that must not be blank when given."""
    value = field_of(body, name, str, required=required)
    if value is not None and not value.strip():
        raise invalid(f"Field '{name}' must not be empty", name)
    return value


def _role(body: dict[str, Any]) -> Role | None:
    value = field_of(body, "role", str)
    if value is None:
        return None
    try:
        return Role(value)
    except ValueError:
        raise invalid(
            f"Field 'role' must be one of {', '.join(Role)}, got {value!r}", "role"
        ) from None


@routes.post(LOGIN_PATH)
async def login(request: web.Request) -> web.Response:
    body = await read_object(request, "The login")
    only_fields(body, ("username", "password", "client_name"))
    username = field_of(body, "username", str, required=True)
    password = field_of(body, "password", str, required=True)
    client_name = (_text(body, "client_name") or DEFAULT_CLIENT_NAME).strip()[:MAX_TOKEN_NAME]
    hub = hub_of(request)
    try:
        user = await hub.auth.login(username, password)
    except InvalidCredentials as error:
        raise ApiError(401, "invalid_credentials", str(error)) from None
    except LoginRefused as error:
        return _refused(error)
    except AccountDisabled as error:
        raise ApiError(403, "account_disabled", str(error)) from None
    return _login_answer(request, hub.http.tokens.create_login(user.id, client_name))


@routes.post(REFRESH_PATH)
async def refresh(request: web.Request) -> web.Response:
    body = await read_object(request, "The refresh request")
    only_fields(body, ("refresh_token",))
    token = field_of(body, "refresh_token", str, required=True)
    try:
        tokens = hub_of(request).http.tokens.refresh(token)
    except TokenRefused as error:
        raise ApiError(401, "unauthorized", str(error)) from None
    return _login_answer(request, tokens)


@routes.post("/api/auth/logout")
async def logout(request: web.Request) -> web.Response:
    """End the login of the caller's access token: its refresh and access tokens."""
    record = caller(request)
    if record.login_id is None:
        raise invalid(
            f"This is a {record.kind} token, not one from a login: revoke it with "
            f"DELETE /api/auth/tokens/{record.id}"
        )
    hub_of(request).http.tokens.revoke(record.id)
    return json_response({"logged_out": True})


@routes.get("/api/auth/me")
async def me(request: web.Request) -> web.Response:
    hub = hub_of(request)
    user = hub.users.require(caller(request).user_id)  # the token check made sure it exists
    households = [
        household
        for household_id in hub.community.households_of_user(user.id)
        if (household := hub.community.households.get(household_id)) is not None
    ]
    households.sort(key=lambda household: household.name)
    return json_response(
        {
            **_user_summary(user),
            "households": [{"id": item.id, "name": item.name} for item in households],
        }
    )


@routes.get("/api/auth/tokens")
async def list_tokens(request: web.Request) -> web.Response:
    tokens = hub_of(request).http.tokens.tokens_of(caller(request).user_id)
    return json_response([_token_json(record) for record in tokens])


@routes.post("/api/auth/tokens")
async def create_long_lived_token(request: web.Request) -> web.Response:
    """A token for a device or a script of the caller, shown this once."""
    body = await read_object(request, "The token")
    only_fields(body, ("name",))
    name = _text(body, "name", required=True).strip()
    if len(name) > MAX_TOKEN_NAME:
        raise invalid(f"Field 'name' must have at most {MAX_TOKEN_NAME} characters", "name")
    store = hub_of(request).http.tokens
    user_id = caller(request).user_id
    if any(
        record.name == name and record.kind is TokenKind.long_lived
        for record in store.tokens_of(user_id)
    ):
        raise invalid(f"You already have a token named {name!r}: choose another name", "name")
    record, token = store.create(name, user_id, TokenKind.long_lived)
    return json_response({**_token_json(record), "token": token}, 201)


@routes.delete("/api/auth/tokens/{token_id}")
async def revoke_token(request: web.Request) -> web.Response:
    token_id = request.match_info["token_id"]
    store = hub_of(request).http.tokens
    if all(record.id != token_id for record in store.tokens_of(caller(request).user_id)):
        raise not_found(f"You have no token {token_id!r}")
    store.revoke(token_id)
    return json_response({"token_id": token_id, "revoked": True})


@routes.get("/api/auth/users")
async def list_users(request: web.Request) -> web.Response:
    access.require(request, Action.manage_users)
    return json_response([_user_json(user) for user in hub_of(request).users])


@routes.post("/api/auth/users")
async def add_user(request: web.Request) -> web.Response:
    access.require(request, Action.manage_users)
    body = await read_object(request, "The user")
    only_fields(body, ("username", "name", "role", "password"))
    username = _text(body, "username", required=True)
    name = _text(body, "name")
    role = _role(body) or Role.resident
    password = field_of(body, "password", str)
    hub = hub_of(request)
    try:
        user = await create_user(
            hub, caller(request).user_id, username, role, name=name, password=password
        )
    except PasswordError as error:
        raise invalid(str(error), "password") from None
    except RegistryError as error:
        raise invalid(str(error), "username") from None
    await hub.database.flush()  # the audit record of its role is committed
    return json_response(_user_json(user), 201)


@routes.patch("/api/auth/users/{user_id}")
async def change_user(request: web.Request) -> web.Response:
    access.require(request, Action.manage_users)
    hub = hub_of(request)
    user_id = request.match_info["user_id"]
    if hub.users.get(user_id) is None:
        raise not_found(f"User {user_id!r} not found")
    body = await read_object(request, "The changes")
    only_fields(body, ("name", "role", "disabled", "password"))
    try:
        user = await update_user(
            hub,
            caller(request).user_id,
            user_id,
            name=_text(body, "name"),
            role=_role(body),
            disabled=field_of(body, "disabled", bool),
            password=field_of(body, "password", str),
        )
    except PasswordError as error:
        raise invalid(str(error), "password") from None
    except LastAdmin as error:
        raise ApiError(409, "conflict", str(error)) from None
    await hub.database.flush()  # the audit record of a role change is committed
    return json_response(_user_json(user))
