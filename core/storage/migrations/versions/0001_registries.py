"""Registries: areas, devices and entities.

Revision ID: 0001
Revises:
Create Date: 2025-01-01 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "areas",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("parent_id", sa.String(32), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("modified_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["areas.id"], name="fk_areas_parent_id_areas"),
        sa.PrimaryKeyConstraint("id", name="pk_areas"),
    )
    op.create_index("ix_areas_parent_id", "areas", ["parent_id"])

    op.create_table(
        "devices",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("identifiers", sa.JSON(), nullable=False),
        sa.Column("connections", sa.JSON(), nullable=False),
        sa.Column("manufacturer", sa.String(), nullable=True),
        sa.Column("model", sa.String(), nullable=True),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("name_by_user", sa.String(), nullable=True),
        sa.Column("sw_version", sa.String(), nullable=True),
        sa.Column("hw_version", sa.String(), nullable=True),
        sa.Column("household_id", sa.String(), nullable=True),
        sa.Column("area_id", sa.String(32), nullable=True),
        sa.Column("via_device_id", sa.String(32), nullable=True),
        sa.Column("config_entry_ids", sa.JSON(), nullable=False),
        sa.Column("disabled_by", sa.String(16), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("modified_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name="fk_devices_area_id_areas", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["via_device_id"],
            ["devices.id"],
            name="fk_devices_via_device_id_devices",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_devices"),
    )
    op.create_index("ix_devices_area_id", "devices", ["area_id"])
    op.create_index("ix_devices_via_device_id", "devices", ["via_device_id"])

    op.create_table(
        "entities",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(), nullable=False),
        sa.Column("unique_id", sa.String(), nullable=False),
        sa.Column("platform", sa.String(), nullable=False),
        sa.Column("device_id", sa.String(32), nullable=True),
        sa.Column("household_id", sa.String(), nullable=True),
        sa.Column("area_id", sa.String(32), nullable=True),
        sa.Column("config_entry_id", sa.String(), nullable=True),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("original_name", sa.String(), nullable=True),
        sa.Column("device_class", sa.String(), nullable=True),
        sa.Column("unit_of_measurement", sa.String(), nullable=True),
        sa.Column("disabled_by", sa.String(16), nullable=True),
        sa.Column("hidden_by", sa.String(16), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("modified_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name="fk_entities_device_id_devices", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name="fk_entities_area_id_areas", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_entities"),
        sa.UniqueConstraint("entity_id", name="uq_entities_entity_id"),
    )
    op.create_index("ix_entities_device_id", "entities", ["device_id"])
    op.create_index("ix_entities_area_id", "entities", ["area_id"])


def downgrade() -> None:
    op.drop_table("entities")
    op.drop_table("devices")
    op.drop_table("areas")
