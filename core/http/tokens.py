"""API tokens: created, checked, refreshed and revoked; only their SHA-256 is stored.

Kinds of token:

- ``admin``: made by the hub at first start for the user ``admin`` and written to
  ``<config_dir>/admin_token`` (mode 0600); deleting that file and restarting the hub
  replaces it (the old one is revoked).
- ``long_lived``: made by a user for a device or a script; valid until revoked.
- a login makes a ``refresh`` token (:data:`REFRESH_LIFETIME`) and an ``access`` token
  (:data:`ACCESS_LIFETIME`). The refresh token buys new access tokens and is replaced
  each time (rotation); using a replaced one again ends the login, since only a thief
  or a confused client would. Revoking any token of a login (logging out) ends it all.

Every token is loaded at start into a cache keyed by hash, so checking one never waits on
the database. Tokens of logins that ended (expired or revoked) more than
:data:`KEEP_ENDED` ago are deleted, at start and hourly as new ones are made.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..auth.accounts import create_user, update_user
from ..auth.users import EVENT_USER_REGISTRY_UPDATED, Role, UserEntry
from ..events import Event, EventData
from ..exceptions import LinliError
from ..registry.store import upsert_statement
from ..storage.auth_schema import auth_tokens

if TYPE_CHECKING:
    from ..hub import Hub

_LOGGER = logging.getLogger(__name__)

ADMIN_TOKEN_FILE: Final = "admin_token"
ADMIN_USERNAME: Final = "admin"
ACCESS_LIFETIME: Final = 30 * 60  # seconds
REFRESH_LIFETIME: Final = 30 * 24 * 3600
KEEP_ENDED: Final = 24 * 3600  # seconds an ended login's tokens are kept (and recognised)
PRUNE_INTERVAL: Final = 3600
# Seconds between two stored updates of a token's last use: not one write per request.
LAST_USED_INTERVAL: Final = 60.0


class TokenKind(StrEnum):
    admin = "admin"  # made by the hub at first start, for its operator
    long_lived = "long_lived"  # made for a script or a device, valid until revoked
    refresh = "refresh"  # made at login; buys access tokens
    access = "access"  # made at login and by refreshing; short-lived


# The kinds of token that authorise API requests (a refresh token only buys access tokens).
API_KINDS: Final = frozenset({TokenKind.admin, TokenKind.long_lived, TokenKind.access})


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenRecord:
    """What the hub knows of a token: everything but the token itself."""

    id: str
    name: str
    token_hash: str
    user_id: str
    kind: TokenKind
    created_at: float
    last_used_at: float | None = None
    revoked_at: float | None = None
    expires_at: float | None = None  # None: valid until revoked
    login_id: str | None = None  # the login a refresh or access token belongs to

    @property
    def ended_at(self) -> float | None:
        """When the token stopped (or will stop) being valid; None if never."""
        return self.revoked_at if self.revoked_at is not None else self.expires_at


@dataclass(frozen=True, slots=True)
class LoginTokens:
    """A login's refresh token and a fresh access token, each with its record."""

    access: TokenRecord
    access_token: str
    refresh: TokenRecord
    refresh_token: str


class UnknownToken(LinliError, KeyError):
    def __init__(self, token_id: str) -> None:
        super().__init__(f"Token {token_id!r} does not exist or is revoked")

    def __str__(self) -> str:
        return str(self.args[0])


class TokenRefused(LinliError):
    """A token that cannot do what it was sent for; the message says why, and tells
    nothing more than "invalid or revoked" about a token the hub does not know."""


