"""``/api/privacy``: consent for protected data, data subjects, a household's export, and
the audit trail.

- ``POST /api/privacy/consents`` ``{member_id, category, scope}`` gives consent (``scope``
  defaults to "all"); 201 with the consent, or 200 with the active one already given.
- ``GET /api/privacy/consents[?member_id=]`` lists consents, active and withdrawn.
- ``DELETE /api/privacy/consents/{consent_id}`` withdraws one:
  ``{"consent": {...}, "erased": {"entity_ids": [...], "states": N, "statistics": N}}``.
- ``POST /api/privacy/subjects`` ``{target, member_id}`` names whose data a device (its
  id) or an entity (its entity_id) collects.
- ``GET /api/privacy/households/{household_id}/export``: the household's data, one JSON file.
- ``GET /api/privacy/audit[?after_seq=&limit=&kind=]`` and ``GET /api/privacy/audit/verify``.

Who may give or withdraw consent is the consent module's rule (:mod:`linli.community.consent`);
who may read consents, the audit log or a household's export the permission rules'
(:mod:`linli.auth.permissions`). A household exports its own data; an admin may export any
household's, without its protected data (the current states and history of entities whose
history the admin may not read).
"""

from __future__ import annotations

from typing import Any, Final

import orjson
import sqlalchemy as sa
from aiohttp import web
from sqlalchemy.orm import Session

from ...audit import AuditRecord
from ...auth.permissions import Action
from ...community.consent import (
    ALL_INTEGRATIONS,
    ConsentError,
    ConsentRefused,
    ConsentWithdrawn,
)
from ...community.export import audit_record_json, export_household, plain_record
from ...storage.community_schema import audit_log
from .. import access
from ..view import (
    JSON,
    ApiError,
    caller,
    field_of,
    hub_of,
    invalid,
    json_response,
    not_found,
    only_fields,
    query_whole_number,
    read_object,
)

routes = web.RouteTableDef()

CONSENT_FIELDS: Final = ("member_id", "category", "scope")
SUBJECT_FIELDS: Final = ("target", "member_id")
DEFAULT_AUDIT_LIMIT: Final = 100
MAX_AUDIT_LIMIT: Final = 1000


def _refused(error: ConsentError | ConsentRefused) -> ApiError:
    if isinstance(error, ConsentRefused):
        return ApiError(403, "forbidden", str(error))
    if isinstance(error, ConsentWithdrawn):
        return ApiError(409, "already_withdrawn", str(error))
    return invalid(str(error), error.field)


@routes.post("/api/privacy/consents")
async def give_consent(request: web.Request) -> web.Response:
    body = await read_object(request, "The consent")
    only_fields(body, CONSENT_FIELDS)
    member_id = field_of(body, "member_id", str, required=True)
    category = field_of(body, "category", str, required=True)
    scope = field_of(body, "scope", str) or ALL_INTEGRATIONS
    hub = hub_of(request)
    try:
        consent, new = hub.consent.give(member_id, category, scope, caller(request).user_id)
    except (ConsentError, ConsentRefused) as error:
        raise _refused(error) from None
    await hub.database.flush()
    return json_response(plain_record(consent), 201 if new else 200)


@routes.get("/api/privacy/consents")
async def list_consents(request: web.Request) -> web.Response:
    """The consents of ``member_id``, or of every member whose consents the caller may
    see: of their household and of whom they care for (an admin: of all members)."""
    hub = hub_of(request)
    who = access.who(request)
    member_id = request.query.get("member_id")
    if member_id is not None:
        member = hub.community.members.get(member_id)
        if member is None or not who.may(Action.read_consents, member):
            raise not_found(f"Member {member_id!r} not found")
        members = [member]
    else:
        members = [m for m in hub.community.members if who.may(Action.read_consents, m)]
    return json_response(
        [
            plain_record(consent)
            for member in members
            for consent in hub.consent.consents.of_member(member.id)
        ]
    )


