"""``/api/community/proposals`` and ``/api/community/ratings``: votes and ratings.

Operators and admins open proposals and read the history of every cast; owners vote for
their units; members of households that use a service rate it. Times go in as ISO 8601
(without an offset: the community's time zone) and come out as ISO 8601 in UTC. A ballot
is committed to the database before the voter is told it counts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from aiohttp import web

from ...auth.permissions import Action
from ...community.proposals import (
    BallotEntry,
    BallotRefused,
    InvalidProposal,
    ProposalEntry,
)
from ...community.ratings import RatingEntry, RatingRefused
from .. import access
from ..view import (
    ApiError,
    caller,
    field_of,
    hub_of,
    invalid,
    json_response,
    not_found,
    only_fields,
    parse_time,
    read_object,
)

routes = web.RouteTableDef()

PROPOSALS: Final = "/api/community/proposals"
PROPOSAL: Final = PROPOSALS + "/{proposal_id}"
RATINGS: Final = "/api/community/ratings"

PROPOSAL_FIELDS: Final = (
    "title",
    "description",
    "matter",
    "domain",
    "action",
    "funding_model",
    "amount_fen",
    "opens_at",
    "closes_at",
)
_SHOWN_FIELDS: Final = ("id", *PROPOSAL_FIELDS, "created_by", "status", "decided_at", "created_at")
_TIMES: Final = frozenset({"opens_at", "closes_at", "decided_at", "created_at"})
# The HTTP status of each refusal (by its code); any other refusal is a 400.
_REFUSAL_STATUS: Final = {
    "not_owner": 403,
    "not_a_user": 403,
    "voting_not_open": 409,
    "voting_closed": 409,
    "not_enabled": 409,
}


def _iso(timestamp: float | None) -> str | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC).isoformat()


def _refused(error: BallotRefused | RatingRefused) -> ApiError:
    status = _REFUSAL_STATUS.get(error.code, 400)
    code = error.code if status != 400 else "invalid_format"
    return ApiError(status, code, str(error), error.field)


def proposal_json(proposal: ProposalEntry, now: float) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in _SHOWN_FIELDS:
        value = getattr(proposal, name)
        data[name] = _iso(value) if name in _TIMES else value
    return {**data, "voting_open": proposal.voting_open(now)}


def ballot_json(ballot: BallotEntry, address: str | None) -> dict[str, Any]:
    return {
        "proposal_id": ballot.proposal_id,
        "seq": ballot.seq,
        "unit_id": ballot.unit_id,
        "address": address,  # None: the unit was removed since
        "user_id": ballot.user_id,
        "choice": ballot.choice,
        "cast_at": _iso(ballot.cast_at),
    }


def rating_json(rating: RatingEntry) -> dict[str, Any]:
    return {
        "id": rating.id,
        "domain": rating.domain,
        "score": rating.score,
        "comment": rating.comment,
        "rated_at": _iso(rating.modified_at),
    }


def _time_field(body: dict[str, Any], name: str, zone: ZoneInfo) -> float | None:
    """``body[name]``, an ISO 8601 time (in ``zone`` without an offset), in epoch seconds."""
    text = field_of(body, name, str)
    return None if text is None else parse_time(text, f"Field '{name}'", name, zone).timestamp()


def _nullable(body: dict[str, Any], name: str) -> str | None:
    return None if body.get(name) is None else field_of(body, name, str)


def _proposal(request: web.Request) -> ProposalEntry:
    proposal_id = request.match_info["proposal_id"]
    proposal = hub_of(request).governance.proposals.get(proposal_id)
    if proposal is None:
        raise not_found(f"Proposal {proposal_id!r} not found")
    return proposal


@routes.post(PROPOSALS)
async def open_proposal(request: web.Request) -> web.Response:
    access.require(request, Action.create_proposal)
    hub = hub_of(request)
    body = await read_object(request, "The proposal")
    only_fields(body, PROPOSAL_FIELDS)
    zone = ZoneInfo(hub.config.time_zone)
    closes_at = _time_field(body, "closes_at", zone)
    if closes_at is None:
        raise invalid("Field 'closes_at' is required: when voting ends", "closes_at")
    try:
        proposal = hub.governance.propose(
            title=field_of(body, "title", str, required=True),
            description=field_of(body, "description", str) or "",
            matter=field_of(body, "matter", str, required=True),
            domain=_nullable(body, "domain"),
            action=_nullable(body, "action"),
            funding_model=_nullable(body, "funding_model"),
            amount_fen=field_of(body, "amount_fen", int) or 0,
            opens_at=_time_field(body, "opens_at", zone),
            closes_at=closes_at,
            created_by=caller(request).user_id,
        )
    except InvalidProposal as error:
        raise invalid(str(error), error.field) from None
    await hub.database.flush()
    return json_response(proposal_json(proposal, hub.clock.time()), 201)


@routes.get(PROPOSALS)
async def list_proposals(request: web.Request) -> web.Response:
    """Every proposal, newest first."""
    access.require(request, Action.read_proposals)
    hub = hub_of(request)
    now = hub.clock.time()
    proposals = reversed(list(hub.governance.proposals))
    return json_response([proposal_json(proposal, now) for proposal in proposals])


@routes.get(PROPOSAL)
async def get_proposal(request: web.Request) -> web.Response:
    """A proposal with its tally (the decision's, or the count so far while it is open),
    and the caller's current ballots on it: one per unit they own that has voted."""
    access.require(request, Action.read_proposals)
    hub = hub_of(request)
    proposal = _proposal(request)
    governance = hub.governance
    choices = governance.current_choices(proposal.id)
    mine = [
        {"unit_id": unit.id, "address": unit.address, "choice": choices[unit.id]}
        for unit in governance.units_owned_by(caller(request).user_id)
        if unit.id in choices
    ]
    return json_response(
        {
            **proposal_json(proposal, hub.clock.time()),
            "tally": governance.tally_of(proposal),
            "my_ballots": mine,
        }
    )


@routes.post(PROPOSAL + "/ballots")
async def cast_ballot(request: web.Request) -> web.Response:
    """Cast or change the ballot of a unit the caller owns (the governance module checks
    that they own one)."""
    access.require(request, Action.vote)
    hub = hub_of(request)
    proposal = _proposal(request)
    body = await read_object(request, "The ballot")
    choice = field_of(body, "choice", str, required=True)
    unit_id = _nullable(body, "unit_id")
    try:
        ballot = hub.governance.cast(proposal.id, caller(request).user_id, choice, unit_id)
    except BallotRefused as error:
        raise _refused(error) from None
    await hub.database.flush()  # the ballot and its audit record are committed
    unit = hub.community.units.get(ballot.unit_id)
    return json_response(ballot_json(ballot, unit.address if unit else None), 201)


@routes.get(PROPOSAL + "/ballots/history")
async def ballot_history(request: web.Request) -> web.Response:
    """Every cast on the proposal, in the order cast (for operators and admins)."""
    access.require(request, Action.read_ballots)
    hub = hub_of(request)
    units = hub.community.units
    ballots = await hub.governance.history(_proposal(request).id)
    return json_response(
        [
            ballot_json(ballot, unit.address if (unit := units.get(ballot.unit_id)) else None)
            for ballot in ballots
        ]
    )


@routes.post(RATINGS)
async def rate_service(request: web.Request) -> web.Response:
    """Rate a service the caller's household uses (the governance module checks that)."""
    access.require(request, Action.rate_service)
    hub = hub_of(request)
    body = await read_object(request, "The rating")
    domain = field_of(body, "domain", str, required=True)
    score = field_of(body, "score", int, required=True)
    comment = _nullable(body, "comment")
    ratings = hub.governance.ratings
    try:
        rating = ratings.rate(caller(request).user_id, domain, score, comment)
    except RatingRefused as error:
        raise _refused(error) from None
    await hub.database.flush()
    summary = ratings.summary(domain).as_json(ratings.bar)
    return json_response({**rating_json(rating), "summary": summary}, 201)


@routes.get(RATINGS + "/{domain}")
async def rating_summary(request: web.Request) -> web.Response:
    """The average rating of a service over the bar's window, and how many ratings."""
    access.require(request, Action.read_ratings)
    hub = hub_of(request)
    domain = request.match_info["domain"]
    ratings = hub.governance.ratings
    summary = ratings.summary(domain)
    if summary.count == 0 and hub.integrations.catalog.get(domain) is None:
        raise not_found(f"Integration {domain!r} not found")
    return json_response(summary.as_json(ratings.bar))
