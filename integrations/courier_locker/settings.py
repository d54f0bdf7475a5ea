"""One bank's settings, read from its config entry (options override the fees and limits;
changing them reloads the entry, so a loaded bank's settings never change)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .const import (
    CONF_ENDPOINT,
    CONF_EXPIRE_DAYS,
    CONF_LARGE,
    CONF_MAX_TRIES,
    CONF_MEDIUM,
    CONF_NAME,
    CONF_OVERDUE_FEE,
    CONF_OVERDUE_HOURS,
    CONF_SECRET,
    CONF_SMALL,
)
from .model import Compartment, Size

if TYPE_CHECKING:
    from linli.config_entries import ConfigEntry

HOUR = 3600.0
DAY = 24 * HOUR


@dataclass(frozen=True, slots=True, kw_only=True)
class BankSettings:
    name: str
    endpoint: str
    secret: str
    counts: dict[Size, int]  # compartments of each size
    overdue_hours: int
    overdue_fee_fen: int  # per started day overdue
    max_tries: int
    expire_days: int

    @classmethod
    def of(cls, entry: ConfigEntry) -> BankSettings:
        def limit(key: str) -> int:
            return entry.options.get(key, entry.data[key])

        return cls(
            name=entry.data[CONF_NAME],
            endpoint=entry.data[CONF_ENDPOINT],
            secret=entry.data[CONF_SECRET],
            counts={
                Size.small: entry.data[CONF_SMALL],
                Size.medium: entry.data[CONF_MEDIUM],
                Size.large: entry.data[CONF_LARGE],
            },
            overdue_hours=limit(CONF_OVERDUE_HOURS),
            overdue_fee_fen=limit(CONF_OVERDUE_FEE),
            max_tries=limit(CONF_MAX_TRIES),
            expire_days=limit(CONF_EXPIRE_DAYS),
        )

    def compartments(self) -> list[Compartment]:
        """The bank's compartments, numbered from 1: the small ones, the medium, the large."""
        sizes = [size for size in Size for _ in range(self.counts[size])]
        return [Compartment(number=n, size=size) for n, size in enumerate(sizes, 1)]

    def overdue_from(self, told_at: float) -> float:
        """When a parcel whose household was told at ``told_at`` starts to cost a fee."""
        return told_at + self.overdue_hours * HOUR

    def overdue_days(self, told_at: float, until: float) -> int:
        """The started days past the free storage at ``until`` (0: not overdue)."""
        over = until - self.overdue_from(told_at)
        return math.ceil(over / DAY) if over > 0 else 0

    def expires_at(self, deposited_at: float) -> float:
        return deposited_at + self.expire_days * DAY
