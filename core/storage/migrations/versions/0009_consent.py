"""Consent for protected data: consents and data subjects.

Revision ID: 0009
Revises: 0006
Create Date: 2026-11-24 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consents",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("member_id", sa.String(32), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("scope", sa.String(), nullable=False),
        sa.Column("given_by", sa.String(32), nullable=False),
        sa.Column("given_as", sa.String(16), nullable=False),
        sa.Column("withdrawn_at", sa.Float(), nullable=True),
        sa.Column("withdrawn_by", sa.String(32), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("modified_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name="fk_consents_member_id_members", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_consents"),
    )
    op.create_index("ix_consents_member_id", "consents", ["member_id"])
    op.create_table(
        "data_subjects",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("member_id", sa.String(32), nullable=False),
        sa.Column("device_id", sa.String(32), nullable=True),
        sa.Column("entity_id", sa.String(), nullable=True),
        sa.Column("assigned_by", sa.String(32), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("modified_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name="fk_data_subjects_member_id_members",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name="fk_data_subjects_device_id_devices",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_data_subjects"),
        sa.UniqueConstraint("device_id", name="uq_data_subjects_device_id"),
        sa.UniqueConstraint("entity_id", name="uq_data_subjects_entity_id"),
    )
    op.create_index("ix_data_subjects_member_id", "data_subjects", ["member_id"])


def downgrade() -> None:
    op.drop_table("data_subjects")
    op.drop_table("consents")