INVALID: Final = "Invalid or revoked token"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _write_secret(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, readable by its owner only, replacing it atomically."""
    temporary = path.with_name(f".{path.name}.new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        os.fchmod(file.fileno(), 0o600)  # O_CREAT's mode does not apply to an existing file
        file.write(text)
    os.replace(temporary, path)


def _is_removal(data: EventData) -> bool:
    return data["action"] == "remove"


class TokenStore:
    """The hub's tokens, cached by hash and written through to ``auth_tokens``."""

    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._by_hash: dict[str, TokenRecord] = {}  # every token: valid, expired, revoked
        self._by_id: dict[str, TokenRecord] = {}
        self._pruned_at = 0.0
        self.admin_token_path = hub.config.config_dir / ADMIN_TOKEN_FILE
        hub.bus.listen(EVENT_USER_REGISTRY_UPDATED, self._user_removed, _is_removal)

    async def load(self) -> None:
        """Read the tokens; make the admin token if there is none or its file is gone.

        Needs the users loaded: the admin token belongs to an admin user.
        """
        records = await self._hub.database.read(self._read_all)
        for record in records:
            self._by_id[record.id] = self._by_hash[record.token_hash] = record
        self._prune()
        valid = self._valid(self._by_id.values())
        admins = [record for record in valid if record.kind is TokenKind.admin]
        if admins and self.admin_token_path.exists():
            if self._hub.users.get(admins[0].user_id) is None:  # made before accounts existed
                self._store(replace(admins[0], user_id=(await self._admin_user(None)).id))
            _LOGGER.info("The admin token is in %s", self.admin_token_path)
            return
        for old in admins:
            self.revoke(old.id)
        # Keep the admin's user across replacements: what they did stays theirs.
        previous = [r for r in records if r.kind is TokenKind.admin]
        user = await self._admin_user(previous[-1].user_id if previous else None)
        _, token = self.create("admin", user.id, TokenKind.admin)
        _write_secret(self.admin_token_path, token + "\n")
        _LOGGER.info(
            "Created %s admin token in %s (readable by this user only); "
            "send it as 'Authorization: Bearer <token>'",
            "a new" if previous else "the",
            self.admin_token_path,
        )

    async def _admin_user(self, user_id: str | None) -> UserEntry:
        """The admin token's user: ``user_id`` if it is an enabled admin, else the first
        enabled admin, else the user ``admin``, made (or made an enabled admin) now."""
        users = self._hub.users
        candidates = [users.get(user_id)] if user_id is not None else []
        for user in [*candidates, *users]:
            if user is not None and user.role is Role.admin and not user.disabled:
                return user
        user = users.get_by_username(ADMIN_USERNAME)
        if user is not None:
            _LOGGER.warning("No enabled admin: made the user %r one again", ADMIN_USERNAME)
            return await update_user(self._hub, None, user.id, role=Role.admin, disabled=False)
        _LOGGER.info(
            "Created the user %r for the admin token; give it a password with "
            "'linli user passwd %s' to log in",
            ADMIN_USERNAME,
            ADMIN_USERNAME,
        )
        return await create_user(self._hub, None, ADMIN_USERNAME, Role.admin, name="Administrator")

    @staticmethod
    def _read_all(session: Session) -> list[TokenRecord]:
        query = sa.select(auth_tokens).order_by(auth_tokens.c.created_at)
        return [
            TokenRecord(**{**row, "kind": TokenKind(row["kind"])})
            for row in session.execute(query).mappings()
        ]

    def _valid(self, records: Iterable[TokenRecord]) -> list[TokenRecord]:
        now = self._hub.clock.time()
        return [record for record in records if record.ended_at is None or now < record.ended_at]

    def create(
        self,
        name: str,
        user_id: str,
        kind: TokenKind | str,
        *,
        lifetime: float | None = None,
        login_id: str | None = None,
    ) -> tuple[TokenRecord, str]:
        """Make a token for ``user_id`` (valid for ``lifetime`` seconds, or until revoked);
        returns its record and the token (shown once)."""
        now = self._hub.clock.time()
        if now - self._pruned_at >= PRUNE_INTERVAL:
            self._prune()
        token = secrets.token_urlsafe(32)
        record = TokenRecord(
            id=uuid.uuid4().hex,
            name=name,
            token_hash=hash_token(token),
            user_id=user_id,
            kind=TokenKind(kind),
            created_at=now,
            expires_at=None if lifetime is None else now + lifetime,
            login_id=login_id,
        )
        self._store(record)
        return record, token

    def create_login(self, user_id: str, name: str) -> LoginTokens:
        """Start a login of ``user_id`` from the client ``name``: its first tokens."""
        return self._login_tokens(user_id, name, uuid.uuid4().hex)

    def _login_tokens(self, user_id: str, name: str, login_id: str) -> LoginTokens:
        refresh, refresh_token = self.create(
            name, user_id, TokenKind.refresh, lifetime=REFRESH_LIFETIME, login_id=login_id
        )
        access, access_token = self.create(
            name, user_id, TokenKind.access, lifetime=ACCESS_LIFETIME, login_id=login_id
        )
        return LoginTokens(access, access_token, refresh, refresh_token)

    def authenticate(self, token: str) -> TokenRecord:
        """The record of ``token`` if it may authorise an API request; else
        :class:`TokenRefused` saying why.

        The lookup key is the token's hash, so its timing tells nothing about the token.
        """
        record = self._check(token)
        if record.kind not in API_KINDS:
            raise TokenRefused(
                "A refresh token cannot authorise requests: exchange it for an access token "
                "at POST /api/auth/token"
            )
        now = self._hub.clock.time()
        if record.last_used_at is None or now - record.last_used_at >= LAST_USED_INTERVAL:
            record = replace(record, last_used_at=now)
            self._store(record)
        return record

    def validate(self, token: str) -> TokenRecord | None:
        """:meth:`authenticate`, with None for a token it refuses."""
        try:
            return self.authenticate(token)
        except TokenRefused:
            return None

    def _check(self, token: str) -> TokenRecord:
        """The record of ``token`` if it is valid and its user may use it."""
        record = self._by_hash.get(hash_token(token))
        if record is None or record.revoked_at is not None:
            raise TokenRefused(INVALID)
        if record.expires_at is not None and self._hub.clock.time() >= record.expires_at:
            if record.kind is TokenKind.refresh:
                raise TokenRefused("Expired refresh token: log in again")
            raise TokenRefused(
                "Expired token: get a new access token with the refresh token "
                "(POST /api/auth/token)"
            )
        user = self._hub.users.get(record.user_id)
        if user is None:  # a token acts for a user: the permissions are theirs
            raise TokenRefused("The account of this token does not exist")
        if user.disabled:
            raise TokenRefused("The account of this token is disabled")
        return record

    def refresh(self, refresh_token: str) -> LoginTokens:
        """Replace ``refresh_token`` with a new one and a new access token of its login.

        Raises :class:`TokenRefused`; a replaced refresh token used again ends its login.
        """
        record = self._by_hash.get(hash_token(refresh_token))
        if (
            record is not None
            and record.login_id is not None
            and record.revoked_at is not None
            and self._end(self._of_login(record.login_id))
        ):
            _LOGGER.warning(
                "A replaced token of %r (login %s) was used again: ended that login",
                record.name,
                record.login_id,
            )
        record = self._check(refresh_token)
        if record.kind is not TokenKind.refresh or record.login_id is None:
            raise TokenRefused("Not a refresh token: send the refresh_token of a login")
        self._end([record])
        return self._login_tokens(record.user_id, record.name, record.login_id)

    def tokens_of(self, user_id: str) -> list[TokenRecord]:
        """The valid tokens of ``user_id`` a person manages: long-lived, admin, and one
        refresh token per login (its access tokens go with it), oldest first."""
        return [
            record
            for record in self._valid(self._by_id.values())
            if record.user_id == user_id and record.kind is not TokenKind.access
        ]

    def get(self, token_id: str) -> TokenRecord | None:
        return self._by_id.get(token_id)

    def revoke(self, token_id: str) -> TokenRecord:
        """Make a token invalid from now on (for a login's token: the whole login);
        raises :class:`UnknownToken` if it is not valid."""
        record = self._by_id.get(token_id)
        if record is None or not self._valid([record]):
            raise UnknownToken(token_id)
        together = [record] if record.login_id is None else self._of_login(record.login_id)
        self._end(together)
        _LOGGER.info("Revoked the %s token %r (%s)", record.kind, record.name, record.id)
        return self._by_id[token_id]

    def end_logins(self, user_id: str) -> int:
        """Revoke every login of ``user_id`` (not its long-lived tokens); how many tokens."""
        return self._end(
            record
            for record in self._by_id.values()
            if record.user_id == user_id and record.login_id is not None
        )

    def _of_login(self, login_id: str) -> list[TokenRecord]:
        return [record for record in self._by_id.values() if record.login_id == login_id]

    def _end(self, records: Iterable[TokenRecord]) -> int:
        """Revoke the valid ones of ``records``; how many that was."""
        now = self._hub.clock.time()
        valid = self._valid(list(records))
        for record in valid:
            self._store(replace(record, revoked_at=now))
        return len(valid)

    def _user_removed(self, event: Event) -> None:
        user_id = event.data["user_id"]
        self._end([record for record in self._by_id.values() if record.user_id == user_id])

    def _prune(self) -> None:
        """Forget and delete the tokens of logins that ended more than KEEP_ENDED ago."""
        now = self._pruned_at = self._hub.clock.time()
        old = [
            record
            for record in self._by_id.values()
            if record.login_id is not None
            and record.ended_at is not None
            and record.ended_at < now - KEEP_ENDED
        ]
        if not old:
            return
        for record in old:
            del self._by_id[record.id], self._by_hash[record.token_hash]
        ids = [record.id for record in old]

        def delete(session: Session) -> None:
            session.execute(sa.delete(auth_tokens).where(auth_tokens.c.id.in_(ids)))

        self._hub.database.write(delete, f"{len(ids)} tokens of ended logins")

    def _store(self, record: TokenRecord) -> None:
        self._by_id[record.id] = self._by_hash[record.token_hash] = record

        def upsert(session: Session) -> None:
            row = {**asdict(record), "kind": record.kind.value}
            session.execute(upsert_statement(auth_tokens, session.get_bind().dialect.name), row)

        self._hub.database.write(upsert, f"{record.kind} token {record.name!r}")
