"""One metered use of a service, and the arithmetic of its amount.

Quantities are integers in thousandths of their unit and prices integers in fen per whole
unit, so an amount is exact integer arithmetic, rounded half up to the fen once, per
record. A statement only adds amounts: it cannot drift from its records.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Final

MILLI: Final = 1000
BILLED_FUNDING: Final = "market"  # public and social services are metered, not billed


def amount_fen(quantity_milli: int, unit_price_fen: int) -> int:
    """``quantity_milli`` thousandths of a unit at ``unit_price_fen`` a unit, in fen,
    rounded half up (12.345 kWh at 120 fen = 1,481.4 fen → 1,481)."""
    return (quantity_milli * unit_price_fen + MILLI // 2) // MILLI


def format_quantity(quantity_milli: int) -> str:
    """Thousandths as a decimal, trailing zeros dropped: 12345 → "12.345", 2000 → "2"."""
    whole, milli = divmod(quantity_milli, MILLI)
    return f"{whole}.{milli:03d}".rstrip("0").rstrip(".") if milli else str(whole)


def format_fen(fen: int) -> str:
    """Fen as yuan with two decimals: 1481 → "14.81"."""
    sign = "-" if fen < 0 else ""
    yuan, rest = divmod(abs(fen), 100)
    return f"{sign}{yuan}.{rest:02d}"


@dataclass(frozen=True, slots=True)
class UsageRecord:
    """What a household used of a service, once, and what it costs them."""

    id: str
    household_id: str
    domain: str  # the integration that metered it
    item: str  # what was used: "energy", "service_fee", "idle_fee", "overdue_fee"…
    description: str  # in words, for the statement
    quantity_milli: int
    unit: str  # "kWh", "min", "day", "session"…
    unit_price_fen: int
    amount_fen: int  # 0 unless the service's funding is market
    funding: str  # the service's funding model when it was used
    reference: str  # what it is for (a session, a parcel): one charge per item and reference
    occurred_at: float
    recorded_at: float

    @property
    def billed(self) -> bool:
        return self.funding == BILLED_FUNDING

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
