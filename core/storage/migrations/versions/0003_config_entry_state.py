"""Config entries: record their last state and its reason.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("config_entries") as batch:
        batch.add_column(
            sa.Column("state", sa.String(32), nullable=False, server_default="not_loaded")
        )
        batch.add_column(sa.Column("reason", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("config_entries") as batch:
        batch.drop_column("reason")
        batch.drop_column("state")