@routes.delete("/api/privacy/consents/{consent_id}")
async def withdraw_consent(request: web.Request) -> web.Response:
    """Withdraw a consent: collection stops, and what was kept is erased."""
    hub = hub_of(request)
    consent_id = request.match_info["consent_id"]
    if hub.consent.consents.get(consent_id) is None:
        raise not_found(f"Consent {consent_id!r} not found")
    try:
        withdrawal = await hub.consent.withdraw(consent_id, caller(request).user_id)
    except (ConsentError, ConsentRefused) as error:
        raise _refused(error) from None
    await hub.database.flush()
    return json_response(
        {
            "consent": plain_record(withdrawal.consent),
            "erased": {
                "entity_ids": list(withdrawal.erased_entity_ids),
                "states": withdrawal.states,
                "statistics": withdrawal.statistics,
            },
        }
    )


@routes.post("/api/privacy/subjects")
async def assign_subject(request: web.Request) -> web.Response:
    """Name the member whose data a device or an entity collects."""
    body = await read_object(request, "The data subject")
    only_fields(body, SUBJECT_FIELDS)
    target = field_of(body, "target", str, required=True)
    member_id = field_of(body, "member_id", str, required=True)
    hub = hub_of(request)
    try:
        subject = hub.consent.assign(target, member_id, caller(request).user_id)
    except (ConsentError, ConsentRefused) as error:
        raise _refused(error) from None
    await hub.database.flush()
    return json_response(plain_record(subject))


@routes.get("/api/privacy/households/{household_id}/export")
async def export(request: web.Request) -> web.Response:
    """All of a household's data as one JSON file (sent as an attachment)."""
    hub = hub_of(request)
    household_id = request.match_info["household_id"]
    household = hub.community.households.get(household_id)
    if household is None:
        raise not_found(f"Household {household_id!r} not found")
    access.require(request, Action.export_household, household)
    document = _without_what_is_hidden(request, await export_household(hub, household.id))
    return web.Response(
        body=orjson.dumps(document),
        content_type=JSON,
        headers={"Content-Disposition": f'attachment; filename="household-{household.id}.json"'},
    )


def _without_what_is_hidden(request: web.Request, document: dict[str, Any]) -> dict[str, Any]:
    """The export without the states and history of the entities whose history the caller
    may not read (an admin's export of a household: its protected data)."""
    who = access.who(request)
    hidden = {
        entity["entity_id"]
        for entity in document["entities"]
        if not who.may(Action.read_history, entity["entity_id"])
    }
    if hidden:
        document["entities"] = [
            {**entity, "state": None} if entity["entity_id"] in hidden else entity
            for entity in document["entities"]
        ]
        document["history"] = {
            entity_id: states
            for entity_id, states in document["history"].items()
            if entity_id not in hidden
        }
    return document


@routes.get("/api/privacy/audit")
async def audit_records(request: web.Request) -> web.Response:
    """``{"records": [...], "next_after_seq": N | null}``: up to ``limit`` records after
    ``after_seq`` (of ``kind``), oldest first; ``next_after_seq`` asks for the next page."""
    access.require(request, Action.read_audit)
    after_seq = query_whole_number(request, "after_seq", 0, 0, 2**62)
    limit = query_whole_number(request, "limit", DEFAULT_AUDIT_LIMIT, 1, MAX_AUDIT_LIMIT)
    query = (
        sa.select(audit_log).where(audit_log.c.seq > after_seq).order_by(audit_log.c.seq)
    ).limit(limit)
    if (kind := request.query.get("kind")) is not None:
        query = query.where(audit_log.c.kind == kind)

    def read(session: Session) -> list[AuditRecord]:
        return [AuditRecord(*row) for row in session.execute(query)]

    records = await hub_of(request).database.read(read)
    return json_response(
        {
            "records": [audit_record_json(record) for record in records],
            "next_after_seq": records[-1].seq if len(records) == limit else None,
        }
    )


@routes.get("/api/privacy/audit/verify")
async def verify_audit(request: web.Request) -> web.Response:
    """``{"ok", "records", "head", "problem"}``: the chain checked from its first record;
    ``records`` and ``head`` are those of the records that hold."""
    access.require(request, Action.read_audit)
    verification = await hub_of(request).audit.verify()
    return json_response(
        {
            "ok": verification.ok,
            "records": verification.checked,
            "head": verification.head,
            "problem": verification.problem,
        }
    )
