"""What a caller may see and do: the one place the API checks it.

Handlers ask :func:`require` (or :func:`may`) whether the caller may do an action on a
target; the answer comes from the rules table (:mod:`linli.auth.permissions`) for the
caller's role and the target's *scope*, which :class:`Caller` works out:

- an entity (its entity_id): from whose it is (:mod:`linli.auth.ownership`); one the hub
  knows nothing of may have been anyone's protected data, and is treated as such.
- a device, a config entry, a household: their household; a member: theirs, and a member
  is ``cared_for`` by the caregivers they named and their own.
- an alarm: its household's; ``cared_for`` by the caregivers of the member it is about
  (:meth:`linli.alarms.manager.Alarms.concerned_members`). Never protected data: the
  security desk sees every alarm, not the data behind it.
- a config flow to come (:class:`NewEntry`): the household its entry will belong to, or
  the community for an integration that is not a device.
- ``None``: the community itself.

A target the caller may not even see is answered as one that does not exist (404): they
cannot tell it is there. One they see but may not act on is a 403.

A caller is the token's user: their role, the households they are a member of (not as a
caregiver), the members they care for. They keep their decisions per entity_id (a
WebSocket connection keeps its caller) until the hub's ownership facts change: a state
written to 100 subscribers costs 100 dict lookups.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import voluptuous as vol
from aiohttp import web

from ..alarms.model import Alarm
from ..auth.ownership import EntityFacts
from ..auth.permissions import NEW_DEVICE_SCOPE, WORDS, Action, Scope, allows
from ..auth.users import Role, UserEntry
from ..community.households import HouseholdEntry, MemberEntry, MemberRole
from ..config_entries import ConfigEntry
from ..config_entries.manager import UnknownEntry
from ..entities.services import ATTR_ENTITY_ID, entity_ids
from ..registry.devices import DeviceEntry
from ..states import State
from .view import ApiError, caller, hub_of, invalid, not_found

if TYPE_CHECKING:
    from ..hub import Hub
    from .tokens import TokenRecord

DEVICE_INTEGRATION: Final = "device"  # the manifest's integration_type of a device's


@dataclass(frozen=True, slots=True)
class NewEntry:
    """The config entry a config flow will make: of integration ``domain``, for
    ``household_id`` (None: the community)."""

    domain: str
    household_id: str | None
    is_device: bool  # an integration of type device; else a service or system one


Target = str | DeviceEntry | HouseholdEntry | MemberEntry | ConfigEntry | NewEntry | Alarm | None


class Caller:
    """A token's user as the permission rules see them."""

    def __init__(self, hub: Hub, user_id: str) -> None:
        self.hub = hub
        self.user_id = user_id
        self._ownership = hub.ownership
        self._generation = -1
        self._refresh()

    def _refresh(self) -> None:
        user = self.hub.users.get(self.user_id)
        self.user: UserEntry | None = user
        self.role: Role | None = None if user is None or user.disabled else user.role
        memberships = self.hub.community.members.of_user(self.user_id)
        self.households = frozenset(
            m.household_id for m in memberships if m.role is not MemberRole.caregiver
        )
        self.cares_for = frozenset(id_ for m in memberships for id_ in m.cares_for)
        self._sees: dict[str, bool] = {}  # entity_id -> may read its state
        self._generation = self._ownership.generation

    def _current(self) -> None:
        if self._generation != self._ownership.generation:
            self._refresh()

    def _owned(self, household_id: str | None, subject_id: str | None, protected: bool) -> Scope:
        if household_id is not None and household_id in self.households:
            return Scope.own_household
        if subject_id is not None and subject_id in self.cares_for:
            return Scope.cared_for
        if protected:
            return Scope.protected
        return Scope.shared if household_id is None else Scope.other_household

    def _entity_scope(self, facts: EntityFacts | None) -> Scope:
        if facts is None:  # nobody can tell whose it was: it may have been protected data
            return Scope.protected
        return self._owned(facts.household_id, facts.subject_id, facts.protected)

    def scope(self, target: Target) -> Scope:
        """What ``target`` is to this caller."""
        self._current()
        match target:
            case None:
                return Scope.community
            case str():
                return self._entity_scope(self._ownership.entity(target))
            case DeviceEntry():
                subject = self.hub.consent.subjects.of_target("device_id", target.id)
                member_id = None if subject is None else subject.member_id
                return self._owned(target.household_id, member_id, False)
            case HouseholdEntry():
                return self._owned(target.id, None, False)
            case MemberEntry() if target.user_id == self.user_id:
                return Scope.own_household  # the member themself, a caregiver too
            case MemberEntry():
                return self._owned(target.household_id, target.id, False)
            case ConfigEntry():
                return self._owned(target.household_id, None, False)
            case NewEntry():
                if not target.is_device:
                    return Scope.community
                return self._owned(target.household_id, None, False)
            case Alarm():
                return self._alarm_scope(target)
        raise TypeError(f"Not a target of a permission: {target!r}")

    def _alarm_scope(self, alarm: Alarm) -> Scope:
        if alarm.household_id is not None and alarm.household_id in self.households:
            return Scope.own_household
        if self.cares_for and self.cares_for & self.hub.alarms.concerned_members(alarm):
            return Scope.cared_for
        return Scope.shared if alarm.household_id is None else Scope.other_household

    def alarm_households(self) -> set[str | None] | None:
        """The households whose alarms this caller may handle (None among them: the
        community's own alarms); None: every household's. It narrows a query; each alarm
        found is still checked with :meth:`may`."""
        self._current()
        if allows(self.role, Action.handle_alarms, Scope.other_household):
            return None
        members = self.hub.community.members
        reached: set[str | None] = set(self.households)
        reached |= {member.household_id for member in map(members.get, self.cares_for) if member}
        if allows(self.role, Action.handle_alarms, Scope.shared):
            reached.add(None)
        return reached

    def may(self, action: Action, target: Target = None) -> bool:
        """Whether this caller may do ``action`` on ``target`` (None: the community)."""
        if action is Action.read_state and isinstance(target, str):
            return self.may_see(target)
        return allows(self.role, action, self.scope(target))

    def may_see(self, entity_id: str) -> bool:
        """Whether this caller may read the state of ``entity_id``; the hot path."""
        self._current()
        seen = self._sees.get(entity_id)
        if seen is None:
            facts = self._ownership.entity(entity_id)
            if facts is None:
                return False  # not kept: the entity may come
            scope = self._entity_scope(facts)
            seen = self._sees[entity_id] = allows(self.role, Action.read_state, scope)
        return seen

    def require(self, action: Action, target: Target = None) -> None:
        """Raise a 403 if this caller may not do ``action`` on ``target``, or a 404 if
        they may not even see ``target``."""
        if self.may(action, target):
            return
        seeing = _SEEING.get(type(target))
        if seeing is not None and not self.may(seeing, target):
            raise _not_found(target)
        who = f"A user with the role {self.role}" if self.role else "A disabled account"
        raise ApiError(
            403, "forbidden", f"{who} may not {WORDS[action]} {_describe(self.hub, target)}"
        )

    def require_service_targets(self, data: Mapping[str, Any]) -> None:
        """Check that this caller may control everything a service call with ``data``
        targets: its ``entity_id`` (one, a comma-separated list or a list), ``device_id``
        and ``area_id``; a call without a target acts on the community. Raises
        :class:`ApiError` (400 for a malformed target, 404, 403)."""
        targets: list[Target] = []
        if ATTR_ENTITY_ID in data:
            try:
                targets += entity_ids(data[ATTR_ENTITY_ID])
            except vol.Invalid as error:
                raise invalid(f"Field 'entity_id': {error.msg}", ATTR_ENTITY_ID) from None
        for device_id in _ids(data, "device_id"):
            device = self.hub.devices.get(device_id)
            if device is None:
                raise not_found(f"Device {device_id!r} not found")
            targets.append(device)
        if _ids(data, "area_id") or not targets:
            targets.append(None)  # a whole area, or whatever the service does: the community's
        for target in targets:
            self.require(Action.control, target)

    def visible_states(self) -> list[State]:
        return [state for state in self.hub.states.all() if self.may_see(state.entity_id)]

    def new_entry(self, domain: str, household_id: str | None) -> NewEntry:
        """The entry a config flow of ``domain`` started by this caller will make: for
        ``household_id`` if they name one, else for their household or the community, as
        their role adds devices (:data:`NEW_DEVICE_SCOPE`)."""
        integration = self.hub.integrations.catalog.get(domain)
        is_device = (
            integration is not None and integration.manifest.integration_type == DEVICE_INTEGRATION
        )
        if household_id is not None:
            household = self.hub.community.households.get(household_id)
            if household is None or not self.may(Action.read_households, household):
                raise not_found(f"Household {household_id!r} not found")
        elif is_device and self.role and NEW_DEVICE_SCOPE[self.role] is Scope.own_household:
            household_id = self._only_household()
        return NewEntry(domain, household_id, is_device)

    def _only_household(self) -> str | None:
        """The caller's household when they have one, None if none; a 400 asking which
        when they have several."""
        if len(self.households) <= 1:
            return next(iter(self.households), None)
        names = sorted(
            f"{household.name} ({household.id})"
            for household_id in self.households
            if (household := self.hub.community.households.get(household_id)) is not None
        )
        raise invalid(
            f"You belong to several households ({', '.join(names)}): say in 'household_id' "
            "which one the device is for",
            "household_id",
        )


