"""What a bank keeps between restarts: its parcels, and the doors of its compartments.

The records are the bank's config entry's (kinds ``parcels:<entry id>`` and
``doors:<entry id>``), so two banks never mix and removing a bank removes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from linli.storage.integration_data import IntegrationData

from .const import DOMAIN
from .model import Compartment, Parcel

if TYPE_CHECKING:
    from linli.hub import Hub


class BankStore:
    def __init__(self, hub: Hub, entry_id: str) -> None:
        self._data = IntegrationData(hub, DOMAIN)
        self._parcels = f"parcels:{entry_id}"
        self._doors = f"doors:{entry_id}"

    async def parcels(self) -> list[Parcel]:
        return [Parcel.from_dict(data) for data in (await self._data.load(self._parcels)).values()]

    async def doors(self) -> dict[int, bool]:
        """Compartment number → whether its door was last reported open."""
        records = await self._data.load(self._doors)
        return {int(number): record["open"] for number, record in records.items()}

    def save_parcel(self, parcel: Parcel) -> None:
        self._data.save(self._parcels, parcel.parcel_id, parcel.as_dict())

    def forget_parcel(self, parcel: Parcel) -> None:
        self._data.remove(self._parcels, parcel.parcel_id)

    def save_door(self, compartment: Compartment) -> None:
        self._data.save(self._doors, str(compartment.number), {"open": compartment.door_open})

    async def remove_all(self) -> None:
        for kind in (self._parcels, self._doors):
            for key in await self._data.load(kind):
                self._data.remove(kind, key)
