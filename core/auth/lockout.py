"""Failed logins per username: slow down after a few, lock after more.

The first :data:`FREE_FAILURES` failures cost nothing. After them, each attempt must wait
:data:`SLOWDOWN` seconds after the previous one, doubling with every further failure; at
:data:`LOCK_AFTER` failures the username is locked for :data:`LOCK_SECONDS`, and once the
lock ends every further failure locks it again. A successful login starts afresh, and
failures are forgotten a day after the last one.

An attempt counts as a failure from the moment it starts (the password check runs on a
thread meanwhile) and is forgiven when it succeeds, so that many attempts sent at once
cannot all slip in before the first is counted. Usernames nobody has are counted too:
otherwise being slowed down would tell that a username exists. The counts are stored, so
restarting the hub resets nothing.
"""

from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..exceptions import LinliError
from ..registry.store import upsert_statement
from ..storage.auth_schema import login_failures

if TYPE_CHECKING:
    from ..hub import Hub

_LOGGER = logging.getLogger(__name__)

FREE_FAILURES: Final = 5
SLOWDOWN: Final = 5.0  # seconds to wait after the FREE_FAILURES-th failure, then doubling
LOCK_AFTER: Final = 10
LOCK_SECONDS: Final = 15 * 60
FORGET_AFTER: Final = 24 * 3600  # seconds after the last failure
KEY_LENGTH: Final = 64  # the column's length


class LoginRefused(LinliError):
    """A login refused before its password is checked; try again in ``retry_after`` s."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = math.ceil(retry_after)


class TooManyAttempts(LoginRefused):
    def __init__(self, retry_after: float) -> None:
        super().__init__(
            f"Too many failed logins: try again in {math.ceil(retry_after)} seconds",
            retry_after,
        )


class AccountLocked(LoginRefused):
    def __init__(self, retry_after: float) -> None:
        super().__init__(
            f"Locked after {LOCK_AFTER} failed logins: try again in "
            f"{math.ceil(retry_after / 60)} minutes, or ask an administrator to set a new "
            "password",
            retry_after,
        )


@dataclass(frozen=True, slots=True)
class Failures:
    username: str  # case-folded
    failures: int
    last_failed_at: float
    locked_until: float | None = None


def _key(username: str) -> str:
    return username.strip().casefold()[:KEY_LENGTH]


class LoginThrottle:
    """The failed logins of every username, in memory and written through."""

    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._failures: dict[str, Failures] = {}

    async def load(self) -> None:
        """Read the stored failures, deleting those already forgotten."""
        now = self._hub.clock.time()
        rows = await self._hub.database.read(
            lambda session: session.execute(sa.select(login_failures)).all()
        )
        for row in rows:
            failures = Failures(*row)
            if self._counts(failures, now):
                self._failures[failures.username] = failures
            else:
                self._delete(failures.username)

    @staticmethod
    def _counts(failures: Failures, now: float) -> bool:
        """Whether ``failures`` still count (a lock always does until it ends)."""
        if failures.locked_until is not None and now < failures.locked_until:
            return True
        return now - failures.last_failed_at < FORGET_AFTER

    def _current(self, key: str, now: float) -> Failures | None:
        failures = self._failures.get(key)
        return failures if failures is not None and self._counts(failures, now) else None

    def check(self, username: str) -> None:
        """Raise :class:`AccountLocked` or :class:`TooManyAttempts` if ``username`` must wait."""
        now = self._hub.clock.time()
        failures = self._current(_key(username), now)
        if failures is None:
            return
        if failures.locked_until is not None and now < failures.locked_until:
            raise AccountLocked(failures.locked_until - now)
        if FREE_FAILURES <= failures.failures < LOCK_AFTER:
            wait = SLOWDOWN * 2 ** (failures.failures - FREE_FAILURES)
            if now < failures.last_failed_at + wait:
                raise TooManyAttempts(failures.last_failed_at + wait - now)

    def attempt(self, username: str) -> None:
        """Count an attempt as failed until :meth:`forget` forgives it."""
        key, now = _key(username), self._hub.clock.time()
        previous = self._current(key, now)
        count = 1 if previous is None else previous.failures + 1
        locked_until = now + LOCK_SECONDS if count >= LOCK_AFTER else None
        if count == LOCK_AFTER:
            _LOGGER.warning(
                "Locked logins as %r for %d minutes after %d failures",
                key,
                LOCK_SECONDS // 60,
                count,
            )
        failures = Failures(key, count, now, locked_until)
        self._failures[key] = failures
        row = asdict(failures)
        self._hub.database.write(
            lambda session: session.execute(
                upsert_statement(login_failures, session.get_bind().dialect.name), row
            ),
            f"failed login of {key!r}",
        )

    def forget(self, username: str) -> None:
        """Forget the failures of ``username`` (its password was right, or was reset)."""
        key = _key(username)
        if self._failures.pop(key, None) is not None:
            self._delete(key)

    def _delete(self, key: str) -> None:
        def delete(session: Session) -> None:
            session.execute(sa.delete(login_failures).where(login_failures.c.username == key))

        self._hub.database.write(delete, f"failed logins of {key!r}")
