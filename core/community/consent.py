"""Consent for protected data: who agreed that a person's health or location data is
collected, and whose data each device or entity collects.

**Subjects.** An integration whose manifest declares a protected data category (health,
location: :data:`~linli.recorder.purge.PROTECTED_CATEGORIES`) collects data about a
person. Which person is a fact only the people who set the device up know (grandma wears
this wristband), so the core keeps it generically: :meth:`Consent.assign` names the
*subject*, a household member, of a device (and so of all its entities) or of one entity
(which then overrides its device's). The core knows no device types.

**The gate.** :meth:`Consent.may_collect` is False for an entity of such an integration
unless it has a subject with an active consent for every protected category the
integration declares, scoped to that integration or to all. Entities write their states
through :meth:`~linli.entities.Entity.write_state`, which writes such an entity as
``unavailable`` without its data: the value never enters the state machine, so neither the
recorder, the API, WebSocket subscribers nor automations see it. (An entity without a
unique_id has no registry entry, so it has no subject: its protected data is never
collected.) Decisions are cached per entity and forgotten whenever a consent, a subject, a
member, a device or an entity changes.

**Who acts.** Consent is given and withdrawn, and subjects named, by the member themself
(the user account linked to the member) or by someone acting for them: a *guardian* (an
owner of the member's household, or a user with the household_admin role who is a member
of it) or a *caregiver* the member named (``cares_for``). Nobody else: the hub's admin
and the operator cannot consent for a resident. Each consent keeps who gave it, in which
capacity and when; a withdrawal who and when. Both are appended to the audit log.

**Withdrawal** stops collection at once (the entities' states are written again, now
``unavailable``), then erases what the recorder kept of each of the member's entities
that may no longer be collected: every state, the attribute rows only they used, and
their long-term statistics. A member who is removed takes their consents and subjects
along (in the database by cascade), which closes the gate too.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..auth.users import Role
from ..entities.platform import write_states_again
from ..events import Event, EventData
from ..exceptions import LinliError
from ..recorder.purge import PROTECTED_CATEGORIES, purge
from ..registry.base import Registry, new_id
from ..registry.devices import EVENT_DEVICE_REGISTRY_UPDATED
from ..registry.entities import EVENT_ENTITY_REGISTRY_UPDATED, EntityEntry
from ..storage import consent_schema
from ..storage.recorder_schema import statistics, statistics_meta
from .households import EVENT_MEMBER_REGISTRY_UPDATED, MemberEntry, MemberRole

if TYPE_CHECKING:
    from ..hub import Hub

ALL_INTEGRATIONS: Final = "all"  # the scope of a consent that covers every integration
EVENT_CONSENT_REGISTRY_UPDATED: Final = "consent_registry_updated"
EVENT_SUBJECT_REGISTRY_UPDATED: Final = "data_subject_registry_updated"


class ConsentError(LinliError, ValueError):
    """A consent or subject cannot be recorded as asked; ``field`` names the culprit."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ConsentRefused(LinliError, PermissionError):
    """The user may not act for the member."""


class ConsentWithdrawn(ConsentError):
    """The consent was withdrawn already."""


class Capacity(StrEnum):
    """In which capacity a user acts for a member."""

    person = "person"  # the member themself
    guardian = "guardian"  # an owner or household admin of the member's household
    caregiver = "caregiver"  # named by the member


@dataclass(frozen=True, slots=True, kw_only=True)
class ConsentEntry:
    id: str
    member_id: str
    category: str  # "health" or "location"
    scope: str  # an integration's domain, or "all"
    given_by: str  # the user id
    given_as: Capacity
    withdrawn_at: float | None = None
    withdrawn_by: str | None = None
    created_at: float  # when it was given
    modified_at: float

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None

    def covers(self, category: str, domain: str) -> bool:
        """Whether this consent, while active, lets ``domain`` collect ``category``."""
        return self.category == category and self.scope in (ALL_INTEGRATIONS, domain)


