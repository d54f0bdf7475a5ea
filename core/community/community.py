"""The hub's community records, loaded at start: units, households, members."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from .households import HouseholdRegistry, MemberRegistry
from .units import UnitRegistry

if TYPE_CHECKING:
    from ..hub import Hub


class Community:
    """What a hub knows of its community's people and places."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.units = UnitRegistry(hub)
        self.households = HouseholdRegistry(hub)
        self.members = MemberRegistry(hub)

    async def load(self) -> None:
        await asyncio.gather(self.units.load(), self.households.load(), self.members.load())

    def households_of_user(self, user_id: str) -> set[str]:
        """The households a user account belongs to (as any kind of member)."""
        return {member.household_id for member in self.members.of_user(user_id)}
