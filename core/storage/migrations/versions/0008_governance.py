"""Governance: proposals, ballots and ratings.

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-24 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def _times() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("modified_at", sa.Float(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "proposals",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("matter", sa.String(32), nullable=False),
        sa.Column("domain", sa.String(), nullable=True),
        sa.Column("action", sa.String(16), nullable=True),
        sa.Column("funding_model", sa.String(16), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("opens_at", sa.Float(), nullable=False),
        sa.Column("closes_at", sa.Float(), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_at", sa.Float(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        *_times(),
        sa.PrimaryKeyConstraint("id", name="pk_proposals"),
    )
    op.create_index("ix_proposals_domain", "proposals", ["domain"])
    op.create_table(
        "ballots",
        sa.Column("proposal_id", sa.String(32), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("unit_id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("choice", sa.String(16), nullable=False),
        sa.Column("cast_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposals.id"], name="fk_ballots_proposal_id_proposals"
        ),
        sa.PrimaryKeyConstraint("proposal_id", "seq", name="pk_ballots"),
    )
    op.create_table(
        "ratings",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("domain", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        *_times(),
        sa.PrimaryKeyConstraint("id", name="pk_ratings"),
    )
    op.create_index("ix_ratings_domain", "ratings", ["domain"])


def downgrade() -> None:
    op.drop_table("ratings")
    op.drop_table("ballots")
    op.drop_table("proposals")
