"""Managing accounts: create users, change their name, role, password or status.

The API's user management and ``linli user`` both come here. Every role given to a user,
at creation too, is appended to the audit trail as ``role_changed``. The last enabled admin
can neither lose the role nor be disabled: nobody could manage the hub afterwards. A new
password ends the user's logins and lifts a lock on their username.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..exceptions import LinliError
from ..registry.base import coerce_enum
from .passwords import async_hash_password, check_password_rules
from .users import Role, UserEntry

if TYPE_CHECKING:
    from ..hub import Hub


class LastAdmin(LinliError):
    """A change would leave the hub without an enabled admin."""


def _audit_role(hub: Hub, actor: str | None, user: UserEntry, previous: Role | None) -> None:
    data = {"user_id": user.id, "from": previous, "to": user.role}
    hub.audit.append("role_changed", actor, data)


async def create_user(
    hub: Hub,
    actor: str | None,
    username: str,
    role: Role | str,
    *,
    name: str | None = None,
    password: str | None = None,
) -> UserEntry:
    """Add a user; ``actor`` is the user id of who does it (None: the hub's command line).

    Without a password the user cannot log in until one is set. Raises
    :class:`~linli.auth.passwords.PasswordError` or :class:`~linli.exceptions.RegistryError`.
    """
    password_hash = None
    if password is not None:
        check_password_rules(password, username)
        password_hash = await async_hash_password(password)
    user = hub.users.create(username, role, name=name, password_hash=password_hash)
    _audit_role(hub, actor, user, None)
    return user


async def update_user(
    hub: Hub,
    actor: str | None,
    user_id: str,
    *,
    name: str | None = None,
    role: Role | str | None = None,
    disabled: bool | None = None,
    password: str | None = None,
) -> UserEntry:
    """Change what is given (None: leave it); raises :class:`LastAdmin`,
    :class:`~linli.auth.passwords.PasswordError` or :class:`~linli.exceptions.RegistryError`."""
    user = hub.users.require(user_id)
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = name.strip()
    if role is not None:
        changes["role"] = coerce_enum(Role, role, "role", hub.users.describe(user))
    if disabled is not None:
        changes["disabled"] = disabled
    if password is not None:
        check_password_rules(password, user.username)
        changes["password_hash"] = await async_hash_password(password)
        user = hub.users.require(user_id)  # it may have changed while the hash was made
    _keep_an_admin(hub, user, changes)
    updated = hub.users.update(user_id, **changes)
    if updated.role is not user.role:
        _audit_role(hub, actor, updated, user.role)
    if password is not None:
        hub.http.tokens.end_logins(user_id)
        hub.auth.throttle.forget(user.username)
    return updated


def _keep_an_admin(hub: Hub, user: UserEntry, changes: dict[str, object]) -> None:
    if user.role is not Role.admin or user.disabled:
        return
    if changes.get("role", Role.admin) is Role.admin and not changes.get("disabled"):
        return
    others = [
        other
        for other in hub.users
        if other.id != user.id and other.role is Role.admin and not other.disabled
    ]
    if not others:
        raise LastAdmin(f"{user.username} is the last enabled admin: make another user admin first")
