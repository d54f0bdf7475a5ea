"""Who may do what: the permission rules, as one table.

A rule says which *scopes* a role may do an *action* in. The scope of a target is what it
is to the user asking (:mod:`linli.http.access` works it out):

- ``own_household``: it belongs to a household the user is a member of (not as a
  caregiver). Protected data belongs to the household of its data subject.
- ``cared_for``: its data subject is a member who named the user as their caregiver.
- ``shared``: the community's (no household), and not protected data.
- ``other_household``: another household's, and not protected data.
- ``protected``: health or location data of someone who is neither of the user's household
  nor cared for by them; also an entity nobody can tell the owner of any more (no registry
  entry, no state), since it may have been such data.
- ``community``: what has no owner: the community as a whole (its units, proposals, audit
  log, users), a service call without a target, a new shared entity.

Nobody reads protected data but the person's household and their caregivers (DESIGN.md,
"Data the law protects"): the hub's admin and the operator see an alarm, not a heart-rate
history. A caregiver sees, and does not control. Whether a member may vote or rate is the
governance module's rule (owners of units, members of households using the service), and
who acts for a member's consent the consent module's: those actions are open to every role
here.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum, auto
from typing import Final

from .users import Role


class Scope(StrEnum):
    own_household = "own_household"
    cared_for = "cared_for"
    shared = "shared"
    other_household = "other_household"
    protected = "protected"
    community = "community"


class Action(StrEnum):
    """What a user does to a target."""

    # Entities and their data.
    read_state = auto()
    read_history = auto()
    control = auto()
    write_state = auto()
    handle_alarms = auto()
    # Devices, integrations, events.
    read_devices = auto()
    read_areas = auto()
    read_services = auto()
    read_config_entries = auto()
    add_device = auto()
    manage_devices = auto()
    configure_integrations = auto()
    subscribe_events = auto()
    fire_event = auto()
    read_events = auto()
    # Units, households, members.
    read_units = auto()
    manage_units = auto()
    read_households = auto()
    manage_households = auto()
    read_members = auto()
    manage_members = auto()
    manage_owners = auto()
    import_roster = auto()
    # Governance.
    read_proposals = auto()
    create_proposal = auto()
    vote = auto()
    read_ballots = auto()
    rate_service = auto()
    read_ratings = auto()
    # Paid services.
    read_statements = auto()
    export_usage = auto()
    read_figures = auto()
    # Automations (and the blueprints they use).
    read_automations = auto()
    manage_automations = auto()
    # Privacy and accounts.
    read_consents = auto()
    export_household = auto()
    read_audit = auto()
    manage_users = auto()


#: What each action is in words: they read well after "may not" in an error message.
WORDS: Final[Mapping[Action, str]] = {
    Action.read_state: "see the state of",
    Action.read_history: "read the history of",
    Action.control: "control",
    Action.write_state: "write the state of",
    Action.handle_alarms: "handle the alarms of",
    Action.read_devices: "see",
    Action.read_areas: "see the areas of",
    Action.read_services: "list the services of",
    Action.read_config_entries: "see",
    Action.add_device: "add a device to",
    Action.manage_devices: "manage",
    Action.configure_integrations: "set up an integration of",
    Action.subscribe_events: "subscribe to events other than state_changed in",
    Action.fire_event: "fire events in",
    Action.read_events: "read the logbook's events of",
    Action.read_units: "see the units of",
    Action.manage_units: "manage the units of",
    Action.read_households: "see",
    Action.manage_households: "manage",
    Action.read_members: "see the members of",
    Action.manage_members: "manage the members of",
    Action.manage_owners: "add, change or remove the owners of",
    Action.import_roster: "import a roster into",
    Action.read_proposals: "see the proposals of",
    Action.create_proposal: "open a proposal in",
    Action.vote: "vote in",
    Action.read_ballots: "read every ballot cast in",
    Action.rate_service: "rate a service of",
    Action.read_ratings: "see the ratings of",
    Action.read_statements: "see the statements of",
    Action.export_usage: "export the usage records of",
    Action.read_figures: "see the key figures of",
    Action.read_automations: "see the automations of",
    Action.manage_automations: "manage the automations of",
    Action.read_consents: "see the consents of",
    Action.export_household: "export the data of",
    Action.read_audit: "read the audit log of",
    Action.manage_users: "manage the user accounts of",
}

OWN: Final = Scope.own_household
CARED: Final = Scope.cared_for
SHARED: Final = Scope.shared
OTHER: Final = Scope.other_household
PROTECTED: Final = Scope.protected
COMMUNITY: Final = Scope.community

RESIDENT: Final = Role.resident
HOUSEHOLD_ADMIN: Final = Role.household_admin
OPERATOR: Final = Role.operator
ADMIN: Final = Role.admin

_NOWHERE: Final = frozenset[Scope]()
_MINE: Final = frozenset({OWN, CARED, SHARED})  # what a household sees
_NOT_PROTECTED: Final = frozenset({OWN, CARED, SHARED, OTHER})  # what staff see
_COMMUNITY: Final = frozenset({COMMUNITY})
_HOUSEHOLDS: Final = frozenset({OWN, CARED, OTHER})  # any household, any of its members

#: action -> role -> the scopes the role may do the action in. A role missing from a row
#: may do it nowhere.
RULES: Final[Mapping[Action, Mapping[Role, frozenset[Scope]]]] = {
    Action.read_state: {
        RESIDENT: _MINE,
        HOUSEHOLD_ADMIN: _MINE,
        OPERATOR: _NOT_PROTECTED,
        ADMIN: _NOT_PROTECTED,
    },
    Action.read_history: {
        RESIDENT: _MINE,
        HOUSEHOLD_ADMIN: _MINE,
        OPERATOR: _NOT_PROTECTED,
        ADMIN: _NOT_PROTECTED,
    },
    Action.control: {
        RESIDENT: frozenset({OWN, SHARED}),
        HOUSEHOLD_ADMIN: frozenset({OWN, SHARED}),
        OPERATOR: frozenset({OWN, SHARED, COMMUNITY}),
        ADMIN: frozenset({OWN, SHARED, OTHER, COMMUNITY}),
    },
    Action.write_state: {
        OPERATOR: frozenset({SHARED, COMMUNITY}),
        ADMIN: frozenset({OWN, SHARED, OTHER, COMMUNITY}),
    },
    # Seeing, acknowledging, clearing and commenting an alarm: a household its own, a
    # caregiver those of whom they care for, staff every alarm (of protected data too: an
    # alarm is not the data behind it). Nobody sees another household's alarms.
    Action.handle_alarms: {
        RESIDENT: frozenset({OWN, CARED}),
        HOUSEHOLD_ADMIN: frozenset({OWN, CARED}),
        OPERATOR: _NOT_PROTECTED | {PROTECTED},
        ADMIN: _NOT_PROTECTED | {PROTECTED},
    },
    Action.read_devices: {
        RESIDENT: _MINE,
        HOUSEHOLD_ADMIN: _MINE,
        OPERATOR: _NOT_PROTECTED,
        ADMIN: _NOT_PROTECTED,
    },
    Action.read_areas: dict.fromkeys(Role, _COMMUNITY),
    Action.read_services: dict.fromkeys(Role, _COMMUNITY),
    Action.read_config_entries: {
        RESIDENT: frozenset({OWN}),
        HOUSEHOLD_ADMIN: frozenset({OWN}),
        OPERATOR: frozenset({OWN, SHARED}),
        ADMIN: frozenset({OWN, SHARED, OTHER}),
    },
    Action.add_device: {
        RESIDENT: frozenset({OWN}),
        HOUSEHOLD_ADMIN: frozenset({OWN}),
        OPERATOR: frozenset({OWN, SHARED}),
        ADMIN: frozenset({OWN, SHARED, OTHER}),
    },
    Action.manage_devices: {
        HOUSEHOLD_ADMIN: frozenset({OWN}),
        OPERATOR: frozenset({OWN, SHARED}),
        ADMIN: frozenset({OWN, SHARED, OTHER}),
    },
    Action.configure_integrations: {OPERATOR: _COMMUNITY, ADMIN: _COMMUNITY},
    Action.subscribe_events: {OPERATOR: _COMMUNITY, ADMIN: _COMMUNITY},
    Action.fire_event: {OPERATOR: _COMMUNITY, ADMIN: _COMMUNITY},
    Action.read_events: {OPERATOR: _COMMUNITY, ADMIN: _COMMUNITY},
    Action.read_units: dict.fromkeys(Role, _COMMUNITY),
    Action.manage_units: {OPERATOR: _COMMUNITY, ADMIN: _COMMUNITY},
    Action.read_households: {
        RESIDENT: frozenset({OWN}),
        HOUSEHOLD_ADMIN: frozenset({OWN}),
        OPERATOR: _HOUSEHOLDS,
        ADMIN: _HOUSEHOLDS,
    },
    Action.manage_households: {
        OPERATOR: _HOUSEHOLDS | _COMMUNITY,
        ADMIN: _HOUSEHOLDS | _COMMUNITY,
    },
    Action.read_members: {
        RESIDENT: frozenset({OWN}),
        HOUSEHOLD_ADMIN: frozenset({OWN}),
        OPERATOR: _HOUSEHOLDS,
        ADMIN: _HOUSEHOLDS,
    },
    Action.manage_members: {
        HOUSEHOLD_ADMIN: frozenset({OWN}),
        OPERATOR: _HOUSEHOLDS,
        ADMIN: _HOUSEHOLDS,
    },
    # Who owns a unit is a fact of the property's records, and owners vote for it.
    Action.manage_owners: {OPERATOR: _HOUSEHOLDS, ADMIN: _HOUSEHOLDS},
    Action.import_roster: {OPERATOR: _COMMUNITY, ADMIN: _COMMUNITY},
    Action.read_proposals: dict.fromkeys(Role, _COMMUNITY),
    Action.create_proposal: {OPERATOR: _COMMUNITY, ADMIN: _COMMUNITY},
    Action.vote: dict.fromkeys(Role, _COMMUNITY),
    Action.read_ballots: {OPERATOR: _COMMUNITY, ADMIN: _COMMUNITY},
    Action.rate_service: dict.fromkeys(Role, _COMMUNITY),
    Action.read_ratings: dict.fromkeys(Role, _COMMUNITY),
    # What a household owes: its members see their own statements (not a caregiver from
    # elsewhere), staff every household's and all of them at once (the community).
    Action.read_statements: {
        RESIDENT: frozenset({OWN}),
        HOUSEHOLD_ADMIN: frozenset({OWN}),
        OPERATOR: _HOUSEHOLDS | _COMMUNITY,
        ADMIN: _HOUSEHOLDS | _COMMUNITY,
    },
    Action.export_usage: {OPERATOR: _COMMUNITY, ADMIN: _COMMUNITY},
    Action.read_figures: {OPERATOR: _COMMUNITY, ADMIN: _COMMUNITY},
    # A household's automations are its own (its members' and, for an operator who is a
    # member, theirs too); the community's are staff's; an admin reaches every household's.
    # Importing a blueprint manages the community's automations.
    Action.read_automations: {
        RESIDENT: frozenset({OWN}),
        HOUSEHOLD_ADMIN: frozenset({OWN}),
        OPERATOR: frozenset({OWN, COMMUNITY}),
        ADMIN: frozenset({OWN, OTHER, COMMUNITY}),
    },
    Action.manage_automations: {
        RESIDENT: frozenset({OWN}),
        HOUSEHOLD_ADMIN: frozenset({OWN}),
        OPERATOR: frozenset({OWN, COMMUNITY}),
        ADMIN: frozenset({OWN, OTHER, COMMUNITY}),
    },
    Action.read_consents: {
        RESIDENT: frozenset({OWN, CARED}),
        HOUSEHOLD_ADMIN: frozenset({OWN, CARED}),
        OPERATOR: frozenset({OWN, CARED}),
        ADMIN: frozenset({OWN, CARED, OTHER}),
    },
    # An admin's export of another household leaves its protected data out (read_history).
    Action.export_household: {
        RESIDENT: frozenset({OWN}),
        HOUSEHOLD_ADMIN: frozenset({OWN}),
        OPERATOR: frozenset({OWN}),
        ADMIN: _HOUSEHOLDS,
    },
    Action.read_audit: {OPERATOR: _COMMUNITY, ADMIN: _COMMUNITY},
    Action.manage_users: {ADMIN: _COMMUNITY},
}

#: Whose is a device a user adds through its integration's config flow, unless they name a
#: household: a household's user adds to their household, staff add to the community.
NEW_DEVICE_SCOPE: Final[Mapping[Role, Scope]] = {
    RESIDENT: OWN,
    HOUSEHOLD_ADMIN: OWN,
    OPERATOR: SHARED,
    ADMIN: SHARED,
}


def allows(role: Role | None, action: Action, scope: Scope) -> bool:
    """Whether ``role`` may do ``action`` in ``scope`` (no role: nothing)."""
    return role is not None and scope in RULES[action].get(role, _NOWHERE)
