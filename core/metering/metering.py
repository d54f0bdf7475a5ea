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
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..exceptions import LinliError
from ..storage.metering_schema import usage_records
from .csv_export import usage_csv
from .statements import Month, Statement, statements_of
from .usage import BILLED_FUNDING, UsageRecord, amount_fen

if TYPE_CHECKING:
    from ..hub import Hub

EVENT_USAGE_RECORDED: Final = "usage_recorded"
_TEXT_LENGTHS: Final = {"item": 64, "unit": 16, "reference": 128}


class UsageError(LinliError, ValueError):
    """A usage record an integration asked for is not valid; the message says why."""


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
        """Record one use and return it once it is committed (:class:`UsageError` if a
        field is wrong; the first record if this one was recorded already)."""
        self._check(household_id, item, unit, reference, quantity_milli, unit_price_fen)
        if (earlier := await self._recorded(domain, item, reference)) is not None:
            return earlier
        funding = self.hub.governance.funding_model(domain)
        now = self.hub.clock.time()
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
            occurred_at=now if occurred_at is None else occurred_at,
            recorded_at=now,
        )
        row = usage.as_dict()
        self.hub.database.write(
            lambda session: session.execute(sa.insert(usage_records), row),
            f"usage {item} of {domain} for household {household_id} ({reference})",
        )
        await self.hub.database.flush()
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
        return usage

    async def records(self, month: Month, household_id: str | None = None) -> list[UsageRecord]:
        """The records of ``month`` (of one household, or all), oldest first."""
        start, end = month.bounds(self.zone)
        table = usage_records
        query = sa.select(table).where(table.c.occurred_at >= start, table.c.occurred_at < end)
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
        item: str,
        unit: str,
        reference: str,
        quantity_milli: int,
        unit_price_fen: int,
    ) -> None:
        if self.hub.community.households.get(household_id) is None:
            raise UsageError(f"No household {household_id!r} to record usage for")
        for name, value in (("quantity_milli", quantity_milli), ("unit_price_fen", unit_price_fen)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise UsageError(f"{name} must be a whole number ≥ 0, not {value!r}")
        for name, value in (("item", item), ("unit", unit), ("reference", reference)):
            if not value or len(value) > _TEXT_LENGTHS[name]:
                raise UsageError(f"{name} must be 1 to {_TEXT_LENGTHS[name]} characters")

    async def _recorded(self, domain: str, item: str, reference: str) -> UsageRecord | None:
        table = usage_records
        query = sa.select(table).where(
            table.c.domain == domain, table.c.item == item, table.c.reference == reference
        )
        found = await self.hub.database.read(_records(query))
        return found[0] if found else None


def _records(query: sa.Select[Any]) -> Any:
    def read(session: Session) -> list[UsageRecord]:
        return [UsageRecord(**row._mapping) for row in session.execute(query)]

    return read
