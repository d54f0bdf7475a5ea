"""What the central system knows of each charge point, connector and transaction.

Plain records with change listeners: the site changes them as messages arrive, the
entities write their states when told. Charge points and open transactions are kept
between restarts (:meth:`as_record` / ``from_record``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from linli.events import Unsubscribe

from .settings import Prices


class Listened:
    """Something entities listen to: :meth:`changed` tells each of them."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[], object]] = []

    def listen(self, callback: Callable[[], object]) -> Unsubscribe:
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback)

    def changed(self) -> None:
        for callback in list(self._listeners):
            callback()


@dataclass
class Transaction:
    """One charging session, from StartTransaction until the car is unplugged."""

    id: int
    charge_point_id: str
    connector_id: int
    id_tag: str
    household_id: str
    meter_start_wh: int
    meter_wh: int  # the latest reading of the connector's register
    started_at: float
    prices: Prices
    charging_finished_at: float | None = None  # the car stopped drawing power
    stopped_at: float | None = None  # StopTransaction
    meter_stop_wh: int | None = None

    @property
    def energy_wh(self) -> int:
        end = self.meter_wh if self.meter_stop_wh is None else self.meter_stop_wh
        return max(0, end - self.meter_start_wh)

    def as_record(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Transaction:
        return cls(**{**record, "prices": Prices(**record["prices"])})


class Connector(Listened):
    """A connector's latest status and readings, and its transaction if one is open."""

    def __init__(self, charge_point_id: str, connector_id: int) -> None:
        super().__init__()
        self.charge_point_id = charge_point_id
        self.connector_id = connector_id
        self.status: str | None = None
        self.error_code: str | None = None
        self.power_w: float | None = None
        self.energy_wh: int | None = None  # the register: everything it has ever delivered
        self.limit_w: int | None = None  # what load management allows it now
        self.transaction: Transaction | None = None


@dataclass
class ChargePointInfo:
    """What a charge point said of itself at boot."""

    vendor: str = ""
    model: str = ""
    serial_number: str | None = None
    firmware_version: str | None = None


class ChargePoint(Listened):
    """A registered charge point: its identity, connection and connectors."""

    def __init__(self, charge_point_id: str, info: ChargePointInfo | None = None) -> None:
        super().__init__()
        self.id = charge_point_id
        self.info = info or ChargePointInfo()
        self.connected = False
        self.connectors: dict[int, Connector] = {}

    @property
    def name(self) -> str:
        return f"Charger {self.id}"

    def as_record(self) -> dict[str, Any]:
        return {"info": asdict(self.info), "connectors": sorted(self.connectors)}

    @classmethod
    def from_record(cls, charge_point_id: str, record: dict[str, Any]) -> ChargePoint:
        charge_point = cls(charge_point_id, ChargePointInfo(**record["info"]))
        for connector_id in record["connectors"]:
            charge_point.connectors[connector_id] = Connector(charge_point_id, connector_id)
        return charge_point


class SiteTotals(Listened):
    """The site's supply limit and what load management gave out."""

    def __init__(self, limit_w: int) -> None:
        super().__init__()
        self.limit_w = limit_w
        self.allocated_w = 0
        self.sessions = 0
