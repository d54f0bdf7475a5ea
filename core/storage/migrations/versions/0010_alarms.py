"""Alarms and notifications.

Revision ID: 0010
Revises: 0006
Create Date: 2026-11-25 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alarms",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("alarm_type", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("source_entity_id", sa.String(), nullable=True),
        sa.Column("household_id", sa.String(32), nullable=True),
        sa.Column("message", sa.String(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("raised_at", sa.Float(), nullable=False),
        sa.Column("acknowledged_by", sa.String(32), nullable=True),
        sa.Column("acknowledged_at", sa.Float(), nullable=True),
        sa.Column("cleared_by", sa.String(32), nullable=True),
        sa.Column("cleared_at", sa.Float(), nullable=True),
        sa.Column("comments", sa.JSON(), nullable=False),
        sa.Column("escalation_step", sa.Integer(), nullable=True),
        sa.Column("next_escalation_at", sa.Float(), nullable=True),
        sa.Column("modified_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alarms"),
    )
    op.create_index("ix_alarms_state", "alarms", ["state"])
    op.create_index("ix_alarms_household_id", "alarms", ["household_id"])
    op.create_index("ix_alarms_raised_at", "alarms", ["raised_at"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("alarm_id", sa.String(32), nullable=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("message", sa.String(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("read_at", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_notifications_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["alarm_id"],
            ["alarms.id"],
            name="fk_notifications_alarm_id_alarms",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_notifications"),
    )
    op.create_index("ix_notifications_user_id", "notifications", ["user_id"])
    op.create_index("ix_notifications_alarm_id", "notifications", ["alarm_id"])


def downgrade() -> None:
    op.drop_table("notifications")
    op.drop_table("alarms")
