"""Each compartment's door, as the locker last reported it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from linli.entities.binary_sensor import BinarySensorDeviceClass, BinarySensorEntity

from .bank import LockerBank, compartment_topic
from .const import DOMAIN
from .entity import BankEntity, bank_device, compartment_unique_id
from .model import Compartment

if TYPE_CHECKING:
    from linli.config_entries import ConfigEntry
    from linli.hub import Hub


class CompartmentDoor(BankEntity, BinarySensorEntity):
    """On while the door is open; unknown until the locker first reports it."""

    _attr_translation_key = "door"
    _attr_device_class = BinarySensorDeviceClass.door

    def __init__(self, bank: LockerBank, compartment: Compartment) -> None:
        unique_id = f"{compartment_unique_id(bank.settings.endpoint, compartment.number)}-door"
        super().__init__(bank, compartment_topic(compartment.number), unique_id, bank_device(bank))
        self._compartment = compartment
        self._attr_name = f"Compartment {compartment.number} door"

    @property
    def is_on(self) -> bool | None:
        return self._compartment.door_open


async def async_setup_entry(
    hub: Hub,
    entry: ConfigEntry,
    add_entities: Callable[[list[BinarySensorEntity]], Awaitable[None]],
) -> None:
    bank: LockerBank = hub.data[DOMAIN][entry.id]
    await add_entities([CompartmentDoor(bank, c) for c in bank.compartments.values()])