# What seeing a target of each kind takes: without it, the target is "not found".
_SEEING: Final[Mapping[type, Action]] = {
    str: Action.read_state,
    DeviceEntry: Action.read_devices,
    HouseholdEntry: Action.read_households,
    MemberEntry: Action.read_members,
    ConfigEntry: Action.read_config_entries,
    Alarm: Action.handle_alarms,
}


def _describe(hub: Hub, target: Target) -> str:
    """``target`` in words, for messages."""
    match target:
        case str():
            return target
        case DeviceEntry():
            return f"device {target.name or target.id}"
        case HouseholdEntry():
            return f"household {target.name}"
        case MemberEntry():
            return f"member {target.name}"
        case ConfigEntry():
            return target.describe()
        case Alarm():
            return f"alarm {target.id} ({target.alarm_type})"
        case NewEntry() if target.household_id is not None:
            household = hub.community.households.get(target.household_id)
            return f"household {household.name if household else target.household_id}"
    return "the community"


def _not_found(target: Target) -> ApiError:
    """The 404 of a target the caller may not see: as if it did not exist."""
    match target:
        case str():
            return not_found(f"Entity {target!r} not found")
        case DeviceEntry():
            return not_found(f"Device {target.id!r} not found")
        case HouseholdEntry():
            return not_found(f"Household {target.id!r} not found")
        case MemberEntry():
            return not_found(f"Member {target.id!r} not found")
        case ConfigEntry():
            return not_found(str(UnknownEntry(target.id)))
        case Alarm():
            return not_found(f"Alarm {target.id!r} not found")
    raise TypeError(f"{target!r} cannot be not found")


