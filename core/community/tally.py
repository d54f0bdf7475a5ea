"""The tally of a vote: ballots and the electorate in, every number and the outcome out.

A pure function of its inputs, in integers (areas in dm²) and exact fractions, so a tally
recomputed from the stored ballots and electorate always gives the same result. Each unit
is one owner in the headcount (co-owners share one ballot) and weighs its exclusive area.
An abstention takes part (it counts toward the quorum) but does not agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from .matters import QUORUM, Bar, Matter, approval_bar


class Choice(StrEnum):
    agree = "agree"
    disagree = "disagree"
    abstain = "abstain"


@dataclass(frozen=True, slots=True)
class Electorate:
    """Who may vote, as the tally counts them.

    ``total_area_dm2``: the exclusive area of every unit; ``owner_count``: the units with
    at least one owner (one owner each in the headcount); ``areas``: unit id -> area of
    the units whose ballots count (at least those that voted).
    """

    total_area_dm2: int
    owner_count: int
    areas: Mapping[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "total_area_dm2": self.total_area_dm2,
            "owner_count": self.owner_count,
            "areas": dict(sorted(self.areas.items())),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Electorate:
        return cls(data["total_area_dm2"], data["owner_count"], dict(data["areas"]))


@dataclass(frozen=True, slots=True)
class Count:
    """Units (owners in the headcount) and the area they hold."""

    owners: int = 0
    area_dm2: int = 0

    def plus(self, area_dm2: int) -> Count:
        return Count(self.owners + 1, self.area_dm2 + area_dm2)


@dataclass(frozen=True, slots=True, kw_only=True)
class Tally:
    matter: Matter
    electorate: Electorate
    participating: Count
    agree: Count
    disagree: Count
    abstain: Count
    ignored_ballots: int  # ballots of units not in the electorate (e.g. removed since)
    quorum_by_area: bool
    quorum_by_owners: bool
    approved_by_area: bool
    approved_by_owners: bool
    reason: str

    @property
    def quorum(self) -> bool:
        return self.quorum_by_area and self.quorum_by_owners

    @property
    def passed(self) -> bool:
        return self.quorum and self.approved_by_area and self.approved_by_owners

    def as_json(self) -> dict[str, Any]:
        """Every number of the tally; shares as "part/whole" of the integers counted."""
        electorate, participating, agree = self.electorate, self.participating, self.agree
        choices = {"agree": agree, "disagree": self.disagree, "abstain": self.abstain}
        return {
            "matter": self.matter.value,
            "quorum_bar": str(QUORUM),
            "approval_bar": str(approval_bar(self.matter)),
            "total_area_dm2": electorate.total_area_dm2,
            "owner_count": electorate.owner_count,
            "participating_area_dm2": participating.area_dm2,
            "participating_owners": participating.owners,
            **{f"{name}_area_dm2": count.area_dm2 for name, count in choices.items()},
            **{f"{name}_owners": count.owners for name, count in choices.items()},
            "ignored_ballots": self.ignored_ballots,
            "participation_by_area": f"{participating.area_dm2}/{electorate.total_area_dm2}",
            "participation_by_owners": f"{participating.owners}/{electorate.owner_count}",
            "agreement_by_area": f"{agree.area_dm2}/{participating.area_dm2}",
            "agreement_by_owners": f"{agree.owners}/{participating.owners}",
            "quorum_by_area": self.quorum_by_area,
            "quorum_by_owners": self.quorum_by_owners,
            "quorum": self.quorum,
            "approved_by_area": self.approved_by_area,
            "approved_by_owners": self.approved_by_owners,
            "passed": self.passed,
            "reason": self.reason,
        }


def square_metres(dm2: int) -> str:
    return f"{Decimal(dm2) / 100:.2f} m²"


def _shortfalls(
    who: str, part: Count, whole: Count, bar: Bar, by_area: bool, by_owners: bool
) -> list[str]:
    """The conditions ``part`` of ``whole`` misses, in words."""
    missed = []
    if not by_area:
        missed.append(
            f"{who} hold {square_metres(part.area_dm2)} of {square_metres(whole.area_dm2)} "
            f"({part.area_dm2}/{whole.area_dm2}), {bar} needed"
        )
    if not by_owners:
        missed.append(f"{who} are {part.owners} of {whole.owners} owners, {bar} needed")
    return missed


def tally(electorate: Electorate, ballots: Mapping[str, Choice], matter: Matter) -> Tally:
    """Count the current ballot of each unit (unit id -> choice) under ``matter``'s bar."""
    counts = {choice: Count() for choice in Choice}
    participating, ignored = Count(), 0
    for unit_id, choice in ballots.items():
        area = electorate.areas.get(unit_id)
        if area is None:
            ignored += 1
            continue
        counts[choice] = counts[choice].plus(area)
        participating = participating.plus(area)
    agree = counts[Choice.agree]
    everyone = Count(electorate.owner_count, electorate.total_area_dm2)
    bar = approval_bar(matter)
    quorum_by_area = QUORUM.met(participating.area_dm2, everyone.area_dm2)
    quorum_by_owners = QUORUM.met(participating.owners, everyone.owners)
    approved_by_area = bar.met(agree.area_dm2, participating.area_dm2)
    approved_by_owners = bar.met(agree.owners, participating.owners)
    if not (quorum_by_area and quorum_by_owners):
        missed = _shortfalls(
            "the owners who took part",
            participating,
            everyone,
            QUORUM,
            quorum_by_area,
            quorum_by_owners,
        )
        reason = "Not passed: too few owners took part: " + "; ".join(missed)
    elif not (approved_by_area and approved_by_owners):
        missed = _shortfalls(
            "the owners who agreed", agree, participating, bar, approved_by_area, approved_by_owners
        )
        reason = "Not passed: too few owners agreed: " + "; ".join(missed)
    else:
        reason = (
            f"Passed: owners holding {participating.area_dm2}/{everyone.area_dm2} of the area, "
            f"{participating.owners}/{everyone.owners} of the owners, took part ({QUORUM} "
            f"needed); of them {agree.area_dm2}/{participating.area_dm2} by area and "
            f"{agree.owners}/{participating.owners} by owners agreed ({bar} needed)"
        )
    return Tally(
        matter=matter,
        electorate=electorate,
        participating=participating,
        agree=agree,
        disagree=counts[Choice.disagree],
        abstain=counts[Choice.abstain],
        ignored_ballots=ignored,
        quorum_by_area=quorum_by_area,
        quorum_by_owners=quorum_by_owners,
        approved_by_area=approved_by_area,
        approved_by_owners=approved_by_owners,
        reason=reason,
    )
