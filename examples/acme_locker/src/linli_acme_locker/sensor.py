"""The locker bank's sensors: free compartments, parcels waiting, parcels overdue."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from linli.entities.sensor import SensorEntity, SensorEntityDescription, SensorStateClass

from .api import BankStatus, LockerBank
from .const import DOMAIN, MANUFACTURER

if TYPE_CHECKING:
    from linli.config_entries import ConfigEntry
    from linli.hub import Hub

SCAN_INTERVAL = timedelta(seconds=60)
PARALLEL_UPDATES = 1  # the bank answers one request at a time

FREE = SensorEntityDescription(
    key="free_compartments",
    translation_key="free_compartments",
    name="Free compartments",
    icon="mdi:locker",
    state_class=SensorStateClass.measurement,
)
WAITING = SensorEntityDescription(
    key="parcels_waiting",
    translation_key="parcels_waiting",
    name="Parcels waiting",
    icon="mdi:package-variant-closed",
    state_class=SensorStateClass.measurement,
)
OVERDUE = SensorEntityDescription(
    key="overdue_parcels",
    translation_key="overdue_parcels",
    name="Overdue parcels",
    icon="mdi:package-variant-remove",
    state_class=SensorStateClass.measurement,
)


class LockerBankSensor(SensorEntity):
    """One number about the bank, recomputed from its latest status at every poll."""

    _attr_has_entity_name = True

    def __init__(self, bank: LockerBank, description: SensorEntityDescription) -> None:
        self.entity_description = description
        self._bank = bank
        status = bank.status
        self._attr_unique_id = f"{status.serial}-{description.key}"
        self._attr_device_info = {
            "identifiers": {(DOMAIN, status.serial)},
            "manufacturer": MANUFACTURER,
            "model": status.model,
            "sw_version": status.firmware,
            "name": f"Acme {status.model} {status.serial}",
        }

    def _show(self, status: BankStatus) -> None:
        key = self.entity_description.key
        if key == FREE.key:
            self._attr_native_value = status.free
            self._attr_extra_state_attributes = {"free_by_size": status.free_by_size()}
        elif key == WAITING.key:
            self._attr_native_value = status.parcels
        elif self.hub is not None:
            self._attr_native_value = status.overdue(self.hub.clock.now())

    async def async_added_to_hub(self) -> None:
        self._show(self._bank.status)

    async def async_update(self) -> None:
        self._show(await self._bank.refresh())


async def async_setup_entry(
    hub: Hub, entry: ConfigEntry, add_entities: Callable[[list[SensorEntity]], Awaitable[None]]
) -> None:
    """Add the three sensors of one locker bank."""
    bank: LockerBank = hub.data[DOMAIN][entry.id]
    await add_entities([LockerBankSensor(bank, d) for d in (FREE, WAITING, OVERDUE)])
