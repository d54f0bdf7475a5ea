"""What the bank's entities share: their devices, unique ids, and pushed updates.

The bank is a community device; each household with parcels gets a device of its own in
the bank (its ``household_id`` set), whose waiting-parcels sensor shows the pickup codes:
only that household (and the property staff) can read it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from linli.entities import DeviceInfo, Entity

from .const import DOMAIN

if TYPE_CHECKING:
    from .bank import LockerBank


def compartment_unique_id(endpoint: str, number: int) -> str:
    return f"{endpoint}-compartment-{number}"


def bank_device(bank: LockerBank) -> DeviceInfo:
    settings = bank.settings
    return DeviceInfo(
        identifiers={(DOMAIN, settings.endpoint)},
        name=settings.name,
        model=f"Courier locker bank, {len(bank.compartments)} compartments",
    )


def household_device(bank: LockerBank, household_id: str) -> DeviceInfo:
    household = bank.hub.community.households.get(household_id)
    name = bank.settings.name if household is None else f"{bank.settings.name} {household.name}"
    return DeviceInfo(
        identifiers={(DOMAIN, f"{bank.settings.endpoint}-{household_id}")},
        name=name,
        model="Parcels waiting in a courier locker bank",
        household_id=household_id,
    )


class BankEntity(Entity):
    """An entity written whenever what its ``topic`` covers changes in the bank."""

    _attr_should_poll = False
    _attr_has_entity_name = True

    def __init__(self, bank: LockerBank, topic: str, unique_id: str, device: DeviceInfo) -> None:
        self.bank = bank
        self._topic = topic
        self._attr_unique_id = unique_id
        self._attr_device_info = device

    async def async_added_to_hub(self) -> None:
        self.on_remove(self.bank.listen(self._topic, self.write_state))
