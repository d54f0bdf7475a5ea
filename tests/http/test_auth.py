"""Tokens: every /api/ request needs a valid one; the admin token made at first start for
the admin user."""

import logging
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiohttp.test_utils import TestClient

from linli.auth.users import Role
from linli.http import server
from linli.http.tokens import ADMIN_TOKEN_FILE, TokenKind, UnknownToken, hash_token
from linli.hub import Hub
from linli.storage.auth_schema import auth_tokens
from linli.testing.plugin import HubFactory


def admin_token(hub: Hub) -> str:
    return (hub.config.config_dir / ADMIN_TOKEN_FILE).read_text(encoding="utf-8").strip()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def stored_tokens(hub: Hub) -> list[dict]:
    await hub.block_till_done()
    rows = await hub.database.read(lambda session: session.execute(sa.select(auth_tokens)))
    return [dict(row._mapping) for row in rows]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer   "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer not-a-token"},
    ],
    ids=["missing", "empty", "blank", "basic", "unknown"],
)
@pytest.mark.parametrize("path", ["/api/", "/api/states", "/api/nowhere", "/api"])
async def test_api_refuses_requests_without_a_valid_token(
    hub_client_no_auth: TestClient, expect_error, headers: dict, path: str
) -> None:
    response = await hub_client_no_auth.get(path, headers=headers)
    await expect_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_the_admin_token_opens_the_api(hub: Hub, hub_client_no_auth: TestClient) -> None:
    response = await hub_client_no_auth.get("/api/", headers=bearer(admin_token(hub)))
    assert response.status == 200
    # the scheme is case-insensitive
    response = await hub_client_no_auth.get(
        "/api/", headers={"Authorization": "bearer " + admin_token(hub)}
    )
    assert response.status == 200


