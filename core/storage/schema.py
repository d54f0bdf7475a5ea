"""The hub's tables (SQLAlchemy Core). Change them only together with a new migration.

Column names equal the field names of the registry records they hold. Sets (device
identifiers, connections, config entries) are JSON lists, sorted; times are seconds since
the epoch (UTC). Deleting an area or a device lets the database clear or remove what
pointed to it, so the registries' write order never trips a foreign key.
"""

from __future__ import annotations

import sqlalchemy as sa

ID_LENGTH = 32  # uuid4().hex

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

areas = sa.Table(
    "areas",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("parent_id", sa.String(ID_LENGTH), sa.ForeignKey("areas.id"), index=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("modified_at", sa.Float, nullable=False),
)

devices = sa.Table(
    "devices",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("identifiers", sa.JSON, nullable=False),
    sa.Column("connections", sa.JSON, nullable=False),
    sa.Column("manufacturer", sa.String),
    sa.Column("model", sa.String),
    sa.Column("name", sa.String),
    sa.Column("name_by_user", sa.String),
    sa.Column("sw_version", sa.String),
    sa.Column("hw_version", sa.String),
    sa.Column("household_id", sa.String),
    sa.Column(
        "area_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("areas.id", ondelete="SET NULL"),
        index=True,
    ),
    sa.Column(
        "via_device_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("devices.id", ondelete="SET NULL"),
        index=True,
    ),
    sa.Column("config_entry_ids", sa.JSON, nullable=False),
    sa.Column("disabled_by", sa.String(16)),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("modified_at", sa.Float, nullable=False),
)

entities = sa.Table(
    "entities",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("entity_id", sa.String, nullable=False, unique=True),
    sa.Column("unique_id", sa.String, nullable=False),
    sa.Column("platform", sa.String, nullable=False),
    sa.Column(
        "device_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("devices.id", ondelete="CASCADE"),
        index=True,
    ),
    sa.Column("household_id", sa.String),
    sa.Column(
        "area_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("areas.id", ondelete="SET NULL"),
        index=True,
    ),
    sa.Column("config_entry_id", sa.String),
    sa.Column("name", sa.String),
    sa.Column("original_name", sa.String),
    sa.Column("device_class", sa.String),
    sa.Column("unit_of_measurement", sa.String),
    sa.Column("disabled_by", sa.String(16)),
    sa.Column("hidden_by", sa.String(16)),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("modified_at", sa.Float, nullable=False),
)

config_entries = sa.Table(
    "config_entries",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("domain", sa.String, nullable=False, index=True),
    sa.Column("title", sa.String, nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("options", sa.JSON, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("minor_version", sa.Integer, nullable=False),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("unique_id", sa.String),
    sa.Column("household_id", sa.String),
    sa.Column("disabled_by", sa.String(16)),
    # The state the running hub last recorded, for tools that read the database offline.
    sa.Column("state", sa.String(32), nullable=False, server_default="not_loaded"),
    sa.Column("reason", sa.String),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("modified_at", sa.Float, nullable=False),
)

# The recorder's and the API tokens' tables join the same metadata (imported last: they
# need ``metadata``).
from . import (  # noqa: E402, F401
    alarms_schema,
    auth_schema,
    community_schema,
    consent_schema,
    governance_schema,
    metering_schema,
    recorder_schema,
)
