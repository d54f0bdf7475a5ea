"""Logging in with a username and a password.

A wrong password, a username nobody has and a user without a password get the same
answer after the same time (:func:`~linli.auth.passwords.async_verify_password`), so the
answer never tells which usernames exist. Repeated failures slow down and then lock the
username (:mod:`linli.auth.lockout`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..exceptions import LinliError
from .lockout import LoginThrottle
from .passwords import async_hash_password, async_verify_password, needs_rehash
from .users import USERNAME, UserEntry

if TYPE_CHECKING:
    from ..hub import Hub


class InvalidCredentials(LinliError):
    def __init__(self) -> None:
        super().__init__("Wrong username or password")


class AccountDisabled(LinliError):
    def __init__(self) -> None:
        super().__init__("This account is disabled: ask the community's administrator")


class Authenticator:
    """Checks usernames and passwords; ``hub.auth``."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.throttle = LoginThrottle(hub)

    async def load(self) -> None:
        await self.throttle.load()

    async def login(self, username: str, password: str) -> UserEntry:
        """The user whose ``username`` and ``password`` these are.

        Raises :class:`InvalidCredentials`, :class:`AccountDisabled`, or (before checking
        the password) :class:`~linli.auth.lockout.TooManyAttempts` or
        :class:`~linli.auth.lockout.AccountLocked`.
        """
        if not USERNAME.match(username.strip()):
            raise InvalidCredentials  # nobody can have it: nothing to count or to guess
        self.throttle.check(username)
        self.throttle.attempt(username)
        user = self.hub.users.get_by_username(username)
        encoded = None if user is None else user.password_hash
        matches = await async_verify_password(password, encoded)
        # Read again: the user may have changed while the password was being checked.
        user = self.hub.users.get_by_username(username)
        if not matches or user is None or user.password_hash != encoded:
            raise InvalidCredentials
        self.throttle.forget(username)
        if user.disabled:
            raise AccountDisabled
        if needs_rehash(encoded):  # COST was raised since this hash was made
            encoded = await async_hash_password(password)
            user = self.hub.users.update(user.id, password_hash=encoded)
        return user
