"""Metered usage, and the records integrations keep.

Revision ID: 0011
Revises: 0006
Create Date: 2026-11-23 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "usage_records",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("household_id", sa.String(32), nullable=False),
        sa.Column("domain", sa.String(64), nullable=False),
        sa.Column("item", sa.String(64), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("quantity_milli", sa.BigInteger(), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("unit_price_fen", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("funding", sa.String(16), nullable=False),
        sa.Column("reference", sa.String(128), nullable=False),
        sa.Column("occurred_at", sa.Float(), nullable=False),
        sa.Column("recorded_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_usage_records"),
        sa.UniqueConstraint("domain", "item", "reference", name="uq_usage_records_reference"),
    )
    op.create_index("ix_usage_records_household_id", "usage_records", ["household_id"])
    op.create_index("ix_usage_records_occurred_at", "usage_records", ["occurred_at"])
    op.create_table(
        "integration_data",
        sa.Column("domain", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("modified_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("domain", "kind", "key", name="pk_integration_data"),
    )


def downgrade() -> None:
    op.drop_table("integration_data")
    op.drop_table("usage_records")
