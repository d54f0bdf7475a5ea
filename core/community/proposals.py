"""Proposals, the ballots owners cast on them, their decision at the deadline, and the gate.

``hub.governance`` holds the community's proposals. Each names the matter it decides
(:mod:`linli.community.matters`), optionally an integration it enables or disables, and a
voting window. An owner casts one ballot per unit they own (co-owners share it: the latest
cast counts) and may change it until the window closes; every cast is kept. At the deadline
the proposal is decided by :func:`linli.community.tally.tally` over the current ballots,
also when the deadline passed while the hub was down (it is decided at the next start).

The gate: an integration of type device or service runs only while the latest passed
proposal about it enables it. A decision that changes that sets up or unloads its entries.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..clock import utc_from_timestamp
from ..config_entries.entry import ConfigEntryState
from ..const import EVENT_HUB_STOP
from ..events import Event, Unsubscribe
from ..exceptions import LinliError, RegistryError
from ..helpers.event import track_point_in_time
from ..loader.manifest import FUNDING_MODELS
from ..registry.base import Registry, coerce_enum, new_id
from ..registry.store import optional
from ..storage import governance_schema
from .export import exporter
from .households import HouseholdEntry, MemberRole
from .matters import GOVERNED_TYPES, INTEGRATION_MATTER, Matter
from .ratings import Ratings
from .tally import Choice, Electorate, Tally, tally
from .units import UnitEntry

if TYPE_CHECKING:
    from ..hub import Hub

EVENT_PROPOSAL_REGISTRY_UPDATED: Final = "proposal_registry_updated"
EVENT_BALLOT_CAST: Final = "ballot_cast"  # data: proposal_id (never the choice)
EVENT_PROPOSAL_DECIDED: Final = "proposal_decided"

TITLE_LENGTH: Final = 200
MAX_AMOUNT_FEN: Final = 10**14  # ¥1 trillion: more is a typing error (and overflows BIGINT)
DISABLE_VOTE_SECONDS: Final = 14 * 24 * 3600  # the window of a vote the ratings call
# What the audit log keeps of an opened proposal (its description is in the proposal).
_OPENED_FIELDS: Final = (
    "title",
    "matter",
    "domain",
    "action",
    "funding_model",
    "amount_fen",
    "opens_at",
    "closes_at",
)
_DOMAIN: Final = re.compile(r"^[a-z0-9_]+$")
# Entries in these states are being changed by someone else: a decision leaves them be.
_BUSY_STATES: Final = frozenset(
    {ConfigEntryState.setup_in_progress, ConfigEntryState.unload_in_progress}
)


class Action(StrEnum):
    """What a proposal does to its integration when it passes."""

    enable = "enable"
    disable = "disable"


class ProposalStatus(StrEnum):
    open = "open"  # not decided yet (its window may not have opened)
    passed = "passed"
    rejected = "rejected"


class InvalidProposal(RegistryError):
    """A proposal that cannot be made as given; ``field`` names the wrong one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class BallotRefused(LinliError):
    """A ballot the hub does not count; ``code`` names the rule it breaks:
    ``invalid_choice``, ``voting_not_open``, ``voting_closed``, ``not_owner``,
    ``unit_required``."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


@dataclass(frozen=True, slots=True, kw_only=True)
class ProposalEntry:
    id: str
    title: str
    description: str
    matter: Matter
    domain: str | None  # the integration it enables or disables; None: no integration
    action: Action | None
    funding_model: str | None  # one of linli.loader.manifest.FUNDING_MODELS
    amount_fen: int
    opens_at: float
    closes_at: float
    created_by: str | None  # the user who opened it; None: the hub (low ratings)
    status: ProposalStatus
    decided_at: float | None = None
    result: dict[str, Any] | None = None  # {"tally": ..., "electorate": ...} once decided
    created_at: float
    modified_at: float

    def voting_open(self, now: float) -> bool:
        return self.status is ProposalStatus.open and self.opens_at <= now < self.closes_at


@dataclass(frozen=True, slots=True)
class BallotEntry:
    """One cast; a unit's current ballot is its latest cast on the proposal."""

    proposal_id: str
    seq: int  # 1, 2, … per proposal, in the order cast
    unit_id: str
    user_id: str
    choice: Choice
    cast_at: float


