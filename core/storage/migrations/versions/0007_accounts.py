"""Accounts: token expiry and logins, failed logins per username.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("auth_tokens", sa.Column("expires_at", sa.Float(), nullable=True))
    op.add_column("auth_tokens", sa.Column("login_id", sa.String(32), nullable=True))
    op.create_table(
        "login_failures",
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.Float(), nullable=False),
        sa.Column("locked_until", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("username", name="pk_login_failures"),
    )


def downgrade() -> None:
    op.drop_table("login_failures")
    with op.batch_alter_table("auth_tokens") as batch:
        batch.drop_column("login_id")
        batch.drop_column("expires_at")