@dataclass(frozen=True, slots=True, kw_only=True)
class SubjectEntry:
    """The member whose data a device (``device_id``) or an entity (``entity_id``) collects."""

    id: str
    member_id: str
    device_id: str | None = None
    entity_id: str | None = None
    assigned_by: str  # the user id
    created_at: float
    modified_at: float


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """A withdrawn consent and what its withdrawal erased."""

    consent: ConsentEntry
    erased_entity_ids: tuple[str, ...]
    states: int  # recorded states deleted
    statistics: int  # long-term statistics rows deleted


def _is_removal(data: EventData) -> bool:
    return data["action"] == "remove"


class ConsentRegistry(Registry[ConsentEntry]):
    """Consents, given and withdrawn, by id and by member."""

    record_name = "Consent"
    event_type = EVENT_CONSENT_REGISTRY_UPDATED
    event_id_key = "consent_id"
    indexed_fields = ("member_id",)

    def __init__(self, hub: Hub) -> None:
        super().__init__(hub, consent_schema.consents, ConsentEntry, {"given_as": Capacity})

    def of_member(self, member_id: str) -> list[ConsentEntry]:
        """The member's consents, active and withdrawn, oldest first."""
        return self._select("member_id", member_id)

    def describe(self, record: ConsentEntry) -> str:
        return f"consent {record.id} to collect {record.category} data ({record.scope})"

    def create(
        self, member_id: str, category: str, scope: str, user_id: str, capacity: Capacity
    ) -> ConsentEntry:
        now = self.hub.clock.time()
        return self._add(
            ConsentEntry(
                id=new_id(),
                member_id=member_id,
                category=category,
                scope=scope,
                given_by=user_id,
                given_as=capacity,
                created_at=now,
                modified_at=now,
            )
        )

    def withdraw(self, consent: ConsentEntry, user_id: str) -> ConsentEntry:
        return self._change(
            consent, {"withdrawn_at": self.hub.clock.time(), "withdrawn_by": user_id}
        )

    def forget_member(self, member_id: str) -> None:
        """Drop a removed member's consents (the database cascades)."""
        for consent in self.of_member(member_id):
            self._delete(consent)

    def _check(self, record: ConsentEntry) -> None:
        self.hub.community.members.require(record.member_id, self.describe(record))


class SubjectRegistry(Registry[SubjectEntry]):
    """Data subjects, by member, device and entity_id."""

    record_name = "Data subject"
    event_type = EVENT_SUBJECT_REGISTRY_UPDATED
    event_id_key = "subject_id"
    indexed_fields = ("member_id", "device_id", "entity_id")

    def __init__(self, hub: Hub) -> None:
        super().__init__(hub, consent_schema.data_subjects, SubjectEntry, {})
        hub.bus.listen(EVENT_DEVICE_REGISTRY_UPDATED, self._device_removed, _is_removal)
        hub.bus.listen(EVENT_ENTITY_REGISTRY_UPDATED, self._entity_changed)

    def of_member(self, member_id: str) -> list[SubjectEntry]:
        return self._select("member_id", member_id)

    def of_target(self, field: str, target_id: str) -> SubjectEntry | None:
        """The subject of a device (``field`` "device_id") or entity ("entity_id")."""
        found = self._select(field, target_id)
        return found[0] if found else None

    def describe(self, record: SubjectEntry) -> str:
        return f"data subject of {record.device_id or record.entity_id}"

    def assign(self, field: str, target_id: str, member_id: str, user_id: str) -> SubjectEntry:
        """Make ``member_id`` the subject of the device or entity, replacing any other."""
        existing = self.of_target(field, target_id)
        if existing is not None:
            return self._change(existing, {"member_id": member_id, "assigned_by": user_id})
        now = self.hub.clock.time()
        return self._add(
            SubjectEntry(
                id=new_id(),
                member_id=member_id,
                assigned_by=user_id,
                created_at=now,
                modified_at=now,
                **{field: target_id},
            )
        )

    def forget_member(self, member_id: str) -> None:
        """Drop a removed member's subjects (the database cascades)."""
        for subject in self.of_member(member_id):
            self._delete(subject)

    def _check(self, record: SubjectEntry) -> None:
        self.hub.community.members.require(record.member_id, self.describe(record))

    def _device_removed(self, event: Event) -> None:
        if (subject := self.of_target("device_id", event.data["device_id"])) is not None:
            self._delete(subject)

    def _entity_changed(self, event: Event) -> None:
        """Follow a renamed entity; forget a removed one."""
        data = event.data
        old_entity_id = data.get("old_entity_id", data["entity_id"])
        subject = self.of_target("entity_id", old_entity_id)
        if subject is None:
            return
        if data["action"] == "remove":
            self._delete(subject)
        elif "old_entity_id" in data:
            self._change(subject, {"entity_id": data["entity_id"]})


