"""The operator's export: every usage record of a month as CSV, one row each.

Amounts are in fen (integers, as stored) and in yuan for people reading it; each row
names the household by id and address, so a household's rows add up to its statement.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from .statements import Month
from .usage import UsageRecord, format_fen, format_quantity

COLUMNS: Final = (
    "month",
    "household_id",
    "household",
    "occurred_at",
    "service",
    "item",
    "description",
    "quantity",
    "unit",
    "unit_price_fen",
    "amount_fen",
    "amount_yuan",
    "funding",
    "reference",
    "record_id",
)


_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    """Text a spreadsheet shows as text, never runs as a formula (CSV injection)."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def usage_csv(
    month: Month,
    records: Iterable[UsageRecord],
    household_name: Callable[[str], str],
    zone: ZoneInfo,
) -> str:
    """``records`` (of ``month``) as CSV with a header row, by household, then time."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for record in sorted(records, key=lambda r: (r.household_id, r.occurred_at, r.id)):
        writer.writerow(
            (
                str(month),
                record.household_id,
                _text(household_name(record.household_id)),
                datetime.fromtimestamp(record.occurred_at, zone).isoformat(timespec="seconds"),
                record.domain,
                record.item,
                _text(record.description),
                format_quantity(record.quantity_milli),
                record.unit,
                record.unit_price_fen,
                record.amount_fen,
                format_fen(record.amount_fen),
                record.funding,
                _text(record.reference),
                record.id,
            )
        )
    return out.getvalue()
