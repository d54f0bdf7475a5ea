"""Ratings: households rate the services they use; a service rated under the bar is put
back to a vote, once."""

from collections.abc import Callable
from datetime import timedelta

import pytest

from linli.community.proposals import Action, ProposalStatus
from linli.community.ratings import RatingRefused
from linli.hub import Hub
from linli.testing.governance import Owner, add_owners, decide, vote_in
from linli.testing.time_travel import fire_time_changed

pytestmark = pytest.mark.votes_required

SETUP = """
async def async_setup_entry(hub, entry):
    return True

async def async_unload_entry(hub, entry):
    return True
"""


@pytest.fixture
async def owners(hub: Hub) -> list[Owner]:
    return add_owners(hub, [f"{80 + index}" for index in range(12)])


@pytest.fixture
async def charger(hub: Hub, integration: Callable[..., str], owners: list[Owner]) -> str:
    """A service voted in, with one site for the whole community: every household uses it."""
    domain = integration("wallbox", SETUP, integration_type="service")
    await vote_in(hub, domain, owners)
    await hub.config_entries.add(domain, "Charging site", {})
    return domain


def rate(hub: Hub, owner: Owner, score: object, comment: str | None = None) -> None:
    hub.governance.ratings.rate(owner.user.id, "wallbox", score, comment)


def disable_proposals(hub: Hub) -> list:
    return [p for p in hub.governance.proposals.about("wallbox") if p.action is Action.disable]


async def test_households_rate_a_service_and_see_its_average(
    hub: Hub, charger: str, owners: list[Owner]
) -> None:
    rate(hub, owners[0], 5, "Always a free spot at night")
    rate(hub, owners[1], 4)
    rate(hub, owners[2], 2, "  ")
    summary = hub.governance.ratings.summary(charger)
    assert (summary.count, summary.total, summary.below_bar) == (3, 11, False)
    assert summary.as_json(hub.governance.ratings.bar)["average"] == 3.67
    comments = [r.comment for r in hub.governance.ratings.registry.of_service(charger)]
    assert comments == ["Always a free spot at night", None, None]


async def test_one_rating_per_member_per_thirty_days_over_a_ninety_day_window(
    hub: Hub, charger: str, owners: list[Owner]
) -> None:
    ratings = hub.governance.ratings
    rate(hub, owners[0], 2)
    rate(hub, owners[0], 4)  # within 30 days: replaces the first
    assert (ratings.summary(charger).count, ratings.summary(charger).total) == (1, 4)
    fire_time_changed(hub, timedelta(days=31))
    rate(hub, owners[0], 5)  # a new period: a new rating
    assert (ratings.summary(charger).count, ratings.summary(charger).total) == (2, 9)
    fire_time_changed(hub, timedelta(days=60))  # the first rating is 91 days old now
    assert (ratings.summary(charger).count, ratings.summary(charger).total) == (1, 5)


async def test_only_households_that_use_a_running_service_rate_it(
    hub: Hub, integration: Callable[..., str], owners: list[Owner]
) -> None:
    integration("mqtt_bridge", integration_type="system")
    integration("parking", integration_type="service")
    wristband = integration("wristband", SETUP)
    ratings = hub.governance.ratings

    def refused(user_id: str, domain: str, score: object = 3, comment: str | None = None) -> str:
        with pytest.raises(RatingRefused) as caught:
            ratings.rate(user_id, domain, score, comment)
        return f"{caught.value.code}: {caught.value}"

    assert refused(owners[0].user.id, "parking").startswith(
        "not_enabled: parking cannot be rated: Integration parking has not been voted in"
    )
    assert refused(owners[0].user.id, "mqtt_bridge") == (
        "invalid_format: 'mqtt_bridge' is not a service of this hub"
    )
    # A household's wristband: its household uses it, and the household it lends a band to.
    await vote_in(hub, wristband, owners)
    first, second = (
        hub.community.members.of_user(owner.user.id)[0].household_id for owner in owners[:2]
    )
    entry = await hub.config_entries.add(wristband, "Grandma's band", {}, household_id=first)
    assert refused(owners[1].user.id, wristband) == (
        "not_a_user: Only households that use wristband rate it, and yours does not"
    )
    hub.devices.get_or_create(
        identifiers={("wristband", "lent")}, config_entry_id=entry.id, household_id=second
    )
    ratings.rate(owners[0].user.id, wristband, 5)
    ratings.rate(owners[1].user.id, wristband, 4)
    assert ratings.summary(wristband).count == 2
    assert refused(owners[2].user.id, wristband).startswith("not_a_user")  # a third household
    outsider = hub.users.create("visitor", "resident")
    assert refused(outsider.id, wristband) == (
        "not_a_user: Only households that use wristband rate it: you are in none"
    )
    for score in (0, 6, "5", True, 2.5):
        assert refused(owners[0].user.id, wristband, score).startswith("invalid_format: A score is")
    assert refused(owners[0].user.id, wristband, 3, "x" * 1001) == (
        "invalid_format: A comment has at most 1000 characters, got 1001"
    )


async def test_fewer_than_ten_ratings_never_call_a_vote(
    hub: Hub, charger: str, owners: list[Owner]
) -> None:
    for owner in owners[:9]:
        rate(hub, owner, 1)
    assert disable_proposals(hub) == []  # 9 ratings, however low
    rate(hub, owners[9], 5)  # the 10th: 14 over 10 ratings, under 3.0
    assert len(disable_proposals(hub)) == 1


async def test_a_service_rated_under_three_is_put_back_to_a_vote_once(
    hub: Hub, charger: str, owners: list[Owner]
) -> None:
    for owner in owners[:10]:
        rate(hub, owner, 3)
    summary = hub.governance.ratings.summary(charger)
    assert (summary.count, summary.total, summary.below_bar) == (10, 30, False)
    assert disable_proposals(hub) == []

    rate(hub, owners[0], 2)  # the latest counts: 29 over 10 ratings, under 3.0
    (proposal,) = disable_proposals(hub)
    assert proposal.status is ProposalStatus.open
    assert proposal.created_by is None
    assert proposal.matter == "common_parts_business"  # the matter that enabled it
    assert proposal.title == "Disable Wallbox"
    assert proposal.description.startswith(
        "Residents rate wallbox 2.90 on average over 10 ratings in 90 days"
    )
    assert proposal.closes_at - proposal.opens_at == pytest.approx(14 * 24 * 3600)
    (opened,) = [
        r for r in await hub.audit.records("proposal_opened") if r.values["action"] == "disable"
    ]
    assert opened.actor is None

    rate(hub, owners[10], 1)
    rate(hub, owners[11], 1)
    assert len(disable_proposals(hub)) == 1  # not again while one is open

    assert (await decide(hub, proposal)).status is ProposalStatus.rejected  # nobody voted
    assert hub.governance.may_run(charger)
    rate(hub, owners[1], 1)
    assert len(disable_proposals(hub)) == 2  # still under the bar: to a vote again