def _enum(enum_type: type[Matter | Action], value: Any, field: str, where: str) -> Any:
    try:
        return coerce_enum(enum_type, value, field, where)
    except RegistryError as error:
        raise InvalidProposal(str(error), field) from None


class ProposalRegistry(Registry[ProposalEntry]):
    """Proposals, by id and by the integration they decide."""

    record_name = "Proposal"
    event_type = EVENT_PROPOSAL_REGISTRY_UPDATED
    event_id_key = "proposal_id"
    indexed_fields = ("domain",)

    def __init__(self, hub: Hub) -> None:
        super().__init__(
            hub,
            governance_schema.proposals,
            ProposalEntry,
            {"matter": Matter, "status": ProposalStatus, "action": optional(Action)},
        )

    def about(self, domain: str) -> list[ProposalEntry]:
        """The proposals that decide the integration ``domain``, oldest first."""
        return self._select("domain", domain)

    def undecided(self) -> list[ProposalEntry]:
        return [p for p in self._records.values() if p.status is ProposalStatus.open]

    def describe(self, record: ProposalEntry) -> str:
        return f"proposal {record.title!r}"

    def create(
        self,
        *,
        title: str,
        matter: Matter | str,
        closes_at: float,
        description: str = "",
        domain: str | None = None,
        action: Action | str | None = None,
        funding_model: str | None = None,
        amount_fen: int = 0,
        opens_at: float | None = None,
        created_by: str | None = None,
    ) -> ProposalEntry:
        """Add an open proposal; its window opens now unless ``opens_at`` says later."""
        where = f"proposal {title!r}"
        now = self.hub.clock.time()
        if closes_at <= now:
            raise InvalidProposal(
                f"The voting window must close in the future ({where})", "closes_at"
            )
        if domain is not None:
            self._check_integration(domain, funding_model, where)
        return self._add(
            ProposalEntry(
                id=new_id(),
                title=title.strip(),
                description=description.strip(),
                matter=_enum(Matter, matter, "matter", where),
                domain=domain,
                action=None if action is None else _enum(Action, action, "action", where),
                funding_model=funding_model,
                amount_fen=amount_fen,
                opens_at=now if opens_at is None else opens_at,
                closes_at=closes_at,
                created_by=created_by,
                status=ProposalStatus.open,
                created_at=now,
                modified_at=now,
            )
        )

    def decide(
        self, proposal_id: str, status: ProposalStatus, result: dict[str, Any]
    ) -> ProposalEntry:
        proposal = self.require(proposal_id)
        changes = {"status": status, "decided_at": self.hub.clock.time(), "result": result}
        return self._change(proposal, changes)

    def _check_integration(self, domain: str, funding_model: str | None, where: str) -> None:
        """An installed integration must be one that needs a vote, funded as it offers.

        An integration not installed yet may be proposed: communities vote before the
        operator installs it.
        """
        integration = self.hub.integrations.catalog.get(domain)
        if integration is None:
            return
        manifest = integration.manifest
        if manifest.integration_type not in GOVERNED_TYPES:
            raise InvalidProposal(
                f"Integration {domain} is a {manifest.integration_type} integration: it runs "
                f"without a vote ({where})",
                "domain",
            )
        if funding_model is not None and manifest.funding and funding_model not in manifest.funding:
            raise InvalidProposal(
                f"Integration {domain} is offered under the funding models "
                f"{', '.join(manifest.funding)}, not {funding_model!r} ({where})",
                "funding_model",
            )

    def _check(self, record: ProposalEntry) -> None:
        where = self.describe(record)
        if not record.title or len(record.title) > TITLE_LENGTH:
            raise InvalidProposal(
                f"A proposal needs a title of 1 to {TITLE_LENGTH} characters", "title"
            )
        if record.closes_at <= record.opens_at:
            raise InvalidProposal(
                f"The voting window must close after it opens ({where})", "closes_at"
            )
        if record.domain is not None and not _DOMAIN.match(record.domain):
            raise InvalidProposal(
                f"{record.domain!r} is not an integration domain: expected lower-case letters, "
                f"digits and _ ({where})",
                "domain",
            )
        if (record.domain is None) != (record.action is None):
            missing = "action" if record.action is None else "domain"
            raise InvalidProposal(
                "A proposal about an integration names both the integration (domain) and "
                f"what to do with it (action: enable or disable) ({where})",
                missing,
            )
        if record.funding_model is not None and record.funding_model not in FUNDING_MODELS:
            raise InvalidProposal(
                f"{record.funding_model!r} is not a funding model: expected one of "
                f"{', '.join(FUNDING_MODELS)} ({where})",
                "funding_model",
            )
        if not 0 <= record.amount_fen <= MAX_AMOUNT_FEN:
            raise InvalidProposal(
                f"The amount must be from 0 to {MAX_AMOUNT_FEN} fen ({where})", "amount_fen"
            )


