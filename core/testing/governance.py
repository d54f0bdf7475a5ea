"""Votes in tests: a community of owners in one call, and proposals they decide.

::

    owners = add_owners(hub, ["89.35", "102.40", "76.00"])
    proposal = await hold_vote(hub, owners, "disagree", matter="use_maintenance_fund")
    await vote_in(hub, "acme_locker")  # the gate now lets acme_locker run

Proposal fields are those ``hub.governance.propose`` takes. Everything goes through the
real registries and ``hub.governance``; deciding moves the hub's clock to the deadline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ..auth.users import UserEntry
from ..clock import utc_from_timestamp
from ..community.matters import INTEGRATION_MATTER
from ..community.proposals import ProposalEntry
from ..community.units import UnitEntry
from .time_travel import fire_time_changed

if TYPE_CHECKING:
    from ..hub import Hub

VOTING_WINDOW = timedelta(hours=1)
FLATS_PER_BUILDING = 60  # two a floor


@dataclass(frozen=True, slots=True)
class Owner:
    """A unit and the user account of its owner."""

    user: UserEntry
    unit: UnitEntry


def unit_address(index: int) -> str:
    """A distinct address for the ``index``-th unit, e.g. "1-1-101", "1-1-102", "1-1-201"."""
    building, flat = divmod(index, FLATS_PER_BUILDING)
    floor, door = divmod(flat, 2)
    return f"{building + 1}-1-{floor + 1}{door + 1:02d}"


def add_owners(hub: Hub, areas: Iterable[Any]) -> list[Owner]:
    """One unit per area (m², as :func:`linli.community.units.area_dm2` reads it), each
    with a household whose owner has a user account."""
    community, first = hub.community, len(hub.community.units)
    owners = []
    for index, area in enumerate(areas, first):
        unit = community.units.create(unit_address(index), area)
        household = community.households.create(f"Household {index}", unit.id)
        user = hub.users.create(f"owner{index}", "resident")
        community.members.create(household.id, f"Owner {index}", "owner", user_id=user.id)
        owners.append(Owner(user, unit))
    return owners


def vote(hub: Hub, proposal: ProposalEntry, owners: Iterable[Owner], choice: str) -> None:
    """Each owner casts ``choice`` for their unit."""
    for owner in owners:
        hub.governance.cast(proposal.id, owner.user.id, choice, owner.unit.id)


async def decide(hub: Hub, proposal: ProposalEntry) -> ProposalEntry:
    """Move the clock to the proposal's deadline; return it once decided and applied."""
    fire_time_changed(hub, utc_from_timestamp(proposal.closes_at))
    await hub.block_till_done()
    return hub.governance.proposals.require(proposal.id)


async def hold_vote(
    hub: Hub, owners: Sequence[Owner] | None = None, choice: str = "agree", **fields: Any
) -> ProposalEntry:
    """Open a proposal (an hour to vote; ``fields`` as :meth:`Governance.propose` takes
    them), have ``owners`` (default: one new owner) all cast ``choice``, and decide it."""
    if owners is None:
        owners = add_owners(hub, ["100"])
    fields.setdefault("title", "A proposal for the owners")
    fields.setdefault("matter", "other")
    fields.setdefault("closes_at", hub.clock.time() + VOTING_WINDOW.total_seconds())
    proposal = hub.governance.propose(**fields)
    vote(hub, proposal, owners, choice)
    return await decide(hub, proposal)


async def vote_in(
    hub: Hub, domain: str, owners: Sequence[Owner] | None = None, action: str = "enable"
) -> ProposalEntry:
    """Pass a proposal to enable (or disable) the integration ``domain``: every one of
    ``owners`` (default: one new owner) agrees, and they must be enough for the quorum."""
    return await hold_vote(
        hub,
        owners,
        title=f"{action.capitalize()} {domain}",
        matter=INTEGRATION_MATTER,
        domain=domain,
        action=action,
    )
