"""The API's token store, added to :data:`linli.storage.schema.metadata`.

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
)