def _ballot_rows(proposal_ids: Iterable[str]) -> Callable[[Session], list[BallotEntry]]:
    """A query for every cast on the proposals ``proposal_ids``, in the order cast."""
    table = governance_schema.ballots
    ids = list(proposal_ids)

    def query(session: Session) -> list[BallotEntry]:
        select = sa.select(table).where(table.c.proposal_id.in_(ids))
        rows = session.execute(select.order_by(table.c.proposal_id, table.c.seq)).mappings()
        return [BallotEntry(**{**row, "choice": Choice(row["choice"])}) for row in rows]

    return query


class Governance:
    """The community's votes and what they decide (``hub.governance``)."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.proposals = ProposalRegistry(hub)
        self.ratings = Ratings(hub, self)
        #: False only for tests of integrations: every integration then runs without a vote.
        self.votes_required = hub.config.votes_required
        # Per undecided proposal: the current ballot of each unit, and the casts so far.
        self._ballots: dict[str, dict[str, BallotEntry]] = {}
        self._casts: dict[str, int] = {}
        self._deadlines: dict[str, Unsubscribe] = {}
        hub.bus.listen(EVENT_HUB_STOP, self._disarm_all)

    async def load(self) -> None:
        """Read the proposals, ratings and the ballots of undecided proposals."""
        await asyncio.gather(self.proposals.load(), self.ratings.load())
        undecided = [proposal.id for proposal in self.proposals.undecided()]
        for proposal_id in undecided:
            self._ballots[proposal_id], self._casts[proposal_id] = {}, 0
        for ballot in await self.hub.database.read(_ballot_rows(undecided)):
            self._remember(ballot)

    def start(self) -> None:
        """Decide the proposals whose deadline passed while the hub was down; arm the others.

        Runs once the community and the audit log are loaded and before the config entries
        are set up, which then ask the gate.
        """
        now = self.hub.clock.time()
        for proposal in self.proposals.undecided():
            if proposal.closes_at <= now:
                self._decide(proposal)
            else:
                self._arm(proposal)

    # -- proposals -----------------------------------------------------------------------------

    def propose(self, **fields: Any) -> ProposalEntry:
        """Open a proposal (fields of :meth:`ProposalRegistry.create`); it is decided at its
        deadline."""
        proposal = self.proposals.create(**fields)
        self._ballots[proposal.id], self._casts[proposal.id] = {}, 0
        self._arm(proposal)
        opened = {name: getattr(proposal, name) for name in _OPENED_FIELDS}
        self.hub.audit.append(
            "proposal_opened", proposal.created_by, {"proposal_id": proposal.id, **opened}
        )
        return proposal

    def propose_disable(self, domain: str, description: str) -> ProposalEntry | None:
        """Put a running integration back to a vote for two weeks under the matter that
        enabled it; None if a proposal to disable it is open already."""
        if any(
            p.status is ProposalStatus.open and p.action is Action.disable
            for p in self.proposals.about(domain)
        ):
            return None
        enabled_by = self.latest_passed(domain)
        integration = self.hub.integrations.catalog.get(domain)
        name = integration.manifest.name if integration is not None else domain
        return self.propose(
            title=f"Disable {name}",
            description=description,
            matter=enabled_by.matter if enabled_by is not None else Matter.other,
            domain=domain,
            action=Action.disable,
            closes_at=self.hub.clock.time() + DISABLE_VOTE_SECONDS,
        )

    def tally_of(self, proposal: ProposalEntry) -> dict[str, Any]:
        """The decision's tally; for an undecided proposal, the count so far."""
        if proposal.result is not None:
            return proposal.result["tally"]
        choices = self.current_choices(proposal.id)
        return tally(self.electorate(choices), choices, proposal.matter).as_json()

    def current_choices(self, proposal_id: str) -> dict[str, Choice]:
        """unit id -> current choice, of an undecided proposal."""
        return {unit: ballot.choice for unit, ballot in self._ballots.get(proposal_id, {}).items()}

    def electorate(self, voted: Iterable[str]) -> Electorate:
        """The electorate now: every unit's area counts toward the total; each unit with an
        owner (or a ballot cast by one) is one owner in the headcount."""
        units, members = self.hub.community.units, self.hub.community.members
        areas = {unit_id: unit.area_dm2 for unit_id in voted if (unit := units.get(unit_id))}
        owners = {unit.id for unit in units if members.owners_of_unit(unit.id)}
        return Electorate(units.total_area_dm2(), len(owners | areas.keys()), areas)

    async def history(self, proposal_id: str) -> list[BallotEntry]:
        """Every cast on a proposal, in the order cast (read from the database)."""
        self.proposals.require(proposal_id)
        return await self.hub.database.read(_ballot_rows([proposal_id]))

    async def recount(self, proposal_id: str) -> Tally:
        """Count the stored ballots again: against the electorate stored with the decision,
        or, for an undecided proposal, against the electorate now."""
        proposal = self.proposals.require(proposal_id)
        choices = {ballot.unit_id: ballot.choice for ballot in await self.history(proposal_id)}
        if proposal.result is not None:
            electorate = Electorate.from_json(proposal.result["electorate"])
        else:
            electorate = self.electorate(choices)
        return tally(electorate, choices, proposal.matter)

    def _decide(self, proposal: ProposalEntry) -> ProposalEntry:
        """Count the current ballots, record the decision and append it to the audit log."""
        self._disarm(proposal.id)
        choices = self.current_choices(proposal.id)
        del self._ballots[proposal.id], self._casts[proposal.id]
        electorate = self.electorate(choices)
        counted = tally(electorate, choices, proposal.matter)
        status = ProposalStatus.passed if counted.passed else ProposalStatus.rejected
        result = {"tally": counted.as_json(), "electorate": electorate.as_json()}
        decided = self.proposals.decide(proposal.id, status, result)
        summary = {"proposal_id": proposal.id, "domain": proposal.domain, "action": proposal.action}
        self.hub.audit.append(
            "proposal_decided",
            None,
            {**summary, "title": proposal.title, "status": status, **result},
        )
        self.hub.bus.fire(EVENT_PROPOSAL_DECIDED, {**summary, "status": status})
        return decided

    def _arm(self, proposal: ProposalEntry) -> None:
        async def deadline(_now: datetime) -> None:
            self._deadlines.pop(proposal.id, None)
            current = self.proposals.get(proposal.id)
            if current is not None and current.status is ProposalStatus.open:
                decided = self._decide(current)
                if decided.status is ProposalStatus.passed and decided.domain is not None:
                    await self._apply_gate(decided.domain)

        when = utc_from_timestamp(proposal.closes_at)
        self._deadlines[proposal.id] = track_point_in_time(self.hub, deadline, when)

    def _disarm(self, proposal_id: str) -> None:
        if (cancel := self._deadlines.pop(proposal_id, None)) is not None:
            cancel()

    def _disarm_all(self, _event: Event) -> None:
        for proposal_id in list(self._deadlines):
            self._disarm(proposal_id)

    # -- ballots -------------------------------------------------------------------------------

    def cast(
        self, proposal_id: str, user_id: str, choice: str, unit_id: str | None = None
    ) -> BallotEntry:
        """Record ``user_id``'s ballot for a unit they own (``unit_id`` may be left out when
        they own one); it replaces the unit's earlier ballot, which stays in the history.

        Raises :class:`BallotRefused`. The ballot and its audit record are queued for the
        database: ``await hub.database.flush()`` before telling the voter it counts.
        """
        proposal = self.proposals.require(proposal_id)
        try:
            choice = Choice(choice)
        except ValueError:
            raise BallotRefused(
                "invalid_choice",
                f"{choice!r} is not a choice: expected {', '.join(Choice)}",
                "choice",
            ) from None
        now = self.hub.clock.time()
        self._check_window(proposal, now)
        unit_id = self._voting_unit(user_id, unit_id)
        ballot = BallotEntry(
            proposal.id, self._casts[proposal.id] + 1, unit_id, user_id, choice, now
        )
        self._remember(ballot)
        row = asdict(ballot)
        self.hub.database.write(
            lambda session: session.execute(sa.insert(governance_schema.ballots), row),
            f"ballot {ballot.seq} on {self.proposals.describe(proposal)}",
        )
        self.hub.audit.append(
            "ballot_cast",
            user_id,
            {"proposal_id": proposal.id, "seq": ballot.seq, "unit_id": unit_id, "choice": choice},
        )
        self.hub.bus.fire(EVENT_BALLOT_CAST, {"proposal_id": proposal.id})
        return ballot

    def units_owned_by(self, user_id: str) -> list[UnitEntry]:
        """The units ``user_id`` owns: those of the households where they are an owner."""
        community = self.hub.community
        unit_ids = {
            household.unit_id
            for member in community.members.of_user(user_id)
            if member.role is MemberRole.owner
            and (household := community.households.get(member.household_id)) is not None
            and household.unit_id is not None
        }
        return sorted(
            (community.units.require(unit_id) for unit_id in unit_ids), key=lambda u: u.address
        )

    def _remember(self, ballot: BallotEntry) -> None:
        self._ballots[ballot.proposal_id][ballot.unit_id] = ballot
        self._casts[ballot.proposal_id] = ballot.seq

    def _check_window(self, proposal: ProposalEntry, now: float) -> None:
        title = proposal.title
        if proposal.status is not ProposalStatus.open:
            raise BallotRefused(
                "voting_closed",
                f"Proposal {title!r} was decided ({proposal.status}) on "
                f"{self._local(proposal.decided_at or proposal.closes_at)}: voting is over",
            )
        if now < proposal.opens_at:
            raise BallotRefused(
                "voting_not_open",
                f"Voting on proposal {title!r} opens at {self._local(proposal.opens_at)}",
            )
        if now >= proposal.closes_at:
            raise BallotRefused(
                "voting_closed",
                f"Voting on proposal {title!r} closed at {self._local(proposal.closes_at)}",
            )

    def _voting_unit(self, user_id: str, unit_id: str | None) -> str:
        owned = self.units_owned_by(user_id)
        if not owned:
            raise BallotRefused("not_owner", "Only owners vote, and you own no unit")
        addresses = ", ".join(unit.address for unit in owned)
        if unit_id is None:
            if len(owned) == 1:
                return owned[0].id
            raise BallotRefused(
                "unit_required",
                f"You own {len(owned)} units ({addresses}): name the one you vote for in unit_id",
                "unit_id",
            )
        if unit_id not in {unit.id for unit in owned}:
            unit = self.hub.community.units.get(unit_id)
            named = f"unit {unit.address}" if unit is not None else f"a unit {unit_id!r}"
            raise BallotRefused(
                "not_owner", f"You are not an owner of {named}: you own {addresses}", "unit_id"
            )
        return unit_id

    # -- the gate ------------------------------------------------------------------------------

    def refusal(self, domain: str) -> str | None:
        """Why the integration ``domain`` may not run now; None when it may."""
        integration = self.hub.integrations.catalog.get(domain)
        if (
            not self.votes_required
            or integration is None  # the loader says what is wrong with it
            or integration.manifest.integration_type not in GOVERNED_TYPES
        ):
            return None
        latest = self.latest_passed(domain)
        if latest is not None and latest.action is Action.enable:
            return None
        if latest is not None:
            return (
                f"Integration {domain} was voted out: the proposal {latest.title!r} to disable "
                f"it passed on {self._local(latest.decided_at or latest.closes_at)}"
            )
        for proposal in self.proposals.about(domain):
            if proposal.status is ProposalStatus.open and proposal.action is Action.enable:
                return (
                    f"Integration {domain} has not been voted in yet: the proposal "
                    f"{proposal.title!r} to enable it is open for votes until "
                    f"{self._local(proposal.closes_at)}"
                )
        return (
            f"Integration {domain} has not been voted in: it needs a passed proposal to "
            f"enable it (matter: {INTEGRATION_MATTER})"
        )

    def may_run(self, domain: str) -> bool:
        return self.refusal(domain) is None

    def funding_model(self, domain: str) -> str:
        """How the community pays for the service ``domain`` (one of ``FUNDING_MODELS``):
        as the passed proposal that enabled it chose; when it chose none (or no vote was
        needed), the first model the integration's manifest offers; else ``market``."""
        latest = self.latest_passed(domain)
        if latest is not None and latest.action is Action.enable and latest.funding_model:
            return latest.funding_model
        integration = self.hub.integrations.catalog.get(domain)
        if integration is not None and integration.manifest.funding:
            return integration.manifest.funding[0]
        return "market"

    def latest_passed(self, domain: str) -> ProposalEntry | None:
        """The passed proposal that last decided whether ``domain`` runs, if any."""
        passed = [p for p in self.proposals.about(domain) if p.status is ProposalStatus.passed]
        return max(passed, key=lambda p: (p.decided_at or 0.0, p.closes_at), default=None)

    async def _apply_gate(self, domain: str) -> None:
        """Bring the entries of ``domain`` in line with the gate: set up those it now lets
        run, unload those it now stops (their state then says why)."""
        entries = self.hub.config_entries
        allowed = self.may_run(domain)
        for entry in entries.entries(domain):
            if entry.disabled_by is not None or entry.state in _BUSY_STATES:
                continue
            if not (allowed and entry.state is ConfigEntryState.loaded):
                await entries.reload(entry.id)

    def _local(self, timestamp: float) -> str:
        """A time in the community's time zone, as residents read it."""
        zone = ZoneInfo(self.hub.config.time_zone)
        return f"{datetime.fromtimestamp(timestamp, zone):%Y-%m-%d %H:%M} ({zone.key})"


@exporter("ballots")
async def _export_ballots(hub: Hub, household: HouseholdEntry) -> list[dict[str, Any]]:
    """Every ballot cast for the household's unit (changes included), oldest first, with
    the title of its proposal."""
    if household.unit_id is None:
        return []
    table = governance_schema.ballots
    query = sa.select(table).where(table.c.unit_id == household.unit_id)
    rows = await hub.database.read(
        lambda session: session.execute(query.order_by(table.c.cast_at, table.c.seq)).all()
    )
    proposals = hub.governance.proposals
    return [
        {
            "proposal_id": row.proposal_id,
            "proposal_title": getattr(proposals.get(row.proposal_id), "title", None),
            "seq": row.seq,
            "unit_id": row.unit_id,
            "user_id": row.user_id,
            "choice": row.choice,
            "cast_at": row.cast_at,
        }
        for row in rows
    ]
