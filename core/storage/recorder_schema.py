"""The recorder's tables, added to :data:`linli.storage.schema.metadata`.

States and events refer to de-duplicated attribute and event-data rows (JSON text, found
by a CRC-32 ``hash`` and compared in full). Times are seconds since the epoch (UTC).
Long-term statistics (one row per statistic and hour) outlive the purge of states.
"""

from __future__ import annotations

import sqlalchemy as sa

from .schema import ID_LENGTH, metadata

state_attributes = sa.Table(
    "state_attributes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("hash", sa.BigInteger, nullable=False, index=True),
    sa.Column("shared_attrs", sa.Text, nullable=False),
)

states = sa.Table(
    "states",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("entity_id", sa.String, nullable=False),
    sa.Column("state", sa.String(255)),  # NULL: the entity was removed
    sa.Column("attributes_id", sa.Integer, sa.ForeignKey("state_attributes.id"), index=True),
    sa.Column("last_changed_ts", sa.Float, nullable=False),
    sa.Column("last_updated_ts", sa.Float, nullable=False, index=True),
    sa.Column("context_id", sa.String(ID_LENGTH), index=True),
    sa.Column("context_user_id", sa.String),
    sa.Column("context_parent_id", sa.String(ID_LENGTH)),
    sa.Column("context_origin", sa.String(32)),
    sa.Index("ix_states_entity_id_last_updated_ts", "entity_id", "last_updated_ts"),
)

event_data = sa.Table(
    "event_data",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("hash", sa.BigInteger, nullable=False, index=True),
    sa.Column("shared_data", sa.Text, nullable=False),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("event_type", sa.String, nullable=False),
    sa.Column("data_id", sa.Integer, sa.ForeignKey("event_data.id"), index=True),
    sa.Column("origin", sa.String(8), nullable=False),
    sa.Column("time_fired_ts", sa.Float, nullable=False, index=True),
    sa.Column("context_id", sa.String(ID_LENGTH), index=True),
    sa.Column("context_user_id", sa.String),
    sa.Column("context_parent_id", sa.String(ID_LENGTH)),
    sa.Column("context_origin", sa.String(32)),
    sa.Index("ix_events_event_type_time_fired_ts", "event_type", "time_fired_ts"),
)

statistics_meta = sa.Table(
    "statistics_meta",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("statistic_id", sa.String, nullable=False, unique=True),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("unit", sa.String),
    sa.Column("has_mean", sa.Boolean, nullable=False),
    sa.Column("has_sum", sa.Boolean, nullable=False),
)

statistics = sa.Table(
    "statistics",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "metadata_id",
        sa.Integer,
        sa.ForeignKey("statistics_meta.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("start_ts", sa.Float, nullable=False),
    sa.Column("mean", sa.Float),
    sa.Column("min", sa.Float),
    sa.Column("max", sa.Float),
    sa.Column("sum", sa.Float),
    sa.Column("state", sa.Float),
    sa.Column("created_ts", sa.Float, nullable=False),
    sa.UniqueConstraint("metadata_id", "start_ts", name="uq_statistics_metadata_id_start_ts"),
)
