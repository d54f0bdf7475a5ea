"""The accounts' tables, added to :data:`linli.storage.schema.metadata`: the API's tokens
and the failed logins that slow down and lock a username.

Only a token's SHA-256 is stored, never the token. Times are seconds since the epoch (UTC).
"""

from __future__ import annotations

import sqlalchemy as sa

from .schema import ID_LENGTH, metadata

TOKEN_HASH_LENGTH = 64  # sha256 hex digest

auth_tokens = sa.Table(
    "auth_tokens",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("token_hash", sa.String(TOKEN_HASH_LENGTH), nullable=False, unique=True),
    sa.Column("user_id", sa.String, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("last_used_at", sa.Float),
    sa.Column("revoked_at", sa.Float),
    sa.Column("expires_at", sa.Float),  # None: valid until revoked (admin, long-lived)
    # The login a refresh or access token belongs to: logging out revokes them together.
    sa.Column("login_id", sa.String(ID_LENGTH)),
)

# One row per username (case-folded) with failed logins since its last successful one.
login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_failed_at", sa.Float, nullable=False),
    sa.Column("locked_until", sa.Float),
)
