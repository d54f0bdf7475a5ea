"""Who a step of the ladder reaches: user accounts (their notification list and push) and
addresses on notification channels (phones, external contacts)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..auth.users import Role
from ..community.households import MemberEntry, MemberRole
from ..notifications.model import Address
from .ladder import Rung
from .model import Alarm

if TYPE_CHECKING:
    from ..hub import Hub


@dataclass(frozen=True, slots=True)
class Recipients:
    user_ids: tuple[str, ...] = ()
    addresses: tuple[Address, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.user_ids or self.addresses)


def concerned_members(hub: Hub, alarm: Alarm) -> frozenset[str]:
    """The members an alarm is about: the data subject of its source entity (a wristband's
    wearer), else everyone in its household (a smoke detector's)."""
    if alarm.source_entity_id is not None:
        facts = hub.ownership.entity(alarm.source_entity_id)
        if facts is not None and facts.subject_id is not None:
            return frozenset({facts.subject_id})
    if alarm.household_id is None:
        return frozenset()
    return frozenset(member.id for member in hub.community.members.members_of(alarm.household_id))


def recipients(hub: Hub, alarm: Alarm, rung: Rung) -> Recipients:
    """Whom ``rung`` of the ladder reaches for ``alarm``."""
    return reach(hub, rung, alarm.household_id, concerned_members(hub, alarm))


def reach(hub: Hub, rung: Rung, household_id: str | None, concerned: frozenset[str]) -> Recipients:
    """Whom ``rung`` reaches for something in ``household_id`` about the members
    ``concerned``: the household's own members, the caregivers those members named, the
    security desk, or the external contacts (an automation's notify step reaches them too)."""
    members = hub.community.members
    match rung:
        case Rung.household:
            household = () if household_id is None else members.members_of(household_id)
            return _members(hub, (m for m in household if m.role is not MemberRole.caregiver))
        case Rung.caregivers:
            caregivers = (
                m for m in members if m.role is MemberRole.caregiver and m.cares_for & concerned
            )
            return _members(hub, caregivers)
        case Rung.security:
            desk = (user.id for user in hub.users if user.role is Role.operator)
            return Recipients(user_ids=_enabled(hub, desk))
        case Rung.external:
            contacts = hub.config.alarms.external
            return Recipients(addresses=tuple(Address(c.channel, c.to) for c in contacts))
    raise ValueError(f"Unknown rung {rung!r}")


def _members(hub: Hub, members: Iterable[MemberEntry]) -> Recipients:
    """Members reached in the web app through their accounts and, through the configured
    phone channels, at their phone numbers."""
    members = list(members)
    channels = hub.config.alarms.phone_channels
    return Recipients(
        user_ids=_enabled(hub, (m.user_id for m in members if m.user_id is not None)),
        addresses=tuple(
            Address(channel, member.phone)
            for member in members
            if member.phone
            for channel in channels
        ),
    )


def _enabled(hub: Hub, user_ids: Iterable[str]) -> tuple[str, ...]:
    """The accounts among ``user_ids`` that exist and are not disabled, each once."""
    return tuple(
        user_id
        for user_id in dict.fromkeys(user_ids)
        if (user := hub.users.get(user_id)) is not None and not user.disabled
    )
