"""Consent for protected data, and whose data a device or entity collects.

Added to :data:`linli.storage.schema.metadata`. A member's consents and data-subject
assignments go with the member (and an assignment with its device or entity); the audit
log keeps what was given and withdrawn.
"""

from __future__ import annotations

import sqlalchemy as sa

from .schema import ID_LENGTH, metadata

consents = sa.Table(
    "consents",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column(
        "member_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("members.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("category", sa.String(16), nullable=False),  # "health" or "location"
    sa.Column("scope", sa.String, nullable=False),  # an integration's domain, or "all"
    sa.Column("given_by", sa.String(ID_LENGTH), nullable=False),  # a user id
    sa.Column("given_as", sa.String(16), nullable=False),  # self, guardian or caregiver
    sa.Column("withdrawn_at", sa.Float),
    sa.Column("withdrawn_by", sa.String(ID_LENGTH)),
    sa.Column("created_at", sa.Float, nullable=False),  # when it was given
    sa.Column("modified_at", sa.Float, nullable=False),
)

# Exactly one of device_id and entity_id is set: the member a device (all its entities) or
# one entity collects data about. entity_id has no foreign key: the entity registry's rows
# change their entity_id on a rename, and the consent module follows renames and removals.
data_subjects = sa.Table(
    "data_subjects",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column(
        "member_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("members.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column(
        "device_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("devices.id", ondelete="CASCADE"),
        unique=True,
    ),
    sa.Column("entity_id", sa.String, unique=True),
    sa.Column("assigned_by", sa.String(ID_LENGTH), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("modified_at", sa.Float, nullable=False),
)
