"""The permission rules table: each role, action and scope, and what it must never allow."""

from itertools import pairwise

import pytest

from linli.auth.permissions import RULES, WORDS, Action, Scope, allows
from linli.auth.users import Role

LETTERS = {
    "O": Scope.own_household,
    "C": Scope.cared_for,
    "S": Scope.shared,
    "X": Scope.other_household,
    "P": Scope.protected,
    "M": Scope.community,
}
ROLES = (Role.resident, Role.household_admin, Role.operator, Role.admin)

# O own household, C cared for, S shared, X other household, P protected, M community.
GRID = """
    action                  resident         household_admin  operator         admin
    read_state              OCS              OCS              OCSX             OCSX
    read_history            OCS              OCS              OCSX             OCSX
    control                 OS               OS               OSM              OSXM
    write_state             -                -                SM               OSXM
    handle_alarms           OC               OC               OCSXP            OCSXP
    read_devices            OCS              OCS              OCSX             OCSX
    read_areas              M                M                M                M
    read_services           M                M                M                M
    read_config_entries     O                O                OS               OSX
    add_device              O                O                OS               OSX
    manage_devices          -                O                OS               OSX
    configure_integrations  -                -                M                M
    subscribe_events        -                -                M                M
    fire_event              -                -                M                M
    read_events             -                -                M                M
    read_units              M                M                M                M
    manage_units            -                -                M                M
    read_households         O                O                OCX              OCX
    manage_households       -                -                OCXM             OCXM
    read_members            O                O                OCX              OCX
    manage_members          -                O                OCX              OCX
    manage_owners           -                -                OCX              OCX
    import_roster           -                -                M                M
    read_proposals          M                M                M                M
    create_proposal         -                -                M                M
    vote                    M                M                M                M
    read_ballots            -                -                M                M
    rate_service            M                M                M                M
    read_ratings            M                M                M                M
    read_statements         O                O                OCXM             OCXM
    export_usage            -                -                M                M
    read_figures            -                -                M                M
    read_automations        O                O                OM               OXM
    manage_automations      O                O                OM               OXM
    read_consents           OC               OC               OC               OCX
    export_household        O                O                O                OCX
    read_audit              -                -                M                M
    manage_users            -                -                -                M
"""


def expected() -> dict[tuple[Action, Role], frozenset[Scope]]:
    header, *rows = GRID.strip().splitlines()
    assert header.split() == ["action", *ROLES]
    grid = {}
    for row in rows:
        action, *cells = row.split()
        for role, cell in zip(ROLES, cells, strict=True):
            grid[Action(action), role] = frozenset(LETTERS[c] for c in cell.strip("-"))
    return grid


def test_the_grid_lists_every_action_once() -> None:
    actions = [row.split()[0] for row in GRID.strip().splitlines()[1:]]
    assert sorted(actions) == sorted(Action)
    assert set(RULES) == set(WORDS) == set(Action)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(Action))
def test_each_role_may_do_each_action_in_the_scopes_of_the_grid(action: Action, role: Role) -> None:
    allowed = expected()[action, role]
    assert {scope for scope in Scope if allows(role, action, scope)} == allowed


def test_protected_data_is_only_for_its_household_and_caregivers() -> None:
    """Nobody reads protected data of others, admins included: staff see only its alarms."""
    for action, roles in RULES.items():
        if Scope.protected in frozenset().union(*roles.values()):
            assert action is Action.handle_alarms


def test_a_household_never_reaches_another_and_a_caregiver_only_reads() -> None:
    reading = {Action.read_state, Action.read_history, Action.read_devices}
    for action, roles in RULES.items():
        for role in (Role.resident, Role.household_admin):
            assert Scope.other_household not in roles.get(role, ())
        if action not in reading | {Action.handle_alarms, Action.read_consents}:
            for role in (Role.resident, Role.household_admin):
                assert Scope.cared_for not in roles.get(role, ()), action


def test_roles_grow_from_resident_to_admin() -> None:
    for action in Action:
        for lesser, greater in pairwise(ROLES):
            assert RULES[action].get(lesser, frozenset()) <= RULES[action].get(greater, frozenset())


def test_an_account_without_a_role_may_do_nothing() -> None:
    assert not any(allows(None, action, scope) for action in Action for scope in Scope)
