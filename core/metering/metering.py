"""The hub's meter (``hub.metering``): integrations record what households use of paid
services; statements and the operator's export are read back from those records.

A record is written once and never changed. Recording the same ``(domain, item,
reference)`` again returns the first record: a charge point that resends its
StopTransaction, or a retried webhook, cannot bill a household twice. Whether a use costs
anything is the service's funding model, as the community voted it (:meth:`Governance.
funding_model`): market services bill; public and social ones are metered at no charge.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..community.export import exporter
from ..exceptions import LinliError
from ..storage.metering_schema import usage_records
from .csv_export import usage_csv
from .statements import FIRST_YEAR, LAST_YEAR, Month, Statement, statements_of
from .usage import BILLED_FUNDING, UsageRecord, amount_fen

if TYPE_CHECKING:
    from ..community.households import HouseholdEntry
    from ..hub import Hub

EVENT_USAGE_RECORDED: Final = "usage_recorded"
_TEXT_LENGTHS: Final = {"domain": 64, "item": 64, "unit": 16, "reference": 128}
# What the columns hold: a price is an Integer; a quantity and an amount stay whole numbers
# that JSON readers (the web app's JavaScript) hold exactly.
MAX_UNIT_PRICE_FEN: Final = 2**31 - 1
MAX_WHOLE: Final = 2**53 - 1


class UsageError(LinliError, ValueError):
    """A usage record an integration asked for is not valid: the message says why,
    ``field`` which argument is wrong."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class Metering:
    """Records usage, and reads statements and exports back."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.hub.config.time_zone)

    async def record(
        self,
        *,
        household_id: str,
        domain: str,
        item: str,
        description: str,
        quantity_milli: int,
        unit: str,
        unit_price_fen: int,
        reference: str,
        occurred_at: float | None = None,
    ) -> UsageRecord:
        """Record one use and return it once it is committed (:class:`UsageError` if an
        argument is wrong; the first record if this one was recorded already)."""
        now = self.hub.clock.time()
        when = now if occurred_at is None else occurred_at
        self._check(
            household_id, domain, item, unit, reference, quantity_milli, unit_price_fen, when
        )
        funding = self.hub.governance.funding_model(domain)
        usage = UsageRecord(
            id=uuid.uuid4().hex,
            household_id=household_id,
            domain=domain,
            item=item,
            description=description,
            quantity_milli=quantity_milli,
            unit=unit,
            unit_price_fen=unit_price_fen,
            amount_fen=amount_fen(quantity_milli, unit_price_fen)
            if funding == BILLED_FUNDING
            else 0,
            funding=funding,
            reference=reference,
            occurred_at=when,
            recorded_at=now,
        )
        stored = await self.hub.database.commit(_insert_once(usage))
        if stored is usage:
            self.hub.bus.fire(
                EVENT_USAGE_RECORDED,
                {
                    "household_id": household_id,
                    "domain": domain,
                    "item": item,
                    "amount_fen": usage.amount_fen,
                    "reference": reference,
                },
            )
        return stored

    async def records(
        self, month: Month | None = None, household_id: str | None = None
    ) -> list[UsageRecord]:
        """The records of ``month`` (None: of every month), of one household or all,
        oldest first."""
        table = usage_records
        query = sa.select(table)
        if month is not None:
            start, end = month.bounds(self.zone)
            query = query.where(table.c.occurred_at >= start, table.c.occurred_at < end)
        if household_id is not None:
            query = query.where(table.c.household_id == household_id)
        query = query.order_by(table.c.occurred_at, table.c.id)
        return await self.hub.database.read(_records(query))

    async def statement(self, household_id: str, month: Month) -> Statement:
        """The household's statement for ``month`` (no lines: nothing used)."""
        found = statements_of(month, await self.records(month, household_id))
        return found[0] if found else Statement(household_id, month, ())

    async def statements(self, month: Month) -> list[Statement]:
        """The statement of every household that used something in ``month``."""
        return statements_of(month, await self.records(month))

    async def export_csv(self, month: Month) -> str:
        """Every record of ``month`` as CSV, for the operator's accounts."""
        return usage_csv(month, await self.records(month), self._household_name, self.zone)

    def _household_name(self, household_id: str) -> str:
        household = self.hub.community.households.get(household_id)
        return "" if household is None else household.name

    def _check(
        self,
        household_id: str,
        domain: str,
        item: str,
        unit: str,
        reference: str,
        quantity_milli: int,
        unit_price_fen: int,
        occurred_at: float,
    ) -> None:
        if self.hub.community.households.get(household_id) is None:
            raise UsageError(f"No household {household_id!r} to record usage for", "household_id")
        for name, value, most in (
            ("quantity_milli", quantity_milli, MAX_WHOLE),
            ("unit_price_fen", unit_price_fen, MAX_UNIT_PRICE_FEN),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
                raise UsageError(
                    f"{name} must be a whole number from 0 to {most}, not {value!r}", name
                )
        if amount_fen(quantity_milli, unit_price_fen) > MAX_WHOLE:
            raise UsageError(
                f"{quantity_milli} thousandths at {unit_price_fen} fen come to more than "
                f"{MAX_WHOLE} fen",
                "quantity_milli",
            )
        for name, value in (
            ("domain", domain),
            ("item", item),
            ("unit", unit),
            ("reference", reference),
        ):
            if not value or len(value) > _TEXT_LENGTHS[name]:
                raise UsageError(f"{name} must be 1 to {_TEXT_LENGTHS[name]} characters", name)
        first, _ = Month(FIRST_YEAR, 1).bounds(self.zone)
        _, last = Month(LAST_YEAR, 12).bounds(self.zone)
        number = isinstance(occurred_at, int | float) and not isinstance(occurred_at, bool)
        if not number or not first <= occurred_at < last:
            raise UsageError(
                f"occurred_at must be a time (seconds since 1970) from {FIRST_YEAR} to "
                f"{LAST_YEAR}, not {occurred_at!r}",
                "occurred_at",
            )


def _records(query: sa.Select[Any]) -> Callable[[Session], list[UsageRecord]]:
    def read(session: Session) -> list[UsageRecord]:
        return [UsageRecord(**row._mapping) for row in session.execute(query)]

    return read


def _insert_once(usage: UsageRecord) -> Callable[[Session], UsageRecord]:
    """Insert ``usage`` unless its ``(domain, item, reference)`` is recorded; return the
    record stored. Looking and inserting are one transaction (``Database.commit``), so
    of two uses recorded at once with one reference, the second finds the first; a failed
    insert is raised to the caller, not only logged."""
    table = usage_records

    def insert(session: Session) -> UsageRecord:
        same = sa.select(table).where(
            table.c.domain == usage.domain,
            table.c.item == usage.item,
            table.c.reference == usage.reference,
        )
        earlier = session.execute(same).first()
        if earlier is not None:
            return UsageRecord(**earlier._mapping)
        session.execute(sa.insert(table), usage.as_dict())
        return usage

    return insert


@exporter("usage")
async def _export_usage(hub: Hub, household: HouseholdEntry) -> list[dict[str, Any]]:
    """Every use of a service metered for the household, oldest first."""
    return [record.as_dict() for record in await hub.metering.records(household_id=household.id)]
