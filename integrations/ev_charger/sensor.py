"""Per connector: status, power, energy register, the current session and its share of
the supply; per site: the power given out against the limit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from linli.clock import utc_from_timestamp
from linli.entities import DeviceInfo, EntityCategory
from linli.entities.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from linli.entities.units import UnitOfEnergy, UnitOfPower

from .const import DOMAIN
from .entity import ChargerEntity
from .model import ChargePoint, Connector, SiteTotals, Transaction

if TYPE_CHECKING:
    from linli.config_entries import ConfigEntry
    from linli.hub import Hub


def _kw(watts: float | None) -> float | None:
    return None if watts is None else round(watts / 1000, 3)


def _kwh(watt_hours: int | None) -> float | None:
    return None if watt_hours is None else watt_hours / 1000


def _open(connector: Connector) -> Transaction | None:
    transaction = connector.transaction
    return transaction if transaction is not None and transaction.stopped_at is None else None


@dataclass(frozen=True, kw_only=True)
class ConnectorSensorDescription(SensorEntityDescription):
    value: Callable[[Connector], str | float | None]


CONNECTOR_SENSORS = (
    ConnectorSensorDescription(
        key="status",
        translation_key="status",
        name="Status",
        icon="mdi:ev-station",
        value=lambda connector: connector.status,
    ),
    ConnectorSensorDescription(
        key="power",
        translation_key="power",
        name="Power",
        device_class=SensorDeviceClass.power,
        unit_of_measurement=UnitOfPower.kilo_watt,
        state_class=SensorStateClass.measurement,
        value=lambda connector: _kw(connector.power_w),
    ),
    ConnectorSensorDescription(
        key="energy",
        translation_key="energy",
        name="Energy",
        device_class=SensorDeviceClass.energy,
        unit_of_measurement=UnitOfEnergy.kilo_watt_hour,
        state_class=SensorStateClass.total_increasing,
        value=lambda connector: _kwh(connector.energy_wh),
    ),
    ConnectorSensorDescription(
        key="session_energy",
        translation_key="session_energy",
        name="Session energy",
        device_class=SensorDeviceClass.energy,
        unit_of_measurement=UnitOfEnergy.kilo_watt_hour,
        state_class=SensorStateClass.measurement,
        value=lambda connector: (
            None if (transaction := _open(connector)) is None else _kwh(transaction.energy_wh)
        ),
    ),
    ConnectorSensorDescription(
        key="power_limit",
        translation_key="power_limit",
        name="Power limit",
        device_class=SensorDeviceClass.power,
        unit_of_measurement=UnitOfPower.kilo_watt,
        state_class=SensorStateClass.measurement,
        entity_category=EntityCategory.diagnostic,
        value=lambda connector: _kw(connector.limit_w),
    ),
)


class ConnectorSensor(ChargerEntity, SensorEntity):
    entity_description: ConnectorSensorDescription
    connector: Connector

    @property
    def native_value(self) -> str | float | None:
        return self.entity_description.value(self.connector)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """The session's id and start (never whose it is: the charger is shared)."""
        if self.entity_description.key != "session_energy":
            return None
        transaction = _open(self.connector)
        if transaction is None:
            return None
        started: datetime = utc_from_timestamp(transaction.started_at)
        return {"transaction_id": transaction.id, "started_at": started.isoformat()}


class SitePowerSensor(SensorEntity):
    """The power load management gave out; the limit and the sessions as attributes."""

    _attr_should_poll = False
    _attr_has_entity_name = True
    _attr_name = "Allocated power"
    _attr_translation_key = "allocated_power"
    _attr_device_class = SensorDeviceClass.power
    _attr_unit_of_measurement = UnitOfPower.kilo_watt
    _attr_state_class = SensorStateClass.measurement

    def __init__(self, entry_id: str, name: str, totals: SiteTotals) -> None:
        self.totals = totals
        self._attr_unique_id = f"{entry_id}:allocated_power"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, f"site-{entry_id}")}, name=name, model="Charging site"
        )

    @property
    def native_value(self) -> float | None:
        return _kw(self.totals.allocated_w)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any]:
        return {"supply_limit_kw": _kw(self.totals.limit_w), "sessions": self.totals.sessions}

    async def async_added_to_hub(self) -> None:
        self.on_remove(self.totals.listen(self.write_state))


async def async_setup_entry(
    hub: Hub, entry: ConfigEntry, add_entities: Callable[[list[SensorEntity]], Awaitable[None]]
) -> None:
    site = hub.data[DOMAIN][entry.id].site
    await add_entities([SitePowerSensor(entry.id, site.settings.name, site.totals)])

    async def add(charge_point: ChargePoint, connector: Connector | None) -> None:
        if connector is not None:
            await add_entities(
                [
                    ConnectorSensor(charge_point, connector, description)
                    for description in CONNECTOR_SENSORS
                ]
            )

    await site.add_platform(add)