CALLER: Final = web.RequestKey("caller", Caller)


def who(request: web.Request, token: TokenRecord | None = None) -> Caller:
    """The caller of ``request`` (of a WebSocket connection: pass its ``token``), kept
    with the request (the connection) for its lifetime."""
    found = request.get(CALLER)
    if found is None:
        user_id = (token or caller(request)).user_id
        found = request[CALLER] = Caller(hub_of(request), user_id)
    return found


def may(request: web.Request, action: Action, target: Target = None) -> bool:
    return who(request).may(action, target)


def require(request: web.Request, action: Action, target: Target = None) -> None:
    """See :meth:`Caller.require`."""
    who(request).require(action, target)


def require_role(request: web.Request, *roles: Role) -> UserEntry:
    """The caller's user if it has one of ``roles``; else 403 ``forbidden``. Only for a
    rule the table does not have yet: prefer :func:`require` with an action."""
    found = who(request)
    if found.user is None or found.role not in roles:
        allowed = " or ".join(role.value for role in roles)
        raise ApiError(403, "forbidden", f"Only users with the role {allowed} may do this")
    return found.user


def may_see(request: web.Request, entity_id: str) -> bool:
    """Whether the caller may see ``entity_id`` (it need not have a state)."""
    return who(request).may_see(entity_id)


def visible_states(request: web.Request) -> list[State]:
    """The states the caller may see."""
    return who(request).visible_states()


def visible_state(request: web.Request, entity_id: str) -> State:
    """The state of ``entity_id`` if the caller may see it; else a 404 (not a 403: an
    entity the caller may not see is one they cannot tell exists)."""
    state = hub_of(request).states.get(entity_id)
    if state is None or not may_see(request, entity_id):
        raise not_found(f"Entity {entity_id!r} not found")
    return state


def state_target(hub: Hub, entity_id: str) -> str | None:
    """What writing the state of ``entity_id`` acts on: the entity if the hub knows it,
    else the community (a new entity of nobody's)."""
    known = hub.entities.get(entity_id) is not None or hub.states.get(entity_id) is not None
    return entity_id if known else None


def _ids(data: Mapping[str, Any], name: str) -> list[str]:
    """The ids of ``data[name]``: one string or a list of them."""
    value = data.get(name)
    if value is None:
        return []
    ids = [value] if isinstance(value, str) else value
    if not isinstance(ids, list) or not all(isinstance(item, str) for item in ids):
        raise invalid(f"Field '{name}' must be an id or a list of ids", name)
    return ids
