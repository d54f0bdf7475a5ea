"""Community: units, households, members, user accounts and the audit log.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _times() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("modified_at", sa.Float(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "units",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("building", sa.String(16), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("room", sa.String(16), nullable=False),
        sa.Column("area_dm2", sa.Integer(), nullable=False),
        *_times(),
        sa.PrimaryKeyConstraint("id", name="pk_units"),
        sa.UniqueConstraint("building", "unit", "room", name="uq_units_building"),
    )
    op.create_table(
        "households",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("unit_id", sa.String(32), nullable=True),
        *_times(),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name="fk_households_unit_id_units", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_households"),
    )
    op.create_index("ix_households_unit_id", "households", ["unit_id"])
    op.create_table(
        "users",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        *_times(),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_table(
        "members",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("household_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("user_id", sa.String(32), nullable=True),
        sa.Column("cares_for", sa.JSON(), nullable=False),
        *_times(),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name="fk_members_household_id_households",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_members_user_id_users", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_members"),
    )
    op.create_index("ix_members_household_id", "members", ["household_id"])
    op.create_index("ix_members_user_id", "members", ["user_id"])
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(), nullable=True),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_log"),
    )


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("members")
    op.drop_table("users")
    op.drop_table("households")
    op.drop_table("units")
