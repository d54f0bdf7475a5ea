"""Proposals and ballots: owners vote per unit, the hub decides at the deadline, on its own
and across restarts, and every cast and decision stays in the audit log."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest

from linli.community.proposals import BallotRefused, InvalidProposal, ProposalEntry, ProposalStatus
from linli.hub import Hub
from linli.plugins import PluginManager
from linli.testing.governance import add_owners, decide, vote
from linli.testing.plugin import HubFactory
from linli.testing.time_travel import fire_time_changed

Restart = Callable[[Hub], Awaitable[Hub]]
DAY = 24 * 3600


def propose(hub: Hub, **fields: object) -> ProposalEntry:
    fields.setdefault("title", "Repaint the stairwells")
    fields.setdefault("matter", "use_maintenance_fund")
    fields.setdefault("closes_at", hub.clock.time() + DAY)
    return hub.governance.propose(**fields)


async def test_owners_decide_a_proposal_at_its_deadline(hub: Hub) -> None:
    owners = add_owners(hub, ["80", "100.50", "120"])
    proposal = propose(hub, funding_model="public", amount_fen=1_250_000)
    vote(hub, proposal, owners[:2], "agree")
    vote(hub, proposal, owners[2:], "disagree")

    so_far = hub.governance.tally_of(proposal)
    assert so_far["participating_owners"] == 3
    assert so_far["agreement_by_area"] == "18050/30050"
    assert hub.governance.proposals.require(proposal.id).status is ProposalStatus.open

    assert fire_time_changed(hub, timedelta(days=1)) >= 1
    await hub.block_till_done()
    decided = hub.governance.proposals.require(proposal.id)
    assert decided.status is ProposalStatus.passed
    assert decided.result["tally"] == so_far
    assert decided.result["electorate"]["total_area_dm2"] == 30050

    votes = {"proposal_opened", "ballot_cast", "proposal_decided"}
    kinds = [record.kind for record in await hub.audit.records() if record.kind in votes]
    assert kinds == ["proposal_opened", *["ballot_cast"] * 3, "proposal_decided"]
    (decision,) = await hub.audit.records("proposal_decided")
    assert decision.values["status"] == "passed"
    assert decision.values["tally"]["passed"] is True
    assert (await hub.audit.verify()).ok


async def test_co_owners_share_one_ballot_and_every_cast_is_kept(hub: Hub) -> None:
    (owner,) = add_owners(hub, ["95"])
    spouse = hub.users.create("spouse", "resident")
    household = hub.community.households.create("Second household", owner.unit.id)
    hub.community.members.create(household.id, "Spouse", "owner", user_id=spouse.id)
    proposal = propose(hub)

    hub.governance.cast(proposal.id, owner.user.id, "agree")
    hub.governance.cast(proposal.id, spouse.id, "disagree", owner.unit.id)
    hub.governance.cast(proposal.id, owner.user.id, "abstain")

    assert hub.governance.current_choices(proposal.id) == {owner.unit.id: "abstain"}
    history = await hub.governance.history(proposal.id)
    assert [(b.seq, b.user_id, b.choice) for b in history] == [
        (1, owner.user.id, "agree"),
        (2, spouse.id, "disagree"),
        (3, owner.user.id, "abstain"),
    ]
    counted = hub.governance.tally_of(proposal)
    assert (counted["owner_count"], counted["participating_owners"]) == (1, 1)
    assert counted["abstain_owners"] == 1
    assert len(await hub.audit.records("ballot_cast")) == 3


async def test_ballots_are_refused_with_a_reason(hub: Hub) -> None:
    first, second, third = add_owners(hub, ["80", "90", "100"])
    relative = hub.users.create("relative", "resident")
    household = hub.community.households.create("Relatives", first.unit.id)
    hub.community.members.create(household.id, "Relative", "family", user_id=relative.id)
    both = hub.community.households.create("Landlord", third.unit.id)
    hub.community.members.create(both.id, "Landlord", "owner", user_id=second.user.id)
    later = propose(hub, opens_at=hub.clock.time() + 3600)
    now = propose(hub)

    def refused(
        proposal: ProposalEntry, user_id: str, choice: str, unit_id: str | None = None
    ) -> str:
        with pytest.raises(BallotRefused) as caught:
            hub.governance.cast(proposal.id, user_id, choice, unit_id)
        return f"{caught.value.code}: {caught.value}"

    assert refused(later, first.user.id, "agree").startswith(
        "voting_not_open: Voting on proposal 'Repaint the stairwells' opens at "
    )
    assert refused(now, first.user.id, "maybe") == (
        "invalid_choice: 'maybe' is not a choice: expected agree, disagree, abstain"
    )
    assert refused(now, relative.id, "agree") == "not_owner: Only owners vote, and you own no unit"
    assert refused(now, first.user.id, "agree", second.unit.id) == (
        "not_owner: You are not an owner of unit 1号楼 1单元 102: you own 1号楼 1单元 101"
    )
    assert refused(now, second.user.id, "agree") == (
        "unit_required: You own 2 units (1号楼 1单元 102, 1号楼 1单元 201): name the one you "
        "vote for in unit_id"
    )
    hub.clock.travel_to(datetime.fromtimestamp(now.closes_at, UTC))  # the timer has not run
    assert refused(now, first.user.id, "agree").startswith(
        "voting_closed: Voting on proposal 'Repaint the stairwells' closed at "
    )
    await decide(hub, now)
    assert refused(now, first.user.id, "agree").startswith(
        "voting_closed: Proposal 'Repaint the stairwells' was decided (rejected) on "
    )
    assert await hub.audit.records("ballot_cast") == []
    assert await hub.governance.history(now.id) == []


async def test_a_deadline_passed_while_the_hub_was_down_decides_at_start(
    hub: Hub, restart: Restart
) -> None:
    hub.clock.travel_to(datetime.now(UTC) - timedelta(hours=2))
    owners = add_owners(hub, ["80", "90"])
    overdue = propose(hub, closes_at=hub.clock.time() + 3600)  # an hour ago, really
    pending = propose(hub, title="Replace the gate", closes_at=hub.clock.time() + 3 * 3600)
    vote(hub, overdue, owners, "agree")
    vote(hub, pending, owners, "disagree")
    hub.governance.cast(pending.id, owners[0].user.id, "agree")

    hub = await restart(hub)
    assert hub.governance.proposals.require(overdue.id).status is ProposalStatus.passed
    assert len(await hub.audit.records("proposal_decided")) == 1
    # The other one is still open, its ballots (the changed one too) loaded, its deadline armed.
    assert hub.governance.proposals.require(pending.id).status is ProposalStatus.open
    assert hub.governance.current_choices(pending.id) == {
        owners[0].unit.id: "agree",
        owners[1].unit.id: "disagree",
    }
    hub.governance.cast(pending.id, owners[1].user.id, "agree")
    decided = await decide(hub, pending)
    assert decided.status is ProposalStatus.passed
    assert [b.seq for b in await hub.governance.history(pending.id)] == [1, 2, 3, 4]
    assert (await hub.audit.verify()).ok


async def test_a_decision_recounts_the_same_from_the_stored_ballots(
    hub_factory: HubFactory, plugins: PluginManager, database_url: str, restart: Restart
) -> None:
    hub = await hub_factory(database_url=database_url, plugins=plugins)
    owners = add_owners(hub, ["80", "90.25", "100", "110.75"])
    proposal = propose(hub, matter="rebuild")
    vote(hub, proposal, owners[:3], "agree")
    vote(hub, proposal, owners[3:], "disagree")
    hub.governance.cast(proposal.id, owners[0].user.id, "abstain")
    assert (await hub.governance.recount(proposal.id)).as_json() == hub.governance.tally_of(
        proposal
    )

    decided = await decide(hub, proposal)
    stored = decided.result["tally"]
    assert stored["passed"] is False  # 2 of 4 agree: under 3/4
    assert (await hub.governance.recount(proposal.id)).as_json() == stored
    # The registry changes later; the decision is counted against its own electorate.
    hub.community.units.update(owners[0].unit.id, area_dm2=20000)
    assert (await hub.governance.recount(proposal.id)).as_json() == stored

    hub = await restart(hub)
    assert (await hub.governance.recount(proposal.id)).as_json() == stored
    assert hub.governance.proposals.require(proposal.id).result["tally"] == stored


async def test_a_proposal_that_cannot_be_made_says_which_field_is_wrong(
    hub: Hub, integration: Callable[..., str]
) -> None:
    integration("mqtt_bridge", integration_type="system")
    integration("wallbox", integration_type="service", funding=["market"])
    cases = [
        ({"closes_at": hub.clock.time() - 1}, "closes_at", "must close in the future"),
        ({"title": " "}, "title", "needs a title of 1 to 200 characters"),
        ({"matter": "party"}, "matter", "'party' is not a valid matter"),
        ({"domain": "wallbox"}, "action", "names both the integration"),
        ({"domain": "mqtt_bridge", "action": "enable"}, "domain", "runs without a vote"),
        (
            {"domain": "wallbox", "action": "enable", "funding_model": "public"},
            "funding_model",
            "funding models market, not 'public'",
        ),
        ({"amount_fen": -1}, "amount_fen", "must be from 0 to 100000000000000 fen"),
        ({"amount_fen": 2**63}, "amount_fen", "must be from 0 to 100000000000000 fen"),
    ]
    for fields, field, message in cases:
        with pytest.raises(InvalidProposal, match=message) as caught:
            propose(hub, **fields)
        assert caught.value.field == field
    assert len(hub.governance.proposals) == 0
