"""Households and their members.

A household lives in a unit (or none yet); its members are owners, family, tenants and
caregivers. A caregiver may live outside the community; ``cares_for`` names the members
who chose them, whose protected data they may then see. A member may be linked to a user
account (``user_id``): that is how a login becomes "a resident of household X".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from ..exceptions import RegistryError
from ..registry.base import Registry, check_field_names, coerce_enum, new_id
from ..storage import community_schema
from .units import EVENT_UNIT_REGISTRY_UPDATED

if TYPE_CHECKING:
    from ..hub import Hub

EVENT_HOUSEHOLD_REGISTRY_UPDATED: Final = "household_registry_updated"
EVENT_MEMBER_REGISTRY_UPDATED: Final = "member_registry_updated"


class MemberRole(StrEnum):
    owner = "owner"  # owns the unit: votes for it
    family = "family"
    tenant = "tenant"
    caregiver = "caregiver"  # may live elsewhere; sees the data of whom they care for


@dataclass(frozen=True, slots=True, kw_only=True)
class HouseholdEntry:
    id: str
    name: str
    unit_id: str | None
    created_at: float
    modified_at: float


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberEntry:
    id: str
    household_id: str
    name: str
    role: MemberRole
    phone: str | None = None
    user_id: str | None = None
    cares_for: frozenset[str] = frozenset()  # a caregiver's: the members who named them
    created_at: float
    modified_at: float


class HouseholdRegistry(Registry[HouseholdEntry]):
    """Households, by id and by unit."""

    record_name = "Household"
    event_type = EVENT_HOUSEHOLD_REGISTRY_UPDATED
    event_id_key = "household_id"
    indexed_fields = ("unit_id",)

    def __init__(self, hub: Hub) -> None:
        super().__init__(hub, community_schema.households, HouseholdEntry, {})
        self._clear_when_removed(EVENT_UNIT_REGISTRY_UPDATED, "unit_id")

    def households_in_unit(self, unit_id: str) -> list[HouseholdEntry]:
        return self._select("unit_id", unit_id)

    def describe(self, record: HouseholdEntry) -> str:
        return f"household {record.name}"

    def create(self, name: str, unit_id: str | None = None) -> HouseholdEntry:
        now = self.hub.clock.time()
        return self._add(
            HouseholdEntry(
                id=new_id(), name=name.strip(), unit_id=unit_id, created_at=now, modified_at=now
            )
        )

    def update(self, household_id: str, **changes: Any) -> HouseholdEntry:
        household = self.require(household_id)
        check_field_names(changes, {"name", "unit_id"}, self.describe(household))
        return self._change(household, changes)

    def remove(self, household_id: str) -> None:
        """Remove a household and (in the database, by cascade) its members."""
        household = self.require(household_id)
        for member in self.hub.community.members.members_of(household_id):
            self.hub.community.members.remove(member.id)
        self._delete(household)

    def _check(self, record: HouseholdEntry) -> None:
        if not record.name:
            raise RegistryError("A household needs a name")
        if record.unit_id is not None:
            self.hub.community.units.require(record.unit_id, self.describe(record))


class MemberRegistry(Registry[MemberEntry]):
    """Members, by id, household and user account."""

    record_name = "Member"
    event_type = EVENT_MEMBER_REGISTRY_UPDATED
    event_id_key = "member_id"
    indexed_fields = ("household_id", "user_id")

    def __init__(self, hub: Hub) -> None:
        super().__init__(
            hub,
            community_schema.members,
            MemberEntry,
            {"role": MemberRole, "cares_for": frozenset},
        )

    def members_of(self, household_id: str) -> list[MemberEntry]:
        return self._select("household_id", household_id)

    def of_user(self, user_id: str) -> list[MemberEntry]:
        """The memberships of a user account (a caregiver may belong to several)."""
        return self._select("user_id", user_id)

    def owners_of_unit(self, unit_id: str) -> list[MemberEntry]:
        """The owners of a unit, over every household living in it."""
        households = self.hub.community.households.households_in_unit(unit_id)
        return [
            member
            for household in households
            for member in self.members_of(household.id)
            if member.role is MemberRole.owner
        ]

    def describe(self, record: MemberEntry) -> str:
        return f"member {record.name} ({record.role})"

    def create(
        self,
        household_id: str,
        name: str,
        role: MemberRole | str,
        *,
        phone: str | None = None,
        user_id: str | None = None,
        cares_for: frozenset[str] = frozenset(),
    ) -> MemberEntry:
        role = coerce_enum(MemberRole, role, "member role", f"member {name!r}")
        now = self.hub.clock.time()
        return self._add(
            MemberEntry(
                id=new_id(),
                household_id=household_id,
                name=name.strip(),
                role=role,
                phone=phone,
                user_id=user_id,
                cares_for=frozenset(cares_for),
                created_at=now,
                modified_at=now,
            )
        )

    def update(self, member_id: str, **changes: Any) -> MemberEntry:
        member = self.require(member_id)
        where = self.describe(member)
        check_field_names(changes, {"name", "role", "phone", "user_id", "cares_for"}, where)
        if "role" in changes:
            changes["role"] = coerce_enum(MemberRole, changes["role"], "member role", where)
        if "cares_for" in changes:
            changes["cares_for"] = frozenset(changes["cares_for"])
        return self._change(member, changes)

    def remove(self, member_id: str) -> None:
        member = self.require(member_id)
        for caregiver in self._records.values():
            if member_id in caregiver.cares_for:
                self._change(caregiver, {"cares_for": caregiver.cares_for - {member_id}})
        self._delete(member)

    def _check(self, record: MemberEntry) -> None:
        where = self.describe(record)
        if not record.name:
            raise RegistryError("A member needs a name")
        self.hub.community.households.require(record.household_id, where)
        if record.user_id is not None:
            self.hub.users.require(record.user_id, where)
        if record.cares_for and record.role is not MemberRole.caregiver:
            raise RegistryError(f"Only a caregiver cares for other members ({where})")
        for member_id in record.cares_for:
            self.require(member_id, where)
