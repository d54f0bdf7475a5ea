"""``linli user ...`` on a community's config folder, then the hub that starts on it."""

from __future__ import annotations

import asyncio
import getpass
import io
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from linli.cli import main
from linli.config import CONFIG_FILE
from linli.testing.plugin import HubFactory

if TYPE_CHECKING:
    from conftest import ClientFactory, LoggedIn, Login

Linli = Callable[..., Awaitable[tuple[int, str, str]]]


@pytest.fixture
def community(tmp_path: Path) -> Path:
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / CONFIG_FILE).write_text("community:\n  name: 阳光花园\n", encoding="utf-8")
    return folder


@pytest.fixture
def linli(
    community: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Linli:
    """``await linli("user", "list", stdin="...")`` on ``community``: (exit code, out, err).

    The command runs on a thread, as it would in its own process: it runs its own loop.
    """

    async def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = await asyncio.to_thread(main, [*args, "--config", str(community)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


async def test_passwd_gives_the_admin_a_password_to_log_in_with(
    linli: Linli,
    community: Path,
    hub_factory: HubFactory,
    client_factory: ClientFactory,
    logged_in: LoggedIn,
) -> None:
    code, out, _ = await linli("user", "list")
    assert code == 0
    assert out.splitlines()[1].split() == [
        "admin",
        "Administrator",
        "admin",
        "enabled,",
        "no",
        "password",
    ]
    token = (community / "admin_token").read_text()

    code, out, err = await linli(
        "user", "passwd", "admin", "--password-stdin", stdin="管理员的-好密码\n"
    )
    assert (code, out, err) == (0, "Set the password of admin\n", "")

    hub = await hub_factory(config_dir=community)
    assert (community / "admin_token").read_text() == token  # the CLI made it, the hub keeps it
    answer = await logged_in(await client_factory(hub), "admin", "管理员的-好密码")
    assert answer["user"]["role"] == "admin"
    assert answer["user"]["id"] == hub.http.tokens.validate(token.strip()).user_id


async def test_add_disable_enable_and_passwd_a_user(
    linli: Linli,
    community: Path,
    hub_factory: HubFactory,
    client_factory: ClientFactory,
    login: Login,
    logged_in: LoggedIn,
) -> None:
    code, out, _ = await linli(
        "user", "add", "wang.fang", "--name", "王芳", "--role", "operator", "--password-stdin",
        stdin="物业-前台-2026\n",
    )  # fmt: skip
    assert (code, out) == (0, "Added the user wang.fang (operator)\n")
    assert (await linli("user", "disable", "wang.fang"))[:2] == (0, "Disabled wang.fang\n")
    _, out, _ = await linli("user", "list")
    assert out.splitlines()[2].split() == ["wang.fang", "王芳", "operator", "disabled"]
    assert (await linli("user", "enable", "wang.fang"))[:2] == (0, "Enabled wang.fang\n")
    code, _, _ = await linli(
        "user", "passwd", "wang.fang", "--password-stdin", stdin="换一个-新的密码\n"
    )
    assert code == 0

    hub = await hub_factory(config_dir=community)
    client = await client_factory(hub)
    assert (await login(client, "wang.fang", "物业-前台-2026")).status == 401
    answer = await logged_in(client, "wang.fang", "换一个-新的密码")
    assert answer["user"] == {
        "id": answer["user"]["id"],
        "username": "wang.fang",
        "name": "王芳",
        "role": "operator",
    }
    granted = [record.values for record in await hub.audit.records("role_changed")]
    assert {"user_id": answer["user"]["id"], "from": None, "to": "operator"} in granted


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """``terminal("first", "second")``: what the person types at the password prompts."""

    def answers(*typed: str) -> None:
        replies: Iterator[str] = iter(typed)
        monkeypatch.setattr(getpass, "getpass", lambda prompt: next(replies))

    return answers


async def test_passwords_are_asked_twice(linli: Linli, terminal: Callable[..., None]) -> None:
    terminal("物业-前台-2026", "物业-前台-2027")
    code, _, err = await linli("user", "add", "wang.fang")
    assert (code, err) == (1, "The two passwords differ: nothing was changed\n")
    terminal("物业-前台-2026", "物业-前台-2026")
    assert (await linli("user", "add", "wang.fang"))[0] == 0


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("add", "wang", "--password-stdin"), "short\n", "The password must have at least 8"),
        (("add", "admin", "--password-stdin"), "long-enough\n", "already a user named 'admin'"),
        (("add", "王 芳", "--password-stdin"), "long-enough\n", "must be 2 to 64 letters"),
        (("passwd", "nobody", "--password-stdin"), "long-enough\n", "No user named 'nobody'"),
        (("disable", "admin"), "", "admin is the last enabled admin"),
    ],
)
async def test_mistakes_are_refused_with_the_reason_and_change_nothing(
    linli: Linli, args: tuple[str, ...], stdin: str, message: str
) -> None:
    code, out, err = await linli("user", *args, stdin=stdin)
    assert (code, out) == (1, "")
    assert message in err
    _, out, _ = await linli("user", "list")
    assert out.splitlines()[-1] == "Users: 1"


async def test_a_missing_configuration_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = await asyncio.to_thread(main, ["user", "list", "--config", str(tmp_path / "nowhere")])
    assert code == 1
    assert f"No configuration file {tmp_path / 'nowhere' / CONFIG_FILE}" in capsys.readouterr().err
    assert not (tmp_path / "nowhere").exists()
