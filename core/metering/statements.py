"""A household's monthly statement: its usage records of one calendar month, added up.

Months are the community's calendar months (its time zone), so a session that ends at
00:30 on the first of the month in Shanghai is on that month's statement.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from .usage import UsageRecord

MONTH_PATTERN: Final = r"^([0-9]{4})-(0[1-9]|1[0-2])$"
_MONTH: Final = re.compile(MONTH_PATTERN)
# Nothing was metered before 1970; a month's end (the next month's start, in any time zone)
# must stay within what datetime holds.
FIRST_YEAR: Final = 1970
LAST_YEAR: Final = 9998


@dataclass(frozen=True, slots=True, order=True)
class Month:
    """A calendar month, written ``2026-11``."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """``"2026-11"`` → Month(2026, 11); ValueError saying what is expected."""
        match = _MONTH.fullmatch(text)
        if match is None or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
            raise ValueError(
                f"{text!r} is not a month: expected YYYY-MM from {FIRST_YEAR}-01 to "
                f"{LAST_YEAR}-12, e.g. 2026-11"
            )
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, timestamp: float, zone: ZoneInfo) -> Month:
        moment = datetime.fromtimestamp(timestamp, zone)
        return cls(moment.year, moment.month)

    def bounds(self, zone: ZoneInfo) -> tuple[float, float]:
        """Its first moment and the next month's first, as timestamps."""
        following = Month(self.year + self.month // 12, self.month % 12 + 1)
        return (
            datetime(self.year, self.month, 1, tzinfo=zone).timestamp(),
            datetime(following.year, following.month, 1, tzinfo=zone).timestamp(),
        )

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True, slots=True)
class Statement:
    """What a household owes for one month, line by line (oldest first)."""

    household_id: str
    month: Month
    lines: tuple[UsageRecord, ...]

    @property
    def total_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines)

    def totals_by_service(self) -> dict[str, int]:
        """domain → fen owed for it this month."""
        totals: dict[str, int] = {}
        for line in self.lines:
            totals[line.domain] = totals.get(line.domain, 0) + line.amount_fen
        return totals

    def as_dict(self) -> dict[str, Any]:
        return {
            "household_id": self.household_id,
            "month": str(self.month),
            "total_fen": self.total_fen,
            "totals_by_service": self.totals_by_service(),
            "lines": [line.as_dict() for line in self.lines],
        }


def statements_of(month: Month, records: Iterable[UsageRecord]) -> list[Statement]:
    """One statement per household among ``records`` (all of ``month``), by household id."""
    by_household: dict[str, list[UsageRecord]] = {}
    for record in records:
        by_household.setdefault(record.household_id, []).append(record)
    return [
        Statement(household_id, month, tuple(sorted(lines, key=_order)))
        for household_id, lines in sorted(by_household.items())
    ]


def _order(record: UsageRecord) -> tuple[float, str]:
    return record.occurred_at, record.id
