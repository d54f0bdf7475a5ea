"""One locker bank: its compartments, the parcels in them, and what happens to each.

Every change is written through to the store at once and announced to the entities by
topic (a compartment, a household, the free counts). Times come from the hub's clock; a
sweep every minute marks parcels overdue and expired.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from linli.community.households import EVENT_HOUSEHOLD_REGISTRY_UPDATED
from linli.events import Event, Unsubscribe
from linli.helpers.event import track_time_interval
from linli.metering import Month, UsageError, UsageRecord
from linli.metering.usage import BILLED_FUNDING, MILLI

from .code_alarm import clear_code_locked, raise_code_locked
from .const import DOMAIN, FEE_ITEM, FEE_UNIT
from .messages import Deposit
from .model import (
    Compartment,
    Conflict,
    NotFound,
    Parcel,
    ParcelStatus,
    UnknownRecipient,
)
from .notices import Notices
from .recipients import household_at
from .settings import DAY, BankSettings
from .store import BankStore

if TYPE_CHECKING:
    from linli.hub import Hub

_LOGGER = logging.getLogger(__name__)

CODE_DIGITS: Final = 6
SWEEP_INTERVAL: Final = timedelta(minutes=1)
# A finished parcel is kept this long, so that a late duplicate of its deposit or return
# is answered as such rather than taken for a new parcel.
KEEP_FINISHED: Final = 30 * DAY
FREE_TOPIC: Final = "free"

HouseholdAdder = Callable[[str], Awaitable[None]]


def compartment_topic(number: int) -> str:
    return f"compartment {number}"


def household_topic(household_id: str) -> str:
    return f"household {household_id}"


@dataclass(frozen=True, slots=True)
class PickupAnswer:
    """What the keypad is told: open, or how many tries are left before the code locks."""

    open: bool
    tries_left: int | None = None
    locked: bool = False


def _is_creation(event: Event) -> bool:
    return event.data["action"] == "create"


class LockerBank:
    """The running state of one bank (``hub.data[DOMAIN][entry.id]``)."""

    def __init__(self, hub: Hub, entry_id: str, settings: BankSettings) -> None:
        self.hub = hub
        self.entry_id = entry_id
        self.settings = settings
        self.store = BankStore(hub, entry_id)
        self.notices = Notices(hub, settings.name)
        self.compartments = {c.number: c for c in settings.compartments()}
        self.parcels: dict[str, Parcel] = {}  # in compartments, and finished recently
        self.households: set[str] = set()  # those with a waiting-parcels sensor
        self._listeners: dict[str, list[Callable[[], object]]] = {}
        self._household_adders: list[HouseholdAdder] = []

    async def load(self) -> None:
        """Read the stored parcels and doors; households that had parcels keep a sensor."""
        for number, is_open in (await self.store.doors()).items():
            self.compartments[number].door_open = is_open
        for parcel in await self.store.parcels():
            self.parcels[parcel.parcel_id] = parcel
            if parcel.status.in_compartment:
                self.compartments[parcel.compartment].parcel = parcel
        self.households.update(
            device.household_id
            for device in self.hub.devices
            if self.entry_id in device.config_entry_ids and device.household_id is not None
        )
        # Every household's sensor is there from the start (at 0), so an automation can
        # watch it before the first parcel comes, and the first parcel is a change.
        self.households.update(household.id for household in self.hub.community.households)

    def start(self) -> Unsubscribe:
        """Sweep for overdue and expired parcels, and give each new household its sensor;
        returns what stops both."""
        stop_sweeping = track_time_interval(self.hub, self._sweep, SWEEP_INTERVAL)
        stop_listening = self.hub.bus.listen(
            EVENT_HOUSEHOLD_REGISTRY_UPDATED, self._household_created, _is_creation
        )

        def stop() -> None:
            stop_sweeping()
            stop_listening()

        return stop

    def _household_created(self, event: Event) -> None:
        household_id = event.data["household_id"]
        self.hub.create_task(self._add_household(household_id), "locker household sensor")

    async def _add_household(self, household_id: str) -> None:
        if household_id not in self.households:
            self.households.add(household_id)
            await asyncio.gather(*(adder(household_id) for adder in self._household_adders))

    # -- for the entities ----------------------------------------------------------------------

    def listen(self, topic: str, callback: Callable[[], object]) -> Unsubscribe:
        """Call ``callback()`` whenever what ``topic`` covers changes."""
        self._listeners.setdefault(topic, []).append(callback)
        return lambda: self._listeners[topic].remove(callback)

    async def add_household_platform(self, adder: HouseholdAdder) -> None:
        """``await adder(household_id)`` for every household with a sensor, now and new."""
        self._household_adders.append(adder)
        await asyncio.gather(*(adder(household_id) for household_id in self.households))

    def figures(self) -> dict[str, int]:
        """For the operator's dashboard: compartments, those holding a parcel, and overdue."""
        held = [c.parcel for c in self.compartments.values() if c.parcel is not None]
        return {
            "compartments": len(self.compartments),
            "occupied": len(held),
            "overdue": sum(1 for parcel in held if parcel.overdue),
        }

    def waiting_for(self, household_id: str) -> list[Parcel]:
        """The household's parcels in the bank, oldest first."""
        parcels = (c.parcel for c in self.compartments.values() if c.parcel is not None)
        return sorted(
            (p for p in parcels if p.household_id == household_id), key=lambda p: p.deposited_at
        )

    # -- what the courier system reports ----------------------------------------------------------

    async def deposit(self, deposit: Deposit) -> tuple[Parcel, bool]:
        """Put the parcel in its compartment and tell its household; returns it and whether
        it is new (a repeated deposit changes nothing). A parcel for no single household
        is kept for the property office, then :class:`UnknownRecipient` raised."""
        known = self.parcels.get(deposit.parcel_id)
        if known is not None:
            return self._deposited_before(known, deposit), False
        compartment = self._compartment(deposit.compartment)
        if compartment.parcel is not None:
            raise Conflict(
                f"Compartment {compartment.number} of {self.settings.name} already holds "
                f"parcel {compartment.parcel.parcel_id}",
                "compartment",
            )
        now = self.hub.clock.time()
        self._forget_finished(now)
        parcel = Parcel(
            parcel_id=deposit.parcel_id,
            compartment=compartment.number,
            tracking_number=deposit.tracking_number,
            carrier=deposit.carrier,
            recipient=deposit.recipient,
            deposited_at=now,
        )
        compartment.parcel = self.parcels[parcel.parcel_id] = parcel
        try:
            household_id = household_at(self.hub, deposit.recipient)
        except UnknownRecipient as error:
            self._save(parcel)
            self.notices.to_desk(parcel, "unassigned", recipient=parcel.recipient)
            raise self._unassigned(parcel, error.message) from None
        await self._assign(parcel, household_id)
        return parcel, True

    async def pickup(self, number: int, code: str) -> PickupAnswer:
        """Check a code typed on the keypad: the right one opens the compartment once."""
        compartment = self._compartment(number)
        parcel = self._parcel_in(compartment)
        if parcel.code is None:
            raise Conflict(
                f"The parcel in compartment {number} of {self.settings.name} is not assigned to "
                "a household yet: the property office hands it out",
                "compartment",
            )
        if parcel.code_locked:
            return PickupAnswer(open=False, tries_left=0, locked=True)
        if not hmac.compare_digest(code, parcel.code):
            return self._wrong_code(parcel)
        now = self.hub.clock.time()
        self._finish(parcel, ParcelStatus.picked_up, now)
        fee = await self._charge(parcel, now)
        extra = []
        if fee is not None and fee.amount_fen:
            month = Month.of(now, self.hub.metering.zone)
            extra.append(
                self.notices.sentence(
                    "fee_charged",
                    days=fee.quantity_milli // MILLI,
                    fee=self.notices.fee(fee.amount_fen),
                    month=str(month),
                )
            )
        self.notices.to_household(parcel, "picked_up", *extra, time=self.notices.time(now))
        return PickupAnswer(open=True)

    def door(self, number: int, is_open: bool) -> Compartment:
        compartment = self._compartment(number)
        compartment.door_open = is_open
        self.store.save_door(compartment)
        self._changed(compartment_topic(number))
        return compartment

    def take_back(self, parcel_id: str) -> Parcel:
        """The courier took the parcel back (returning it again changes nothing)."""
        parcel = self.parcels.get(parcel_id)
        if parcel is None:
            raise NotFound(f"No parcel {parcel_id!r} in {self.settings.name}", "parcel_id")
        if parcel.status is ParcelStatus.picked_up:
            assert parcel.finished_at is not None
            raise Conflict(
                f"Parcel {parcel_id} was picked up at {self.notices.time(parcel.finished_at)}: "
                "it cannot be returned",
                "parcel_id",
            )
        if parcel.status is ParcelStatus.returned:
            return parcel
        now = self.hub.clock.time()
        self._finish(parcel, ParcelStatus.returned, now)
        if parcel.household_id is not None:
            self.notices.to_household(parcel, "returned", time=self.notices.time(now))
        return parcel

    # -- what the property office does ------------------------------------------------------

    def reissue_code(self, number: int, user_id: str | None) -> Parcel:
        """A new pickup code for the parcel in compartment ``number``, sent to its
        household; the old one (locked or not) stops working."""
        compartment = self._compartment(number)
        parcel = self._parcel_in(compartment)
        if parcel.household_id is None:
            raise Conflict(
                f"The parcel in compartment {number} is not assigned to a household yet: "
                "assign it with courier_locker.assign_parcel",
                "compartment",
            )
        if parcel.code_locked:
            clear_code_locked(self.hub, self.settings, parcel, user_id, "A new code was issued")
        parcel.code = self._new_code()
        parcel.wrong_tries = 0
        parcel.code_locked = False
        self._save(parcel)
        self.notices.to_household(parcel, "code_reissued", code=parcel.code)
        return parcel

    async def assign(self, parcel_id: str, recipient: str) -> Parcel:
        """Give a parcel nobody could be found for to the household at ``recipient``."""
        parcel = self.parcels.get(parcel_id)
        if parcel is None or not parcel.status.in_compartment:
            raise NotFound(f"No parcel {parcel_id!r} in {self.settings.name}", "parcel_id")
        if parcel.household_id is not None:
            raise Conflict(f"Parcel {parcel_id} is assigned to a household already", "parcel_id")
        household_id = household_at(self.hub, recipient)
        parcel.recipient = recipient
        await self._assign(parcel, household_id)
        return parcel

    # -- the parcels' life ---------------------------------------------------------------------

    async def _assign(self, parcel: Parcel, household_id: str) -> None:
        """The parcel is the household's: give it a code, and tell them."""
        parcel.household_id = household_id
        parcel.code = self._new_code()
        parcel.told_at = self.hub.clock.time()
        self._save(parcel)
        await self._add_household(household_id)  # made just now: its sensor may be coming
        extra = []
        if self._charges:
            free_until = self.settings.overdue_from(parcel.told_at)
            fee = self.notices.fee(self.settings.overdue_fee_fen)
            extra.append(
                self.notices.sentence(
                    "fee_terms", free_until=self.notices.time(free_until), fee=fee
                )
            )
        self.notices.to_household(parcel, "deposited", *extra, code=parcel.code)

    def _deposited_before(self, known: Parcel, deposit: Deposit) -> Parcel:
        """The same deposit again: answered as the first was, or a conflict."""
        if known.compartment != deposit.compartment or not known.status.in_compartment:
            raise Conflict(
                f"Parcel {known.parcel_id} was deposited in compartment {known.compartment} at "
                f"{self.notices.time(known.deposited_at)} and is {known.status}: a new deposit "
                "needs a new parcel_id",
                "parcel_id",
            )
        if known.household_id is None:
            raise self._unassigned(known, "No single household at its address")
        return known

    def _unassigned(self, parcel: Parcel, why: str) -> UnknownRecipient:
        return UnknownRecipient(
            f"{why}: the parcel stays in compartment {parcel.compartment} for the property "
            "office to assign",
            "recipient",
        )

    def _wrong_code(self, parcel: Parcel) -> PickupAnswer:
        parcel.wrong_tries += 1
        tries_left = max(self.settings.max_tries - parcel.wrong_tries, 0)
        if tries_left == 0:
            parcel.code_locked = True
            raise_code_locked(self.hub, self.settings, parcel)
            self.notices.to_household(parcel, "code_locked", tries=parcel.wrong_tries)
        self._save(parcel)
        return PickupAnswer(open=False, tries_left=tries_left, locked=parcel.code_locked)

    def _finish(self, parcel: Parcel, status: ParcelStatus, now: float) -> None:
        """The parcel has left its compartment: its code is forgotten."""
        if parcel.code_locked:
            gone = f"The parcel was {status.replace('_', ' ')}"
            clear_code_locked(self.hub, self.settings, parcel, None, gone)
        self.compartments[parcel.compartment].parcel = None
        parcel.status = status
        parcel.finished_at = now
        parcel.code = None
        self._save(parcel)

    async def _charge(self, parcel: Parcel, now: float) -> UsageRecord | None:
        """Meter the overdue fee of a parcel picked up at ``now``, if it is overdue."""
        assert parcel.household_id is not None
        assert parcel.told_at is not None
        days = self.settings.overdue_days(parcel.told_at, now)
        if days == 0 or self.settings.overdue_fee_fen == 0:
            return None
        line = self.notices.sentence("fee_line", **self.notices.about(parcel), days=days)
        try:
            return await self.hub.metering.record(
                household_id=parcel.household_id,
                domain=DOMAIN,
                item=FEE_ITEM,
                description=line,
                quantity_milli=days * MILLI,
                unit=FEE_UNIT,
                unit_price_fen=self.settings.overdue_fee_fen,
                reference=f"{self.settings.endpoint}/{parcel.parcel_id}",
                occurred_at=now,
            )
        except UsageError as error:  # e.g. the household was removed meanwhile
            _LOGGER.error("Cannot bill the overdue fee of parcel %s: %s", parcel.parcel_id, error)
            return None

    def _sweep(self, now: datetime) -> None:
        """Mark parcels overdue (past their free storage) and expired (to go back)."""
        time = now.timestamp()
        for compartment in self.compartments.values():
            parcel = compartment.parcel
            if parcel is None:
                continue
            told_at = parcel.told_at
            free_until = None if told_at is None else self.settings.overdue_from(told_at)
            if free_until is not None and not parcel.overdue and time >= free_until:
                self._overdue(parcel)
            expires_at = self.settings.expires_at(parcel.deposited_at)
            if parcel.status is ParcelStatus.waiting and time >= expires_at:
                self._expire(parcel)

    def _overdue(self, parcel: Parcel) -> None:
        parcel.overdue = True
        self._save(parcel)
        extra = []
        if self._charges:
            fee = self.notices.fee(self.settings.overdue_fee_fen)
            extra.append(self.notices.sentence("fee_running", fee=fee))
        self.notices.to_household(parcel, "overdue", *extra)

    def _expire(self, parcel: Parcel) -> None:
        """Kept too long: the courier is to take it back (until then its code still works)."""
        parcel.status = ParcelStatus.expired
        self._save(parcel)
        days = self.settings.expire_days
        if parcel.household_id is not None:
            self.notices.to_household(parcel, "expired", code=parcel.code, days=days)
        self.notices.to_desk(parcel, "expired_desk", days=days)

    def _forget_finished(self, now: float) -> None:
        for parcel in list(self.parcels.values()):
            if parcel.finished_at is not None and now - parcel.finished_at > KEEP_FINISHED:
                del self.parcels[parcel.parcel_id]
                self.store.forget_parcel(parcel)

    # -- helpers -------------------------------------------------------------------------------

    def _compartment(self, number: int) -> Compartment:
        compartment = self.compartments.get(number)
        if compartment is None:
            raise NotFound(
                f"{self.settings.name} has no compartment {number}: its compartments are "
                f"1 to {len(self.compartments)}",
                "compartment",
            )
        return compartment

    def _parcel_in(self, compartment: Compartment) -> Parcel:
        if compartment.parcel is None:
            raise Conflict(
                f"Compartment {compartment.number} of {self.settings.name} holds no parcel",
                "compartment",
            )
        return compartment.parcel

    def _new_code(self) -> str:
        """A random code no other parcel of the bank has."""
        in_use = {c.parcel.code for c in self.compartments.values() if c.parcel is not None}
        while True:
            code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
            if code not in in_use:
                return code

    @property
    def _charges(self) -> bool:
        """Whether an overdue parcel costs its household anything."""
        funding = self.hub.governance.funding_model(DOMAIN)
        return self.settings.overdue_fee_fen > 0 and funding == BILLED_FUNDING

    def _save(self, parcel: Parcel) -> None:
        """Store the parcel and show the change."""
        self.store.save_parcel(parcel)
        topics = [compartment_topic(parcel.compartment), FREE_TOPIC]
        if parcel.household_id is not None:
            topics.append(household_topic(parcel.household_id))
        self._changed(*topics)

    def _changed(self, *topics: str) -> None:
        for topic in topics:
            for callback in list(self._listeners.get(topic, ())):
                callback()