class Consent:
    """The hub's consents and data subjects, and the gate they open (``hub.consent``)."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.consents = ConsentRegistry(hub)
        self.subjects = SubjectRegistry(hub)
        self._decisions: dict[str, bool] = {}  # entity_id -> may it be collected
        for event_type in (EVENT_ENTITY_REGISTRY_UPDATED, EVENT_DEVICE_REGISTRY_UPDATED):
            hub.bus.listen(event_type, self._forget_decisions)
        hub.bus.listen(EVENT_MEMBER_REGISTRY_UPDATED, self._member_removed, _is_removal)

    async def load(self) -> None:
        await asyncio.gather(self.consents.load(), self.subjects.load())

    # -- the gate ---------------------------------------------------------------------------

    def may_collect(self, entity_id: str, integration: str | None = None) -> bool:
        """Whether the data of ``entity_id`` may be collected: True unless its integration
        (its registry entry's platform, else ``integration``) declares protected data and
        its subject has not consented to all of it. Hot path: one dict lookup when known."""
        decision = self._decisions.get(entity_id)
        if decision is None:
            decision = self._decisions[entity_id] = self._decide(entity_id, integration)
        return decision

    def _decide(self, entity_id: str, integration: str | None) -> bool:
        entry = self.hub.entities.get(entity_id)
        domain = entry.platform if entry is not None else integration
        if domain is None or not (categories := self.protected_categories(domain)):
            return True
        member = self.subject_of(entity_id)
        return member is not None and all(
            self.has_consent(member.id, category, domain) for category in categories
        )

    def protected_categories(self, domain: str) -> frozenset[str]:
        """The protected data categories the integration ``domain`` declares."""
        integration = self.hub.integrations.catalog.get(domain)
        if integration is None:
            return frozenset()
        return PROTECTED_CATEGORIES.intersection(integration.manifest.data_categories)

    def has_consent(self, member_id: str, category: str, domain: str) -> bool:
        return any(
            consent.active and consent.covers(category, domain)
            for consent in self.consents.of_member(member_id)
        )

    def subject_of(self, entity_id: str) -> MemberEntry | None:
        """The member whose data ``entity_id`` collects: its own subject, else its device's."""
        subject = self._subject(entity_id)
        return None if subject is None else self.hub.community.members.get(subject.member_id)

    def _subject(self, entity_id: str) -> SubjectEntry | None:
        subject = self.subjects.of_target("entity_id", entity_id)
        if subject is None:
            entry = self.hub.entities.get(entity_id)
            if entry is not None and entry.device_id is not None:
                subject = self.subjects.of_target("device_id", entry.device_id)
        return subject

    def entities_of(self, member_id: str) -> list[EntityEntry]:
        """The registered entities whose subject is ``member_id``."""
        found: dict[str, EntityEntry] = {}
        for subject in self.subjects.of_member(member_id):
            if subject.device_id is not None:
                entries = self.hub.entities.entities_of_device(subject.device_id)
            else:
                entries = [entry] if (entry := self.hub.entities.get(subject.entity_id)) else []
            for entry in entries:
                owner = self._subject(entry.entity_id)
                if owner is not None and owner.member_id == member_id:
                    found[entry.entity_id] = entry
        return list(found.values())

    def _forget_decisions(self, _event: Event | None = None) -> None:
        self._decisions.clear()

    # -- who acts ---------------------------------------------------------------------------

    def capacity(self, user_id: str, member: MemberEntry) -> Capacity | None:
        """In which capacity ``user_id`` may act for ``member``; None if they may not."""
        if member.user_id == user_id:
            return Capacity.person
        user = self.hub.users.get(user_id)
        is_household_admin = user is not None and user.role is Role.household_admin
        memberships = self.hub.community.members.of_user(user_id)
        if any(
            own.household_id == member.household_id
            and (own.role is MemberRole.owner or is_household_admin)
            for own in memberships
        ):
            return Capacity.guardian
        if any(member.id in own.cares_for for own in memberships):
            return Capacity.caregiver
        return None

    def _require_capacity(self, user_id: str, member: MemberEntry) -> Capacity:
        capacity = self.capacity(user_id, member)
        if capacity is None:
            user = self.hub.users.get(user_id)
            who = f"user {user.username}" if user is not None else f"user {user_id}"
            raise ConsentRefused(
                f"The {who} may not act for {self.hub.community.members.describe(member)}: "
                "only the member, an owner or household admin of their household, or a "
                "caregiver they named may"
            )
        return capacity

    def _member(self, member_id: str) -> MemberEntry:
        member = self.hub.community.members.get(member_id)
        if member is None:
            raise ConsentError(f"Member {member_id!r} does not exist", "member_id")
        return member

    # -- changes ----------------------------------------------------------------------------

    def give(
        self, member_id: str, category: str, scope: str, user_id: str
    ) -> tuple[ConsentEntry, bool]:
        """Record ``user_id``'s consent, for ``member_id``, to the collection of
        ``category`` data by ``scope`` (an integration's domain, or "all").

        Returns the consent and whether it is new: an active consent to the same thing is
        returned as it is. Queued for the database at once (``await hub.database.flush()``
        to wait until it is committed); collection starts at once.
        """
        member = self._member(member_id)
        if category not in PROTECTED_CATEGORIES:
            expected = " or ".join(sorted(PROTECTED_CATEGORIES))
            raise ConsentError(
                f"{category!r} is not a category of protected data: expected {expected}",
                "category",
            )
        self._check_scope(category, scope)
        capacity = self._require_capacity(user_id, member)
        for consent in self.consents.of_member(member_id):
            if consent.active and (consent.category, consent.scope) == (category, scope):
                return consent, False
        consent = self.consents.create(member_id, category, scope, user_id, capacity)
        self._audit("consent_given", user_id, consent, member, capacity)
        self._gate_changed(entry.entity_id for entry in self.entities_of(member_id))
        return consent, True

    def _check_scope(self, category: str, scope: str) -> None:
        if scope == ALL_INTEGRATIONS:
            return
        collectors = sorted(
            integration.domain
            for integration in self.hub.integrations.catalog.all()
            if category in integration.manifest.data_categories
        )
        if scope not in collectors:
            known = ", ".join(collectors) or "none is installed"
            raise ConsentError(
                f"Scope {scope!r} is no integration that collects {category} data: expected "
                f"{ALL_INTEGRATIONS!r} or one of them ({known})",
                "scope",
            )

    async def withdraw(self, consent_id: str, user_id: str) -> Withdrawal:
        """Withdraw a consent: collection it allowed stops at once, and what the recorder
        kept of the entities that may no longer be collected is erased."""
        consent = self.consents.get(consent_id)
        if consent is None:
            raise ConsentError(f"Consent {consent_id!r} does not exist", "consent_id")
        member = self._member(consent.member_id)
        capacity = self._require_capacity(user_id, member)
        if not consent.active:
            raise ConsentWithdrawn(f"The {self.consents.describe(consent)} is already withdrawn")
        consent = self.consents.withdraw(consent, user_id)
        self._audit("consent_withdrawn", user_id, consent, member, capacity)
        self._gate_changed(entry.entity_id for entry in self.entities_of(member.id))
        erased = tuple(
            entry.entity_id
            for entry in self.entities_of(member.id)
            if consent.category in self.protected_categories(entry.platform)
            and consent.covers(consent.category, entry.platform)
            and not self.may_collect(entry.entity_id)
        )
        states = statistics_rows = 0
        if erased:
            states, statistics_rows = await self.hub.recorder.delete_history(
                lambda session: _erase(session, erased)
            )
            self.hub.audit.append(
                "history_erased",
                user_id,
                {
                    "consent_id": consent.id,
                    "member_id": member.id,
                    "household_id": member.household_id,
                    "entity_ids": list(erased),
                    "states": states,
                    "statistics": statistics_rows,
                },
            )
        return Withdrawal(consent, erased, states, statistics_rows)

    def assign(self, target: str, member_id: str, user_id: str) -> SubjectEntry:
        """Make ``member_id`` the subject of ``target``: an entity_id, or a device's id."""
        member = self._member(member_id)
        entity = self.hub.entities.get(target)
        device = self.hub.devices.get(target)
        if entity is not None:
            field, affected = "entity_id", [entity]
            household_id = entity.household_id
            if household_id is None and entity.device_id is not None:
                household_id = self.hub.devices.require(entity.device_id).household_id
        elif device is not None:
            field, affected = "device_id", self.hub.entities.entities_of_device(target)
            household_id = device.household_id
        else:
            raise ConsentError(f"{target!r} is neither an entity_id nor a device id", "target")
        if household_id is not None and household_id != member.household_id:
            raise ConsentError(
                f"{target} belongs to another household than "
                f"{self.hub.community.members.describe(member)}",
                "target",
            )
        capacity = self._require_capacity(user_id, member)
        subject = self.subjects.assign(field, target, member_id, user_id)
        self.hub.audit.append(
            "data_subject_assigned",
            user_id,
            {
                field: target,
                "member_id": member_id,
                "household_id": member.household_id,
                "as": capacity.value,
            },
        )
        self._gate_changed(entry.entity_id for entry in affected)
        return subject

    def _audit(
        self,
        kind: str,
        user_id: str,
        consent: ConsentEntry,
        member: MemberEntry,
        capacity: Capacity,
    ) -> None:
        data: dict[str, Any] = {
            "consent_id": consent.id,
            "member_id": member.id,
            "household_id": member.household_id,
            "category": consent.category,
            "scope": consent.scope,
            "as": capacity.value,
        }
        self.hub.audit.append(kind, user_id, data)

    def _gate_changed(self, entity_ids: Iterable[str]) -> None:
        """Decide again, and write the states of ``entity_ids`` again."""
        self._forget_decisions()
        write_states_again(self.hub, list(entity_ids))

    def _member_removed(self, event: Event) -> None:
        member_id = event.data["member_id"]
        entity_ids = [entry.entity_id for entry in self.entities_of(member_id)]
        self.consents.forget_member(member_id)
        self.subjects.forget_member(member_id)
        self._gate_changed(entity_ids)


def _erase(session: Session, entity_ids: Collection[str]) -> tuple[int, int]:
    """Delete every recorded state and the long-term statistics of ``entity_ids``; returns
    (states, statistics rows)."""
    # Nothing is older than the epoch, and every state of entity_ids is older than infinity:
    # their states go, then the attribute and event-data rows nothing refers to any more.
    removed = purge(session, cutoff=0.0, protected_cutoff=math.inf, protected_ids=entity_ids)
    ids = list(entity_ids)
    meta_ids = sa.select(statistics_meta.c.id).where(statistics_meta.c.statistic_id.in_(ids))
    statistics_rows = session.execute(
        sa.delete(statistics).where(statistics.c.metadata_id.in_(meta_ids))
    ).rowcount
    session.execute(sa.delete(statistics_meta).where(statistics_meta.c.statistic_id.in_(ids)))
    return removed.states, statistics_rows
