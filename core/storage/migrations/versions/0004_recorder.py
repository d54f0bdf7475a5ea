"""Recorder: states, events, their shared attributes and data, long-term statistics.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _context_columns() -> list[sa.Column]:
    return [
        sa.Column("context_id", sa.String(32), nullable=True),
        sa.Column("context_user_id", sa.String(), nullable=True),
        sa.Column("context_parent_id", sa.String(32), nullable=True),
        sa.Column("context_origin", sa.String(32), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "state_attributes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hash", sa.BigInteger(), nullable=False),
        sa.Column("shared_attrs", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_state_attributes"),
    )
    op.create_index("ix_state_attributes_hash", "state_attributes", ["hash"])

    op.create_table(
        "states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.String(), nullable=False),
        sa.Column("state", sa.String(255), nullable=True),
        sa.Column("attributes_id", sa.Integer(), nullable=True),
        sa.Column("last_changed_ts", sa.Float(), nullable=False),
        sa.Column("last_updated_ts", sa.Float(), nullable=False),
        *_context_columns(),
        sa.ForeignKeyConstraint(
            ["attributes_id"],
            ["state_attributes.id"],
            name="fk_states_attributes_id_state_attributes",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_states"),
    )
    op.create_index("ix_states_attributes_id", "states", ["attributes_id"])
    op.create_index("ix_states_last_updated_ts", "states", ["last_updated_ts"])
    op.create_index("ix_states_context_id", "states", ["context_id"])
    op.create_index(
        "ix_states_entity_id_last_updated_ts", "states", ["entity_id", "last_updated_ts"]
    )

    op.create_table(
        "event_data",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hash", sa.BigInteger(), nullable=False),
        sa.Column("shared_data", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_event_data"),
    )
    op.create_index("ix_event_data_hash", "event_data", ["hash"])

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(), nullable=False),
        sa.Column("data_id", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(8), nullable=False),
        sa.Column("time_fired_ts", sa.Float(), nullable=False),
        *_context_columns(),
        sa.ForeignKeyConstraint(
            ["data_id"], ["event_data.id"], name="fk_events_data_id_event_data"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
    )
    op.create_index("ix_events_data_id", "events", ["data_id"])
    op.create_index("ix_events_time_fired_ts", "events", ["time_fired_ts"])
    op.create_index("ix_events_context_id", "events", ["context_id"])
    op.create_index("ix_events_event_type_time_fired_ts", "events", ["event_type", "time_fired_ts"])

    op.create_table(
        "statistics_meta",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statistic_id", sa.String(), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("unit", sa.String(), nullable=True),
        sa.Column("has_mean", sa.Boolean(), nullable=False),
        sa.Column("has_sum", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_statistics_meta"),
        sa.UniqueConstraint("statistic_id", name="uq_statistics_meta_statistic_id"),
    )

    op.create_table(
        "statistics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("metadata_id", sa.Integer(), nullable=False),
        sa.Column("start_ts", sa.Float(), nullable=False),
        sa.Column("mean", sa.Float(), nullable=True),
        sa.Column("min", sa.Float(), nullable=True),
        sa.Column("max", sa.Float(), nullable=True),
        sa.Column("sum", sa.Float(), nullable=True),
        sa.Column("state", sa.Float(), nullable=True),
        sa.Column("created_ts", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["metadata_id"],
            ["statistics_meta.id"],
            name="fk_statistics_metadata_id_statistics_meta",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_statistics"),
        sa.UniqueConstraint("metadata_id", "start_ts", name="uq_statistics_metadata_id_start_ts"),
    )


def downgrade() -> None:
    op.drop_table("statistics")
    op.drop_table("statistics_meta")
    op.drop_table("events")
    op.drop_table("event_data")
    op.drop_table("states")
    op.drop_table("state_attributes")
