"""The bank's sensors: each compartment's state, the free compartments of each size, and
each household's waiting parcels (with their pickup codes, on the household's device)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from linli.entities.sensor import SensorEntity, SensorEntityDescription, SensorStateClass

from .bank import FREE_TOPIC, LockerBank, compartment_topic, household_topic
from .const import DOMAIN
from .entity import BankEntity, bank_device, compartment_unique_id, household_device
from .model import Compartment, CompartmentState, Parcel, ParcelStatus, Size

if TYPE_CHECKING:
    from linli.config_entries import ConfigEntry
    from linli.hub import Hub

FREE_COMPARTMENTS = {
    Size.small: SensorEntityDescription(
        key="free_small",
        translation_key="free_small",
        name="Free small compartments",
        icon="mdi:package-variant",
        state_class=SensorStateClass.measurement,
    ),
    Size.medium: SensorEntityDescription(
        key="free_medium",
        translation_key="free_medium",
        name="Free medium compartments",
        icon="mdi:package-variant",
        state_class=SensorStateClass.measurement,
    ),
    Size.large: SensorEntityDescription(
        key="free_large",
        translation_key="free_large",
        name="Free large compartments",
        icon="mdi:package-variant",
        state_class=SensorStateClass.measurement,
    ),
}
WAITING_PARCELS = SensorEntityDescription(
    key="waiting_parcels",
    translation_key="waiting_parcels",
    name="Waiting parcels",
    icon="mdi:package-down",
    state_class=SensorStateClass.measurement,
)


class CompartmentSensor(BankEntity, SensorEntity):
    """free, occupied or locked; whose parcel it holds is not shown here (it is shared)."""

    _attr_translation_key = "compartment"
    _attr_icon = "mdi:locker"

    def __init__(self, bank: LockerBank, compartment: Compartment) -> None:
        endpoint = bank.settings.endpoint
        super().__init__(
            bank,
            compartment_topic(compartment.number),
            compartment_unique_id(endpoint, compartment.number),
            bank_device(bank),
        )
        self._compartment = compartment
        self._attr_name = f"Compartment {compartment.number}"

    @property
    def native_value(self) -> CompartmentState:
        return self._compartment.state

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        return {"number": self._compartment.number, "size": self._compartment.size}


class FreeCompartmentsSensor(BankEntity, SensorEntity):
    def __init__(self, bank: LockerBank, size: Size) -> None:
        self.entity_description = FREE_COMPARTMENTS[size]
        unique_id = f"{bank.settings.endpoint}-{self.entity_description.key}"
        super().__init__(bank, FREE_TOPIC, unique_id, bank_device(bank))
        self._size = size

    @property
    def native_value(self) -> int:
        return sum(
            1
            for compartment in self.bank.compartments.values()
            if compartment.size is self._size and compartment.state is CompartmentState.free
        )


class WaitingParcelsSensor(BankEntity, SensorEntity):
    """How many of the household's parcels are in the bank, and each one's pickup code."""

    entity_description = WAITING_PARCELS

    def __init__(self, bank: LockerBank, household_id: str) -> None:
        unique_id = f"{bank.settings.endpoint}-{household_id}-{WAITING_PARCELS.key}"
        device = household_device(bank, household_id)
        super().__init__(bank, household_topic(household_id), unique_id, device)
        self._household_id = household_id

    @property
    def native_value(self) -> int:
        return len(self.bank.waiting_for(self._household_id))

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        return {"parcels": [self._shown(p) for p in self.bank.waiting_for(self._household_id)]}

    def _shown(self, parcel: Parcel) -> dict[str, Any]:
        assert parcel.told_at is not None
        free_until = self.bank.settings.overdue_from(parcel.told_at)
        return {
            "compartment": parcel.compartment,
            "pickup_code": None if parcel.code_locked else parcel.code,
            "code_locked": parcel.code_locked,
            "carrier": parcel.carrier,
            "tracking_number": parcel.tracking_number,
            "since": datetime.fromtimestamp(parcel.deposited_at, UTC).isoformat(timespec="seconds"),
            "free_until": datetime.fromtimestamp(free_until, UTC).isoformat(timespec="seconds"),
            "overdue": parcel.overdue,
            "expired": parcel.status is ParcelStatus.expired,
        }


async def async_setup_entry(
    hub: Hub, entry: ConfigEntry, add_entities: Callable[[list[SensorEntity]], Awaitable[None]]
) -> None:
    bank: LockerBank = hub.data[DOMAIN][entry.id]
    sizes = [size for size in Size if bank.settings.counts[size]]
    await add_entities(
        [
            *(CompartmentSensor(bank, c) for c in bank.compartments.values()),
            *(FreeCompartmentsSensor(bank, size) for size in sizes),
        ]
    )

    async def add(household_id: str) -> None:
        await add_entities([WaitingParcelsSensor(bank, household_id)])

    await bank.add_household_platform(add)
