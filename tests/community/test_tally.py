"""The tally of a community of 903 units, at the exact edges of every threshold.

Each case builds the community from groups of units with varied areas that add up to
chosen totals, so that a share lands exactly on a bar (or one dm², one owner, short of it).
"""

from dataclasses import dataclass
from fractions import Fraction

import pytest

from linli.community.matters import MAJORITY, QUORUM, SUPERMAJORITY, Matter
from linli.community.tally import Choice, Electorate, tally

UNITS = 903


@dataclass(frozen=True)
class Group:
    units: int
    area_dm2: int  # the group's total
    choice: Choice | None = None  # None: did not vote
    owned: bool = True


def spread(total: int, count: int) -> list[int]:
    """``count`` different areas adding up to exactly ``total``."""
    base, rest = divmod(total, count)
    areas = []
    for index in range(count // 2):
        swing = (index * 1373) % (base // 2) if base > 1 else 0
        areas += [base + swing, base - swing]
    if count % 2:
        areas.append(base)
    areas[-1] += rest
    return areas


def community(*groups: Group) -> tuple[Electorate, dict[str, Choice]]:
    assert sum(group.units for group in groups) == UNITS
    areas: dict[str, int] = {}
    ballots: dict[str, Choice] = {}
    owners = 0
    for number, group in enumerate(groups):
        for index, area in enumerate(spread(group.area_dm2, group.units)):
            unit_id = f"g{number}u{index}"
            areas[unit_id] = area
            if group.choice is not None:
                ballots[unit_id] = group.choice
        owners += group.units if group.owned else 0
    assert len(set(areas.values())) > UNITS // 3  # the areas really vary
    return Electorate(sum(areas.values()), owners, areas), ballots


def test_spread_areas_vary_and_add_up() -> None:
    areas = spread(5_418_000, 602)
    assert sum(areas) == 5_418_000
    assert min(areas) > 4000
    assert max(areas) < 14000


# -- quorum: 2/3 of the area AND 2/3 of the owners take part ------------------------------


def test_quorum_just_at_two_thirds_by_area_and_by_owners() -> None:
    # 602 of 903 owners (exactly 2/3) holding twice the area of the 301 who stay away.
    electorate, ballots = community(Group(602, 5_418_000, Choice.agree), Group(301, 2_709_000))
    result = tally(electorate, ballots, Matter.other)
    assert (result.participating.owners, electorate.owner_count) == (602, 903)
    assert result.participating.area_dm2 * 3 == electorate.total_area_dm2 * 2
    assert result.quorum_by_area
    assert result.quorum_by_owners
    assert result.passed
    numbers = result.as_json()
    assert numbers["participation_by_area"] == "5418000/8127000"
    assert numbers["participation_by_owners"] == "602/903"
    assert numbers["reason"].startswith("Passed")


def test_quorum_one_dm2_short_by_area_while_owners_suffice() -> None:
    electorate, ballots = community(
        Group(700, 2 * 1_827_000 - 1, Choice.agree), Group(203, 1_827_000)
    )
    result = tally(electorate, ballots, Matter.other)
    assert not result.quorum_by_area
    assert result.quorum_by_owners
    assert not result.passed
    assert result.reason == (
        "Not passed: too few owners took part: the owners who took part hold 36539.99 m² of "
        "54809.99 m² (3653999/5480999), at least 2/3 needed"
    )


def test_quorum_one_owner_short_while_the_area_suffices() -> None:
    # 601 of 903 owners hold 80% of the area.
    electorate, ballots = community(Group(601, 7_212_000, Choice.agree), Group(302, 1_803_000))
    result = tally(electorate, ballots, Matter.other)
    assert result.quorum_by_area
    assert not result.quorum_by_owners
    assert not result.passed
    assert result.reason == (
        "Not passed: too few owners took part: the owners who took part are 601 of 903 "
        "owners, at least 2/3 needed"
    )


def test_units_without_an_owner_count_by_area_but_not_by_headcount() -> None:
    # 3 units have no owner yet: 600 of the 900 owners is 2/3, but their area is not.
    electorate, ballots = community(
        Group(600, 5_400_000, Choice.agree),
        Group(300, 2_700_000),
        Group(3, 3, owned=False),
    )
    result = tally(electorate, ballots, Matter.other)
    assert electorate.owner_count == 900
    assert result.quorum_by_owners
    assert not result.quorum_by_area  # 5400000 of 8100003 is just under 2/3


# -- approval, ordinary matters: more than 1/2 of the participating area AND owners -------

ABSENT = Group(103, 927_000)  # the quorum holds without them in every approval case


@pytest.mark.parametrize(
    ("agree", "against", "by_area", "by_owners"),
    [
        # exactly half by area fails; the owners are over half
        ((401, 4_000_000), (399, 4_000_000), False, True),
        # one dm² over half by area passes
        ((401, 4_000_001), (399, 4_000_000), True, True),
        # exactly half by owners fails; the area is over half
        ((400, 4_100_000), (400, 4_000_000), True, False),
        # one owner over half passes
        ((401, 4_100_000), (399, 4_000_000), True, True),
    ],
)
def test_ordinary_matter_needs_more_than_half_by_area_and_by_owners(
    agree: tuple[int, int], against: tuple[int, int], by_area: bool, by_owners: bool
) -> None:
    # Those not agreeing split between disagreeing and abstaining: both count against.
    against_owners, against_area = against
    electorate, ballots = community(
        Group(agree[0], agree[1], Choice.agree),
        Group(against_owners - 100, against_area - 1_000_000, Choice.disagree),
        Group(100, 1_000_000, Choice.abstain),
        ABSENT,
    )
    result = tally(electorate, ballots, Matter.use_maintenance_fund)
    assert result.quorum
    assert (result.approved_by_area, result.approved_by_owners) == (by_area, by_owners)
    assert result.passed == (by_area and by_owners)
    assert result.abstain.owners == 100
    numbers = result.as_json()
    assert numbers["agreement_by_owners"] == f"{agree[0]}/{agree[0] + against_owners}"
    assert numbers["approval_bar"] == "more than 1/2"


# -- approval, special matters: at least 3/4 of the participating area AND owners ---------


@pytest.mark.parametrize(
    ("agree", "against", "by_area", "by_owners"),
    [
        # exactly 3/4 by area and by owners (603 of 804) passes
        ((603, 3 * 1_809_000), (201, 1_809_000), True, True),
        # one dm² under 3/4 by area fails
        ((603, 3 * 1_809_000 - 1), (201, 1_809_000), False, True),
        # one owner under 3/4 (602 of 804) fails
        ((602, 3 * 1_809_000 + 500_000), (202, 1_809_000), True, False),
    ],
)
@pytest.mark.parametrize(
    "matter",
    [
        Matter.common_parts_business,
        Matter.raise_maintenance_fund,
        Matter.rebuild,
        Matter.change_common_use,
    ],
)
def test_special_matter_needs_three_quarters_by_area_and_by_owners(
    matter: Matter,
    agree: tuple[int, int],
    against: tuple[int, int],
    by_area: bool,
    by_owners: bool,
) -> None:
    electorate, ballots = community(
        Group(agree[0], agree[1], Choice.agree),
        Group(against[0], against[1], Choice.disagree),
        Group(UNITS - agree[0] - against[0], 1_000_000),
    )
    result = tally(electorate, ballots, matter)
    assert result.quorum
    assert (result.approved_by_area, result.approved_by_owners) == (by_area, by_owners)
    assert result.passed == (by_area and by_owners)
    assert result.as_json()["approval_bar"] == "at least 3/4"


def test_a_special_matter_fails_where_an_ordinary_one_passes() -> None:
    electorate, ballots = community(
        Group(500, 5_000_000, Choice.agree), Group(300, 3_000_000, Choice.disagree), ABSENT
    )
    assert tally(electorate, ballots, Matter.other).passed
    rejected = tally(electorate, ballots, Matter.common_parts_business)
    assert not rejected.passed
    assert rejected.reason == (
        "Not passed: too few owners agreed: the owners who agreed hold 50000.00 m² of "
        "80000.00 m² (5000000/8000000), at least 3/4 needed; the owners who agreed are 500 "
        "of 800 owners, at least 3/4 needed"
    )


# -- odd inputs ----------------------------------------------------------------------------


def test_ballots_of_units_outside_the_electorate_are_ignored() -> None:
    electorate = Electorate(30_000, 3, {"a": 10_000, "b": 10_000})
    result = tally(
        electorate, {"a": Choice.agree, "b": Choice.agree, "gone": Choice.disagree}, Matter.other
    )
    assert result.ignored_ballots == 1
    assert result.participating.owners == 2
    assert result.passed


def test_an_empty_community_decides_nothing() -> None:
    result = tally(Electorate(0, 0, {}), {}, Matter.other)
    assert not result.passed
    assert result.as_json()["participation_by_owners"] == "0/0"


def test_bars_compare_exact_fractions() -> None:
    assert QUORUM.met(2, 3)
    assert not QUORUM.met(666_666, 1_000_000)
    assert not MAJORITY.met(1, 2)
    assert MAJORITY.met(500_001, 1_000_000)
    assert SUPERMAJORITY.met(3, 4)
    assert not SUPERMAJORITY.met(749_999, 1_000_000)
    assert not QUORUM.met(0, 0)
    assert QUORUM.share == Fraction(2, 3)
