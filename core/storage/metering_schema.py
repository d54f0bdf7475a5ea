"""Metered usage and what integrations keep between restarts: the tables.

Added to :data:`linli.storage.schema.metadata`. A usage record is never changed or
deleted: a household's statement is the sum of its records, so it reproduces exactly.
Money is in fen (分), an integer; a quantity in thousandths of its unit (``quantity_milli``
12,345 of ``kWh`` is 12.345 kWh), so no amount ever passes through a float.
``household_id`` has no foreign key: a bill outlives a household that moves away.
"""

from __future__ import annotations

import sqlalchemy as sa

from .schema import ID_LENGTH, metadata

usage_records = sa.Table(
    "usage_records",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("household_id", sa.String(ID_LENGTH), nullable=False, index=True),
    sa.Column("domain", sa.String(64), nullable=False),  # the integration that metered it
    sa.Column("item", sa.String(64), nullable=False),  # e.g. "energy", "idle_fee"
    sa.Column("description", sa.String, nullable=False),
    sa.Column("quantity_milli", sa.BigInteger, nullable=False),
    sa.Column("unit", sa.String(16), nullable=False),
    sa.Column("unit_price_fen", sa.Integer, nullable=False),
    sa.Column("amount_fen", sa.BigInteger, nullable=False),
    sa.Column("funding", sa.String(16), nullable=False),  # market bills; public, social not
    sa.Column("reference", sa.String(128), nullable=False),  # what it is for: a session…
    sa.Column("occurred_at", sa.Float, nullable=False, index=True),
    sa.Column("recorded_at", sa.Float, nullable=False),
    # One charge per thing metered: a retried message cannot bill twice.
    sa.UniqueConstraint("domain", "item", "reference", name="uq_usage_records_reference"),
)

# Records an integration keeps between restarts (charge points, sessions, parcels), as
# JSON by kind and key; see linli.storage.integration_data.
integration_data = sa.Table(
    "integration_data",
    metadata,
    sa.Column("domain", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(64), primary_key=True),
    sa.Column("key", sa.String(128), primary_key=True),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("modified_at", sa.Float, nullable=False),
)
