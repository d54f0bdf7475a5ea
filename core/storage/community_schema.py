"""The community's tables: units, households, their members, and user accounts.

Added to :data:`linli.storage.schema.metadata`. Areas are kept in dm² (integers: 89.35 m²
is 8935 dm²) so that a tally's sums and thresholds are exact.
"""

from __future__ import annotations

import sqlalchemy as sa

from .schema import ID_LENGTH, metadata

units = sa.Table(
    "units",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("building", sa.String(16), nullable=False),
    sa.Column("unit", sa.String(16), nullable=False),  # "" where buildings have no units
    sa.Column("room", sa.String(16), nullable=False),
    sa.Column("area_dm2", sa.Integer, nullable=False),  # exclusive area (专有部分面积)
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("modified_at", sa.Float, nullable=False),
    sa.UniqueConstraint("building", "unit", "room"),
)

households = sa.Table(
    "households",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("name", sa.String, nullable=False),
    sa.Column(
        "unit_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("units.id", ondelete="SET NULL"),
        index=True,
    ),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("modified_at", sa.Float, nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String),  # None: cannot log in with a password
    sa.Column("disabled", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("modified_at", sa.Float, nullable=False),
)

members = sa.Table(
    "members",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column(
        "household_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("households.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("phone", sa.String(32)),
    sa.Column(
        "user_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("users.id", ondelete="SET NULL"),
        index=True,
    ),
    sa.Column("cares_for", sa.JSON, nullable=False),  # a caregiver's: ids of the members
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("modified_at", sa.Float, nullable=False),
)

# Append-only and hash-chained: each record's hash covers the one before it.
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("actor", sa.String),
    sa.Column("data", sa.Text, nullable=False),  # canonical JSON, as hashed
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)
