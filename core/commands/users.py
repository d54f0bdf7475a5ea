"""``linli user ...``: manage the community's accounts from the hub's machine.

The commands work on the community's database directly and need no token: whoever can
read the config folder can run the hub anyway. ``linli user passwd admin`` gives the
``admin`` user, made at first start, a password to log in with. Run them while the hub is
stopped, or restart it right after: a running hub keeps the accounts it loaded at start.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from ..auth.accounts import create_user, update_user
from ..auth.users import Role, UserEntry
from ..config import load_config
from ..exceptions import LinliError
from ..hub import Hub
from ..plugins.manager import PluginManager
from . import Subcommands, add_group, config_option, print_table

T = TypeVar("T")


class CommandError(LinliError):
    """What the command could not do, said to the person who ran it."""


def add_user_commands(commands: Subcommands, default_config_dir: Path) -> None:
    """Add ``linli user`` and its subcommands to the ``linli`` command line."""
    subcommands = add_group(
        commands,
        "user",
        summary="add users, set their passwords, list, disable and enable them",
        description="Manage the accounts of the community's hub, straight in its database.\n"
        "Stop the hub first, or restart it afterwards: a running hub keeps the accounts it\n"
        "loaded when it started.",
        epilog="examples:\n"
        "  linli user passwd admin                      a password for the first admin\n"
        "  linli user add wang --name 王芳 --role operator\n"
        "  linli user list\n"
        '  echo "$PASSWORD" | linli user passwd wang --password-stdin',
    )
    config = config_option(default_config_dir)
    password = argparse.ArgumentParser(add_help=False)
    password.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input instead of asking",
    )

    add = subcommands.add_parser(
        "add",
        parents=[config, password],
        help="add a user with a password",
        description="Add a user and ask for their password (twice).",
    )
    add.add_argument("username", metavar="USERNAME")
    add.add_argument("--name", help="the name people see (default: the username)")
    add.add_argument(
        "--role",
        choices=list(Role),
        default=Role.resident.value,
        help="what the user may do (default: resident)",
    )
    add.set_defaults(handler=_run(_add))

    passwd = subcommands.add_parser(
        "passwd",
        parents=[config, password],
        help="set a user's password",
        description="Set a user's password (asked twice). Their logins end, their long-lived "
        "tokens keep working, and a lock after failed logins is lifted.",
    )
    passwd.add_argument("username", metavar="USERNAME")
    passwd.set_defaults(handler=_run(_passwd))

    listing = subcommands.add_parser(
        "list", parents=[config], help="list the users", description="List every user."
    )
    listing.set_defaults(handler=_run(_list))

    disable = subcommands.add_parser(
        "disable",
        parents=[config],
        help="stop a user from logging in and using tokens",
        description="Disable a user: they cannot log in, and their tokens stop working until "
        "the user is enabled again. The last enabled admin cannot be disabled.",
    )
    disable.add_argument("username", metavar="USERNAME")
    disable.set_defaults(handler=_run(_set_disabled), disabled=True)

    enable = subcommands.add_parser(
        "enable",
        parents=[config],
        help="let a disabled user in again",
        description="Enable a disabled user: their password and tokens work again.",
    )
    enable.add_argument("username", metavar="USERNAME")
    enable.set_defaults(handler=_run(_set_disabled), disabled=False)


def _run(command: Callable[[Hub, argparse.Namespace], Awaitable[str]]) -> Callable[..., int]:
    """A handler that runs ``command`` on the accounts and prints what it says."""

    def handler(args: argparse.Namespace) -> int:
        try:
            print(asyncio.run(_on_accounts(args.config, lambda hub: command(hub, args))))
        except LinliError as error:
            print(error, file=sys.stderr)
            return 1
        return 0

    return handler


async def _on_accounts(config_dir: Path, work: Callable[[Hub], Awaitable[T]]) -> T:
    """Open the community's database, load its accounts as the hub does, run ``work``."""
    hub = Hub(load_config(config_dir), plugins=PluginManager())
    await hub.database.start()
    try:
        await asyncio.gather(hub.users.load(), hub.audit.load(), hub.auth.load())
        await hub.http.tokens.load()  # makes the admin user on a first start
        return await work(hub)
    finally:
        await hub.database.stop()


def _user(hub: Hub, username: str) -> UserEntry:
    user = hub.users.get_by_username(username)
    if user is None:
        raise CommandError(f"No user named {username!r} (linli user list shows them)")
    return user


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != password:
        raise CommandError("The two passwords differ: nothing was changed")
    return password


async def _add(hub: Hub, args: argparse.Namespace) -> str:
    if hub.users.get_by_username(args.username) is not None:
        raise CommandError(f"There is already a user named {args.username!r}")
    password = _read_password(args)
    user = await create_user(hub, None, args.username, args.role, name=args.name, password=password)
    return f"Added the user {user.username} ({user.role})"


async def _passwd(hub: Hub, args: argparse.Namespace) -> str:
    user = _user(hub, args.username)
    await update_user(hub, None, user.id, password=_read_password(args))
    return f"Set the password of {user.username}"


async def _list(hub: Hub, args: argparse.Namespace) -> str:
    rows = [["USERNAME", "NAME", "ROLE", "STATUS"]]
    for user in hub.users:
        status = "disabled" if user.disabled else "enabled"
        if user.password_hash is None:
            status += ", no password"
        rows.append([user.username, user.name, user.role, status])
    print_table(rows)
    return f"Users: {len(rows) - 1}"


async def _set_disabled(hub: Hub, args: argparse.Namespace) -> str:
    user = _user(hub, args.username)
    await update_user(hub, None, user.id, disabled=args.disabled)
    return f"{'Disabled' if args.disabled else 'Enabled'} {user.username}"
