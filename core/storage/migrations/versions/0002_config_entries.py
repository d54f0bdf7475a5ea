"""Config entries: the configured instances of integrations.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "config_entries",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("domain", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("minor_version", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("unique_id", sa.String(), nullable=True),
        sa.Column("household_id", sa.String(), nullable=True),
        sa.Column("disabled_by", sa.String(16), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("modified_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_config_entries"),
    )
    op.create_index("ix_config_entries_domain", "config_entries", ["domain"])


def downgrade() -> None:
    op.drop_index("ix_config_entries_domain", table_name="config_entries")
    op.drop_table("config_entries")
