"""API tokens: created, checked and revoked; only their SHA-256 is stored.

Every token is loaded at start into a cache keyed by hash, so checking one never waits on
the database. At the first start the hub makes an admin token and writes it to
``<config_dir>/admin_token`` (mode 0600); deleting that file and restarting the hub
replaces the admin token (the old one is revoked).
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import uuid
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..exceptions import LinliError
from ..registry.store import upsert_statement
from ..storage.auth_schema import auth_tokens

if TYPE_CHECKING:
    from ..hub import Hub

_LOGGER = logging.getLogger(__name__)

ADMIN_TOKEN_FILE: Final = "admin_token"
# Seconds between two stored updates of a token's last use: not one write per request.
LAST_USED_INTERVAL: Final = 60.0


class TokenKind(StrEnum):
    admin = "admin"  # made by the hub at first start, for its operator
    long_lived = "long_lived"  # made for a script or a device, valid until revoked
    access = "access"  # handed out at login (the accounts come with the community issue)


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


class UnknownToken(LinliError, KeyError):
    def __init__(self, token_id: str) -> None:
        super().__init__(f"Token {token_id!r} does not exist or is revoked")

    def __str__(self) -> str:
        return str(self.args[0])


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


class TokenStore:
    """The hub's tokens, cached by hash and written through to ``auth_tokens``."""

    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._by_hash: dict[str, TokenRecord] = {}  # valid tokens only
        self._by_id: dict[str, TokenRecord] = {}
        self.admin_token_path = hub.config.config_dir / ADMIN_TOKEN_FILE

    async def load(self) -> None:
        """Read the tokens; make the admin token if there is none or its file is gone."""
        records = await self._hub.database.read(self._read_all)
        for record in records:
            self._by_id[record.id] = record
            if record.revoked_at is None:
                self._by_hash[record.token_hash] = record
        admins = [r for r in self._by_hash.values() if r.kind is TokenKind.admin]
        if admins and self.admin_token_path.exists():
            _LOGGER.info("The admin token is in %s", self.admin_token_path)
            return
        for old in admins:
            self.revoke(old.id)
        # Keep the admin's user id across replacements: what they did stays theirs.
        previous = [r for r in records if r.kind is TokenKind.admin]
        user_id = previous[-1].user_id if previous else uuid.uuid4().hex
        _, token = self.create("admin", user_id, TokenKind.admin)
        _write_secret(self.admin_token_path, token + "\n")
        _LOGGER.info(
            "Created %s admin token in %s (readable by this user only); "
            "send it as 'Authorization: Bearer <token>'",
            "a new" if previous else "the",
            self.admin_token_path,
        )

    @staticmethod
    def _read_all(session: Session) -> list[TokenRecord]:
        query = sa.select(auth_tokens).order_by(auth_tokens.c.created_at)
        return [
            TokenRecord(**{**row, "kind": TokenKind(row["kind"])})
            for row in session.execute(query).mappings()
        ]

    def create(self, name: str, user_id: str, kind: TokenKind | str) -> tuple[TokenRecord, str]:
        """Make a token for ``user_id``; returns its record and the token (shown once)."""
        token = secrets.token_urlsafe(32)
        record = TokenRecord(
            id=uuid.uuid4().hex,
            name=name,
            token_hash=hash_token(token),
            user_id=user_id,
            kind=TokenKind(kind),
            created_at=self._hub.clock.time(),
        )
        self._by_id[record.id] = record
        self._by_hash[record.token_hash] = record
        self._save(record)
        return record, token

    def validate(self, token: str) -> TokenRecord | None:
        """The record of ``token`` if it is valid (not revoked), else None.

        The lookup key is the token's hash, so its timing tells nothing about the token.
        """
        digest = hash_token(token)
        record = self._by_hash.get(digest)
        if record is None:
            return None
        now = self._hub.clock.time()
        if record.last_used_at is None or now - record.last_used_at >= LAST_USED_INTERVAL:
            record = replace(record, last_used_at=now)
            self._by_hash[digest] = self._by_id[record.id] = record
            self._save(record)
        return record

    def revoke(self, token_id: str) -> TokenRecord:
        """Make a token invalid from now on; raises :class:`UnknownToken` if it is not valid."""
        record = self._by_id.get(token_id)
        if record is None or record.revoked_at is not None:
            raise UnknownToken(token_id)
        record = replace(record, revoked_at=self._hub.clock.time())
        del self._by_hash[record.token_hash]
        self._by_id[record.id] = record
        self._save(record)
        _LOGGER.info("Revoked the %s token %r (%s)", record.kind, record.name, record.id)
        return record

    def _save(self, record: TokenRecord) -> None:
        def upsert(session: Session) -> None:
            row = {**asdict(record), "kind": record.kind.value}
            session.execute(upsert_statement(auth_tokens, session.get_bind().dialect.name), row)

        self._hub.database.write(upsert, f"{record.kind} token {record.name!r}")
