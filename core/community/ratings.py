"""Residents' ratings of the services their community runs, and the vote they can call.

A member of a household that uses a service rates it 1 to 5, with an optional comment. A
household uses a service when an entry or a device of the integration belongs to it, or
when the integration has an entry for the whole community (a locker bank, a charger site);
the integration must be running by the community's vote.

Each user has one rating of a service per period of 30 days: rating it again within the
period replaces their rating (the latest counts); after it, a new rating adds to the
others. The average over the last 90 days is held against the community's bar (default:
under 3.0 over at least 10 ratings): a service that falls under it is put back to a vote,
once (the hub opens a proposal to disable it, not again while that one is open).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final

from ..exceptions import LinliError, RegistryError
from ..registry.base import Registry, new_id
from ..storage import governance_schema
from .matters import GOVERNED_TYPES

if TYPE_CHECKING:
    from ..hub import Hub
    from .proposals import Governance

EVENT_RATING_REGISTRY_UPDATED: Final = "rating_registry_updated"
RATING_PERIOD: Final = timedelta(days=30)
SCORES: Final = range(1, 6)
COMMENT_LENGTH: Final = 1000


@dataclass(frozen=True, slots=True)
class RatingBar:
    """A service whose average falls under ``below`` over at least ``at_least`` ratings
    within ``window`` is put back to a vote."""

    below: Fraction = Fraction(3)
    at_least: int = 10
    window: timedelta = timedelta(days=90)


class RatingRefused(LinliError):
    """A rating the hub does not take; ``code`` says why: ``invalid_format``,
    ``not_enabled`` (the service does not run), ``not_a_user`` (the rater's household
    does not use it)."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


@dataclass(frozen=True, slots=True, kw_only=True)
class RatingEntry:
    id: str
    domain: str
    user_id: str
    score: int
    comment: str | None
    created_at: float  # the start of its rating period
    modified_at: float  # when it was last given: this places it in the window


@dataclass(frozen=True, slots=True)
class RatingSummary:
    """The ratings of a service within the bar's window."""

    domain: str
    count: int
    total: int  # the sum of the scores
    below_bar: bool

    @property
    def average(self) -> Fraction | None:
        return Fraction(self.total, self.count) if self.count else None

    def as_json(self, bar: RatingBar) -> dict[str, Any]:
        average = self.average
        return {
            "domain": self.domain,
            "count": self.count,
            "total": self.total,
            "average": None if average is None else round(float(average), 2),
            "window_days": bar.window.days,
            "bar": {"below": str(bar.below), "at_least": bar.at_least},
            "below_bar": self.below_bar,
        }


class RatingRegistry(Registry[RatingEntry]):
    record_name = "Rating"
    event_type = EVENT_RATING_REGISTRY_UPDATED
    event_id_key = "rating_id"
    indexed_fields = ("domain",)

    def __init__(self, hub: Hub) -> None:
        super().__init__(hub, governance_schema.ratings, RatingEntry, {})

    def of_service(self, domain: str) -> list[RatingEntry]:
        return self._select("domain", domain)

    def describe(self, record: RatingEntry) -> str:
        return f"rating of {record.domain}"

    def give(self, domain: str, user_id: str, score: int, comment: str | None) -> RatingEntry:
        """Add ``user_id``'s rating, or replace theirs of the current period."""
        now = self.hub.clock.time()
        period_start = now - RATING_PERIOD.total_seconds()
        for rating in self.of_service(domain):
            if rating.user_id == user_id and rating.created_at > period_start:
                return self._change(rating, {"score": score, "comment": comment})
        return self._add(
            RatingEntry(
                id=new_id(),
                domain=domain,
                user_id=user_id,
                score=score,
                comment=comment,
                created_at=now,
                modified_at=now,
            )
        )

    def _check(self, record: RatingEntry) -> None:
        if record.score not in SCORES:
            raise RegistryError(f"A score is 1 to 5, got {record.score!r}")


class Ratings:
    """The ratings of the community's services (``hub.governance.ratings``)."""

    def __init__(self, hub: Hub, governance: Governance) -> None:
        self.hub = hub
        self.registry = RatingRegistry(hub)
        self.bar = RatingBar()
        self._governance = governance

    async def load(self) -> None:
        await self.registry.load()

    def rate(
        self, user_id: str, domain: str, score: Any, comment: str | None = None
    ) -> RatingEntry:
        """Record a rating; a service that falls under the bar is put back to a vote."""
        if not isinstance(score, int) or isinstance(score, bool) or score not in SCORES:
            raise RatingRefused("invalid_format", f"A score is 1 to 5, got {score!r}", "score")
        if comment is not None and len(comment) > COMMENT_LENGTH:
            raise RatingRefused(
                "invalid_format",
                f"A comment has at most {COMMENT_LENGTH} characters, got {len(comment)}",
                "comment",
            )
        self._check_rater(user_id, domain)
        rating = self.registry.give(domain, user_id, score, (comment or "").strip() or None)
        summary = self.summary(domain)
        if summary.below_bar:
            self._governance.propose_disable(
                domain,
                f"Residents rate {domain} {summary.total / summary.count:.2f} on average over "
                f"{summary.count} ratings in {self.bar.window.days} days, under the "
                f"community's bar of {self.bar.below}: should it stop?",
            )
        return rating

    def summary(self, domain: str) -> RatingSummary:
        since = self.hub.clock.time() - self.bar.window.total_seconds()
        scores = [r.score for r in self.registry.of_service(domain) if r.modified_at >= since]
        count, total = len(scores), sum(scores)
        below = count >= self.bar.at_least and total < self.bar.below * count
        return RatingSummary(domain, count, total, below)

    def _check_rater(self, user_id: str, domain: str) -> None:
        """Refuse unless ``domain`` is a running service that the user's household uses."""
        integration = self.hub.integrations.catalog.get(domain)
        if integration is None or integration.manifest.integration_type not in GOVERNED_TYPES:
            raise RatingRefused(
                "invalid_format", f"{domain!r} is not a service of this hub", "domain"
            )
        if (refusal := self._governance.refusal(domain)) is not None:
            raise RatingRefused("not_enabled", f"{domain} cannot be rated: {refusal}", "domain")
        households = self.hub.community.households_of_user(user_id)
        if not households:
            raise RatingRefused(
                "not_a_user", f"Only households that use {domain} rate it: you are in none"
            )
        if not self._used_by(households, domain):
            raise RatingRefused(
                "not_a_user", f"Only households that use {domain} rate it, and yours does not"
            )

    def _used_by(self, households: set[str], domain: str) -> bool:
        entries = self.hub.config_entries.entries(domain)
        if any(entry.household_id is None or entry.household_id in households for entry in entries):
            return True
        entry_ids = {entry.id for entry in entries}
        return any(
            device.household_id in households and not entry_ids.isdisjoint(device.config_entry_ids)
            for device in self.hub.devices
        )
