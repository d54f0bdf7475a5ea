"""Alarms and the notifications they send: the tables.

Added to :data:`linli.storage.schema.metadata`. An alarm row is written the moment the
alarm is raised or changes (not in the recorder's batch) and is never deleted: it is the
record of who was told, who acknowledged, and when. ``household_id`` has no foreign key
for that reason: an alarm outlives a household that moves away.
"""

from __future__ import annotations

import sqlalchemy as sa

from .schema import ID_LENGTH, metadata

alarms = sa.Table(
    "alarms",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("alarm_type", sa.String(64), nullable=False),  # e.g. "sos", "smoke"
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("state", sa.String(32), nullable=False, index=True),
    sa.Column("source_entity_id", sa.String),
    sa.Column("household_id", sa.String(ID_LENGTH), index=True),
    sa.Column("message", sa.String, nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("raised_at", sa.Float, nullable=False, index=True),
    sa.Column("acknowledged_by", sa.String(ID_LENGTH)),  # a user id
    sa.Column("acknowledged_at", sa.Float),
    sa.Column("cleared_by", sa.String(ID_LENGTH)),  # a user id; None: the device cleared it
    sa.Column("cleared_at", sa.Float),
    sa.Column("comments", sa.JSON, nullable=False),  # [{"by", "at", "text"}], oldest first
    sa.Column("escalation_step", sa.Integer),  # the ladder's step last notified
    sa.Column("next_escalation_at", sa.Float),  # None: the ladder has stopped or ended
    sa.Column("modified_at", sa.Float, nullable=False),
)

# A user's notification list: what they were told, and whether they have read it.
notifications = sa.Table(
    "notifications",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column(
        "user_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column(
        "alarm_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("alarms.id", ondelete="CASCADE"),
        index=True,
    ),
    sa.Column("title", sa.String, nullable=False),
    sa.Column("message", sa.String, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("read_at", sa.Float),
)
