"""A charging site: the central system's side of every charge point of one config entry.

The protocol handlers (:mod:`.protocol`) turn OCPP messages into calls here; this module
decides: who may charge, what a session costs, how the supply is shared, when the
operator is alarmed. Charge points and open transactions are saved as they change, so a
restart of the hub loses no session and bills none twice.

A session is billed twice over: energy and the service fee when the charge point stops
the transaction, the idle fee when the car is unplugged — minutes plugged in after it
finished charging (SuspendedEV, Finishing, or the stop), beyond the grace period.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Final, Protocol

from linli.alarms.model import Severity
from linli.storage.integration_data import IntegrationData

from .const import (
    DOMAIN,
    EVENT_CHARGING_FINISHED,
    ITEM_ENERGY,
    ITEM_IDLE_FEE,
    ITEM_SERVICE_FEE,
    MIN_CHARGING_W,
)
from .entity import unique_id_of
from .id_tags import IdTags
from .load_balancer import Demand, share
from .model import ChargePoint, ChargePointInfo, Connector, SiteTotals, Transaction
from .settings import SiteSettings

if TYPE_CHECKING:
    from linli.hub import Hub

_LOGGER = logging.getLogger(__name__)

CHARGE_POINT: Final = "charge_point"
TRANSACTION: Final = "transaction"
COUNTER: Final = "counter"
FAULT_ALARM: Final = "charger_fault"
CHARGING_DONE: Final = frozenset({"SuspendedEV", "Finishing"})
UNPLUGGED: Final = frozenset({"Available", "Unavailable", "Faulted"})

PlatformAdder = Callable[[ChargePoint, Connector | None], Awaitable[None]]


class Link(Protocol):
    """A connected charge point, as the site commands it (:mod:`.protocol`)."""

    async def set_power_limit(self, connector_id: int, transaction_id: int, watts: int) -> bool:
        """Whether the charge point accepted the limit."""
        ...


class MeterWentBackwards(ValueError):
    """A meter reading lower than the one before it."""


class ChargingSite:
    """The charge points, cards and sessions of one site, and its share of the supply."""

    def __init__(self, hub: Hub, entry_id: str, settings: SiteSettings, id_tags: IdTags) -> None:
        self.hub = hub
        self.entry_id = entry_id
        self.settings = settings
        self.id_tags = id_tags  # the hub's cards: one registry for every site
        self.charge_points: dict[str, ChargePoint] = {}
        self.transactions: dict[int, Transaction] = {}
        self.totals = SiteTotals(settings.supply_limit_w)
        self.links: dict[str, Link] = {}
        self._data = IntegrationData(hub, DOMAIN)
        self._next_transaction_id = 1
        self._adders: list[PlatformAdder] = []
        self._rebalancing = asyncio.Lock()

    # -- keeping ------------------------------------------------------------------------

    def _key(self, name: str | int) -> str:
        """The key of a charge point's (or a transaction's) record: the site's own."""
        return f"{self.entry_id}/{name}"

    async def load(self) -> None:
        """Read the registered charge points and open transactions."""
        prefix = self._key("")
        for key, record in (await self._data.load(CHARGE_POINT)).items():
            if key.startswith(prefix):
                charge_point_id = key.removeprefix(prefix)
                self.charge_points[charge_point_id] = ChargePoint.from_record(
                    charge_point_id, record
                )
        for key, record in (await self._data.load(TRANSACTION)).items():
            if key.startswith(prefix):
                self._attach(Transaction.from_record(record))
        counter = (await self._data.load(COUNTER)).get(self.entry_id, {})
        self._next_transaction_id = counter.get("next", 1)

    def _attach(self, transaction: Transaction) -> None:
        self.transactions[transaction.id] = transaction
        charge_point = self.charge_points.get(transaction.charge_point_id)
        if charge_point is not None:
            connector = self._connector(charge_point, transaction.connector_id)
            connector.transaction = transaction

    def _save_charge_point(self, charge_point: ChargePoint) -> None:
        self._data.save(CHARGE_POINT, self._key(charge_point.id), charge_point.as_record())

    def _save_transaction(self, transaction: Transaction) -> None:
        self._data.save(TRANSACTION, self._key(transaction.id), transaction.as_record())

    # -- charge points ------------------------------------------------------------------

    async def add_platform(self, adder: PlatformAdder) -> None:
        """``await adder(charge_point, None)`` per charge point and ``adder(cp, connector)``
        per connector, now and whenever one is new."""
        self._adders.append(adder)
        for charge_point in self.charge_points.values():
            await adder(charge_point, None)
            for connector in charge_point.connectors.values():
                await adder(charge_point, connector)

    async def _announce(self, charge_point: ChargePoint, connector: Connector | None) -> None:
        for adder in self._adders:
            await adder(charge_point, connector)

    def figures(self) -> dict[str, float]:
        """For the operator's dashboard: connectors, those with a car plugged in (charging or
        done and idle), those charging, the power drawn and the supply limit, in kW."""
        connectors = [c for cp in self.charge_points.values() for c in cp.connectors.values()]
        sessions = [c.transaction for c in connectors if c.transaction is not None]
        return {
            "connectors": len(connectors),
            "occupied": len(sessions),
            "charging": sum(
                1 for t in sessions if t.stopped_at is None and t.charging_finished_at is None
            ),
            "power_kw": sum(c.power_w or 0.0 for c in connectors) / 1000,
            "limit_kw": self.totals.limit_w / 1000,
        }

    def may_connect(self, charge_point_id: str) -> bool:
        return charge_point_id in self.charge_points or self.settings.auto_register

    async def register(self, charge_point_id: str) -> ChargePoint:
        """The charge point, registered (and its entities added) if it is new."""
        charge_point = self.charge_points.get(charge_point_id)
        if charge_point is None:
            charge_point = ChargePoint(charge_point_id)
            self.charge_points[charge_point_id] = charge_point
            self._save_charge_point(charge_point)
            await self._announce(charge_point, None)
            _LOGGER.info("Charge point %s registered", charge_point_id)
        return charge_point

    def connected(self, charge_point_id: str, link: Link) -> None:
        """A charge point is online; its sessions' limits go out again (it may have
        rebooted and forgotten them)."""
        charge_point = self.charge_points[charge_point_id]
        self.links[charge_point_id] = link
        for connector in charge_point.connectors.values():
            connector.limit_w = None
        charge_point.connected = True
        charge_point.changed()

    def disconnected(self, charge_point_id: str, link: Link) -> None:
        if self.links.get(charge_point_id) is link:
            del self.links[charge_point_id]
            if (charge_point := self.charge_points.get(charge_point_id)) is not None:
                charge_point.connected = False
                charge_point.changed()

    def booted(self, charge_point_id: str, info: ChargePointInfo) -> None:
        charge_point = self.charge_points[charge_point_id]
        charge_point.info = info
        self._save_charge_point(charge_point)
        device = self.hub.devices.get_by_identifier(DOMAIN, charge_point_id)
        if device is not None:
            self.hub.devices.update(
                device.id,
                manufacturer=info.vendor,
                model=info.model,
                sw_version=info.firmware_version,
            )
        charge_point.changed()

    async def _known_connector(self, charge_point: ChargePoint, connector_id: int) -> Connector:
        connector = charge_point.connectors.get(connector_id)
        if connector is None:
            connector = self._connector(charge_point, connector_id)
            self._save_charge_point(charge_point)
            await self._announce(charge_point, connector)
        return connector

    def _connector(self, charge_point: ChargePoint, connector_id: int) -> Connector:
        connector = charge_point.connectors.get(connector_id)
        if connector is None:
            connector = charge_point.connectors[connector_id] = Connector(
                charge_point.id, connector_id
            )
        return connector

    # -- status -------------------------------------------------------------------------

    async def status(
        self, charge_point_id: str, connector_id: int, status: str, error_code: str
    ) -> None:
        """A StatusNotification: connector 0 is the charge point as a whole."""
        charge_point = self.charge_points[charge_point_id]
        if connector_id == 0:
            self._fault(charge_point, None, status, error_code)
            return
        connector = await self._known_connector(charge_point, connector_id)
        connector.status, connector.error_code = status, error_code
        self._fault(charge_point, connector, status, error_code)
        transaction = connector.transaction
        if transaction is not None:
            await self._transaction_status(connector, transaction, status)
        connector.changed()

    async def _transaction_status(
        self, connector: Connector, transaction: Transaction, status: str
    ) -> None:
        now = self.hub.clock.time()
        if status in CHARGING_DONE and transaction.charging_finished_at is None:
            transaction.charging_finished_at = now
            self._save_transaction(transaction)
            self._announce_finished(transaction)
            self.rebalance_soon()
        elif status == "Charging" and transaction.charging_finished_at is not None:
            if transaction.stopped_at is None:  # the car wants more after all
                transaction.charging_finished_at = None
                self._save_transaction(transaction)
                self.rebalance_soon()
        elif status in UNPLUGGED and transaction.stopped_at is not None:
            await self._close(connector, transaction, now)

    def _announce_finished(self, transaction: Transaction) -> None:
        """Tell automations a car is done: its household may move it before the idle fee."""
        prices = transaction.prices
        self.hub.bus.fire(
            EVENT_CHARGING_FINISHED,
            {
                "household_id": transaction.household_id,
                "charge_point_id": transaction.charge_point_id,
                "connector_id": transaction.connector_id,
                "energy_kwh": transaction.energy_wh / 1000,
                "idle_grace_minutes": prices.idle_grace_minutes,
                "idle_fee_fen_per_minute": prices.idle_fee_fen_per_minute,
            },
        )

    def _fault(
        self,
        charge_point: ChargePoint,
        connector: Connector | None,
        status: str,
        error_code: str,
    ) -> None:
        """Alarm the operator when a connector (or the charge point) reports Faulted;
        clear the alarm when it reports anything else."""
        if connector is None:  # the charge point as a whole: its connection sensor
            unique_id = unique_id_of(charge_point.id, 0, "connection")
            entity_id = self.hub.entities.get_entity_id("binary_sensor", DOMAIN, unique_id)
        else:
            unique_id = unique_id_of(charge_point.id, connector.connector_id, "status")
            entity_id = self.hub.entities.get_entity_id("sensor", DOMAIN, unique_id)
        where = charge_point.name + (
            "" if connector is None else f" connector {connector.connector_id}"
        )
        if status == "Faulted":
            self.hub.alarms.raise_alarm(
                FAULT_ALARM,
                Severity.major,
                source_entity_id=entity_id,
                household_id=None,
                message=f"{where} is faulted ({error_code})",
                data={"charge_point_id": charge_point.id, "error_code": error_code},
            )
            return
        for alarm in self.hub.alarms.active():
            if alarm.alarm_type == FAULT_ALARM and alarm.source_entity_id == entity_id:
                self.hub.alarms.clear(alarm.id, comment=f"{where} reports {status}")

    # -- sessions -----------------------------------------------------------------------

    def authorize(self, id_tag: str) -> str | None:
        """The household charging with ``id_tag``, or None (refuse it)."""
        return self.id_tags.household_of(id_tag)

    async def start_transaction(
        self, charge_point_id: str, connector_id: int, id_tag: str, meter_start_wh: int
    ) -> Transaction | None:
        """A new session, saved before the charge point is told its id; None when the tag
        is refused (the charge point then stops at once)."""
        household_id = self.authorize(id_tag)
        if household_id is None:
            _LOGGER.warning("Charge point %s: id tag %s refused", charge_point_id, id_tag)
            return None
        charge_point = self.charge_points[charge_point_id]
        connector = await self._known_connector(charge_point, connector_id)
        if (earlier := connector.transaction) is not None and earlier.stopped_at is None:
            _LOGGER.warning(
                "Charge point %s connector %d started a session while %d was open: closing it",
                charge_point_id,
                connector_id,
                earlier.id,
            )
            await self.stop_transaction(earlier.id, earlier.meter_wh)
        transaction_id = self._next_transaction_id
        self._next_transaction_id += 1
        self._data.save(COUNTER, self.entry_id, {"next": self._next_transaction_id})
        transaction = Transaction(
            id=transaction_id,
            charge_point_id=charge_point_id,
            connector_id=connector_id,
            id_tag=id_tag,
            household_id=household_id,
            meter_start_wh=meter_start_wh,
            meter_wh=meter_start_wh,
            started_at=self.hub.clock.time(),
            prices=self.settings.prices,
        )
        self._attach(transaction)
        self._save_transaction(transaction)
        await self.hub.database.flush()
        connector.energy_wh = meter_start_wh
        connector.limit_w = None  # the charge point's default (0 W) until its share is sent
        connector.changed()
        self.rebalance_soon()
        return transaction

    def meter_values(
        self,
        charge_point_id: str,
        connector_id: int,
        energy_wh: int | None,
        power_w: float | None,
    ) -> None:
        """Take a connector's readings; :class:`MeterWentBackwards` refuses a register
        lower than the last (nothing is taken from that message)."""
        connector = self._connector(self.charge_points[charge_point_id], connector_id)
        last = connector.energy_wh
        if energy_wh is not None and last is not None and energy_wh < last:
            raise MeterWentBackwards(
                f"Energy.Active.Import.Register of {charge_point_id} connector "
                f"{connector_id} went backwards: {energy_wh} Wh after {last} Wh"
            )
        if energy_wh is not None:
            connector.energy_wh = energy_wh
            transaction = connector.transaction
            if transaction is not None and transaction.stopped_at is None:
                # Not saved per reading: StopTransaction brings the final meter, and the
                # readings between are in the recorder's history of the energy sensor.
                transaction.meter_wh = energy_wh
        if power_w is not None:
            connector.power_w = power_w
        connector.changed()

    async def stop_transaction(self, transaction_id: int, meter_stop_wh: int) -> Transaction | None:
        """End a session and bill its energy and service fee (again: nothing more)."""
        transaction = self.transactions.get(transaction_id)
        if transaction is None:
            return None
        if transaction.stopped_at is not None:
            return transaction
        now = self.hub.clock.time()
        if meter_stop_wh < transaction.meter_wh:
            _LOGGER.warning(
                "Session %d: meterStop %d Wh is below the last reading %d Wh; billing the last",
                transaction.id,
                meter_stop_wh,
                transaction.meter_wh,
            )
            meter_stop_wh = transaction.meter_wh
        transaction.meter_stop_wh = meter_stop_wh
        transaction.meter_wh = meter_stop_wh
        transaction.stopped_at = now
        if transaction.charging_finished_at is None:
            transaction.charging_finished_at = now
            self._announce_finished(transaction)
        self._save_transaction(transaction)
        await self._bill_session(transaction)
        connector = self._connector(
            self.charge_points[transaction.charge_point_id], transaction.connector_id
        )
        connector.power_w = 0.0
        connector.energy_wh = max(connector.energy_wh or 0, meter_stop_wh)
        if connector.status in UNPLUGGED:
            await self._close(connector, transaction, now)
        connector.changed()
        self.rebalance_soon()
        return transaction

    async def _close(self, connector: Connector, transaction: Transaction, now: float) -> None:
        """The car is gone: bill the idle time and forget the session."""
        await self._bill_idle(transaction, now)
        connector.transaction = None
        connector.limit_w = None
        del self.transactions[transaction.id]
        self._data.remove(TRANSACTION, self._key(transaction.id))

    def _session_name(self, transaction: Transaction) -> str:
        """The session in a statement's words: "Charger CP-1, session 42"."""
        return f"{self.charge_points[transaction.charge_point_id].name}, session {transaction.id}"

    def _reference(self, transaction: Transaction) -> str:
        return f"{self.entry_id}/{transaction.charge_point_id}/{transaction.id}"

    async def _bill_session(self, transaction: Transaction) -> None:
        prices, reference = transaction.prices, self._reference(transaction)
        where = self._session_name(transaction)
        await self.hub.metering.record(
            household_id=transaction.household_id,
            domain=DOMAIN,
            item=ITEM_ENERGY,
            description=f"Charging energy, {where}",
            quantity_milli=transaction.energy_wh,  # Wh are thousandths of a kWh
            unit="kWh",
            unit_price_fen=prices.tariff_fen_per_kwh,
            reference=reference,
            occurred_at=transaction.stopped_at,
        )
        await self.hub.metering.record(
            household_id=transaction.household_id,
            domain=DOMAIN,
            item=ITEM_SERVICE_FEE,
            description=f"Service fee, {where}",
            quantity_milli=1000,
            unit="session",
            unit_price_fen=prices.service_fee_fen,
            reference=reference,
            occurred_at=transaction.stopped_at,
        )

    async def _bill_idle(self, transaction: Transaction, unplugged_at: float) -> None:
        finished = transaction.charging_finished_at or unplugged_at
        prices = transaction.prices
        idle_seconds = unplugged_at - finished - prices.idle_grace_minutes * 60
        minutes = math.ceil(idle_seconds / 60) if idle_seconds > 0 else 0
        if minutes == 0:
            return
        where = self._session_name(transaction)
        await self.hub.metering.record(
            household_id=transaction.household_id,
            domain=DOMAIN,
            item=ITEM_IDLE_FEE,
            description=(
                f"Idle fee, {where}: plugged in {minutes} min beyond the "
                f"{prices.idle_grace_minutes} min grace after charging finished"
            ),
            quantity_milli=minutes * 1000,
            unit="min",
            unit_price_fen=prices.idle_fee_fen_per_minute,
            reference=self._reference(transaction),
            occurred_at=unplugged_at,
        )

    # -- load management ----------------------------------------------------------------

    def set_supply_limit(self, watts: int) -> None:
        self.totals.limit_w = watts
        self.totals.changed()
        self.rebalance_soon()

    def rebalance_soon(self) -> None:
        """Share the supply again once the message under way is answered."""
        self.hub.create_task(self.rebalance(), f"{DOMAIN} rebalance")

    async def rebalance(self) -> None:
        """Give each charging session its share; lower limits go out before raised ones,
        so the sum of what the chargers may draw never exceeds the supply limit."""
        async with self._rebalancing:
            wanting = [t for t in self.transactions.values() if t.charging_finished_at is None]
            connectors = {
                (t.charge_point_id, t.connector_id): self._connector(
                    self.charge_points[t.charge_point_id], t.connector_id
                )
                for t in self.transactions.values()
                if t.stopped_at is None
            }
            # A charge point out of reach keeps drawing what it was last allowed.
            fixed = {
                key: connector.limit_w or 0
                for key, connector in connectors.items()
                if key[0] not in self.links
            }
            demands = [
                Demand(
                    (t.charge_point_id, t.connector_id), self.settings.connector_max_w, t.started_at
                )
                for t in wanting
                if (t.charge_point_id, t.connector_id) not in fixed
            ]
            shares = share(self.totals.limit_w - sum(fixed.values()), demands, MIN_CHARGING_W)
            targets = {key: shares.get(key, 0) for key in connectors if key not in fixed}
            order = sorted(
                targets.items(), key=lambda item: item[1] - (connectors[item[0]].limit_w or 0)
            )
            for key, watts in order:
                connector = connectors[key]
                if connector.limit_w == watts or connector.transaction is None:
                    continue
                link = self.links[key[0]]
                if await link.set_power_limit(key[1], connector.transaction.id, watts):
                    connector.limit_w = watts
                    connector.changed()
                else:
                    _LOGGER.warning(
                        "Charge point %s connector %d did not take a limit of %d W",
                        key[0],
                        key[1],
                        watts,
                    )
            self.totals.allocated_w = sum(c.limit_w or 0 for c in connectors.values())
            self.totals.sessions = len(wanting)
            self.totals.changed()
