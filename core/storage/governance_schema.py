"""The community's governance tables: proposals, the ballots cast on them, ratings.

Added to :data:`linli.storage.schema.metadata`. Ballots are append-only: every cast is a
row, numbered per proposal (``seq``); a unit's current ballot is its latest row. A
decided proposal keeps its tally and the electorate it was counted against (``result``),
so the decision can be recounted from the stored ballots alone.
"""

from __future__ import annotations

import sqlalchemy as sa

from .schema import ID_LENGTH, metadata

proposals = sa.Table(
    "proposals",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("matter", sa.String(32), nullable=False),
    sa.Column("domain", sa.String, index=True),  # the integration it decides, if any
    sa.Column("action", sa.String(16)),  # enable or disable that integration
    sa.Column("funding_model", sa.String(16)),
    sa.Column("amount_fen", sa.BigInteger, nullable=False),
    sa.Column("opens_at", sa.Float, nullable=False),
    sa.Column("closes_at", sa.Float, nullable=False),
    sa.Column("created_by", sa.String(ID_LENGTH)),  # None: opened by the hub (ratings)
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("decided_at", sa.Float),
    sa.Column("result", sa.JSON),  # the decision: its tally and electorate
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("modified_at", sa.Float, nullable=False),
)

ballots = sa.Table(
    "ballots",
    metadata,
    sa.Column("proposal_id", sa.String(ID_LENGTH), sa.ForeignKey("proposals.id"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    # No foreign keys: a ballot stays as cast when its unit or voter is removed later.
    sa.Column("unit_id", sa.String(ID_LENGTH), nullable=False),
    sa.Column("user_id", sa.String(ID_LENGTH), nullable=False),
    sa.Column("choice", sa.String(16), nullable=False),
    sa.Column("cast_at", sa.Float, nullable=False),
)

ratings = sa.Table(
    "ratings",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("domain", sa.String, nullable=False, index=True),
    sa.Column("user_id", sa.String(ID_LENGTH), nullable=False),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("comment", sa.Text),
    sa.Column("created_at", sa.Float, nullable=False),  # the start of its rating period
    sa.Column("modified_at", sa.Float, nullable=False),  # when it was last given
)