async def test_admin_token_file_is_private_and_kept_across_restarts(
    hub_factory: HubFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    folder = tmp_path / "community"
    first = await hub_factory(config_dir=folder)
    path = folder / ADMIN_TOKEN_FILE
    token = admin_token(first)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert f"Created the admin token in {path}" in caplog.text
    assert token not in caplog.text
    written = path.stat().st_mtime_ns
    await first.stop()

    caplog.clear()
    second = await hub_factory(config_dir=folder)
    assert path.stat().st_mtime_ns == written
    assert admin_token(second) == token
    assert second.http.tokens.validate(token) is not None
    assert f"The admin token is in {path}" in caplog.text
    assert token not in caplog.text


async def test_deleting_the_admin_token_file_replaces_the_token(
    hub_factory: HubFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "community"
    first = await hub_factory(config_dir=folder)
    old_token = admin_token(first)
    old_user = first.http.tokens.validate(old_token).user_id
    await first.stop()
    (folder / ADMIN_TOKEN_FILE).unlink()

    second = await hub_factory(config_dir=folder)
    new_token = admin_token(second)
    assert new_token != old_token
    assert second.http.tokens.validate(old_token) is None
    assert second.http.tokens.validate(new_token).user_id == old_user
    assert stat.S_IMODE((folder / ADMIN_TOKEN_FILE).stat().st_mode) == 0o600


async def test_only_the_hash_of_a_token_is_stored(hub: Hub) -> None:
    record, token = hub.http.tokens.create("电表脚本", "operator-1", TokenKind.long_lived)
    rows = {row["id"]: row for row in await stored_tokens(hub)}
    assert rows[record.id]["token_hash"] == hash_token(token)
    assert rows[record.id]["kind"] == "long_lived"
    assert token not in repr(list(rows.values()))
    assert admin_token(hub) not in repr(list(rows.values()))


async def test_a_long_lived_token_works_and_its_user_is_the_context(
    hub: Hub, hub_client_no_auth: TestClient
) -> None:
    operator = hub.users.create("wuye", Role.operator)
    record, token = hub.http.tokens.create("门禁脚本", operator.id, TokenKind.long_lived)
    response = await hub_client_no_auth.post(
        "/api/states/sensor.gate", json={"state": "open"}, headers=bearer(token)
    )
    assert response.status == 201
    assert (await response.json())["context"]["user_id"] == operator.id
    assert hub.states.get("sensor.gate").context.user_id == operator.id
    assert hub.http.tokens.validate(token).last_used_at is not None
    rows = {row["id"]: row for row in await stored_tokens(hub)}
    assert rows[record.id]["last_used_at"] is not None


async def test_a_revoked_token_is_refused_also_after_a_restart(
    hub: Hub, hub_client_no_auth: TestClient, hub_factory: HubFactory, expect_error
) -> None:
    resident = hub.users.create("wang.fang", Role.resident)
    record, token = hub.http.tokens.create("old phone", resident.id, TokenKind.long_lived)
    assert (await hub_client_no_auth.get("/api/", headers=bearer(token))).status == 200

    hub.http.tokens.revoke(record.id)
    response = await hub_client_no_auth.get("/api/", headers=bearer(token))
    body = await expect_error(response, 401, "unauthorized")
    assert body["message"] == "Invalid or revoked token"
    with pytest.raises(UnknownToken, match=f"Token '{record.id}' does not exist or is revoked"):
        hub.http.tokens.revoke(record.id)

    await hub.block_till_done()
    again = await hub_factory(config_dir=hub.config.config_dir)
    assert again.http.tokens.validate(token) is None
    assert again.http.tokens.validate(admin_token(again)) is not None


async def test_the_web_app_is_served_without_a_token(
    hub_client_no_auth: TestClient,
    expect_error,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    response = await hub_client_no_auth.get("/")
    assert response.status == 200
    assert response.content_type == "text/html"
    assert "邻里" in await response.text()

    # A hub installed without its web app says where the API is.
    monkeypatch.setattr(server, "WEB_APP_INDEX", tmp_path / "missing.html")
    body = await expect_error(await hub_client_no_auth.get("/"), 404, "not_found")
    assert "/api/" in body["message"]


async def test_the_admin_token_belongs_to_the_admin_user_across_replacements(
    hub_factory: HubFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "community"
    first = await hub_factory(config_dir=folder)
    admin = first.users.get_by_username("admin")
    assert admin.role is Role.admin
    assert first.http.tokens.validate(admin_token(first)).user_id == admin.id
    await first.stop()
    (folder / ADMIN_TOKEN_FILE).unlink()

    second = await hub_factory(config_dir=folder)
    assert [user.username for user in second.users] == ["admin"]
    assert second.http.tokens.validate(admin_token(second)).user_id == admin.id


async def test_an_admin_token_made_before_accounts_existed_is_given_to_the_admin_user(
    hub: Hub, restart
) -> None:
    token = admin_token(hub)
    hub.database.write(
        lambda session: session.execute(sa.update(auth_tokens).values(user_id="user-0")),
        "the admin token as it was before accounts",
    )
    again = await restart(hub)
    assert again.http.tokens.validate(token).user_id == again.users.get_by_username("admin").id


async def test_replacing_the_admin_token_without_an_enabled_admin_restores_the_admin_user(
    hub: Hub, restart
) -> None:
    admin = hub.users.get_by_username("admin")
    hub.users.update(admin.id, role=Role.operator, disabled=True)  # not through the API's checks
    assert hub.http.tokens.validate(admin_token(hub)) is None
    hub.http.tokens.admin_token_path.unlink()

    again = await restart(hub)
    restored = again.users.get(admin.id)
    assert (restored.role, restored.disabled) == (Role.admin, False)
    assert again.http.tokens.validate(admin_token(again)).user_id == admin.id
    [_, change] = await again.audit.records("role_changed")
    assert change.values == {"user_id": admin.id, "from": "operator", "to": "admin"}


async def test_removing_a_user_revokes_their_tokens(hub: Hub) -> None:
    user = hub.users.create("wang.fang", Role.resident)
    _, token = hub.http.tokens.create("门禁脚本", user.id, TokenKind.long_lived)
    hub.users.remove(user.id)
    assert hub.http.tokens.validate(token) is None
    assert hub.http.tokens.tokens_of(user.id) == []
