"""Statements and the usage export: what households owe for paid services, by month.

- ``GET /api/households/{household_id}/statements/{month}``: the household's statement
  for ``month`` (``YYYY-MM``, the community's calendar month); no lines when it used
  nothing.
- ``GET /api/statements?month=YYYY-MM``: the statement of every household that used
  something that month, by household id.
- ``GET /api/usage/export?month=YYYY-MM``: every usage record of the month as CSV, for the
  operator's accounts (an attachment, ``usage-2026-11.csv``).

A statement is ``{household_id, month, total_fen, totals_by_service, lines}``, each line a
usage record (amounts in fen). A household's members see its statements (another's is not
found); operators and admins see every household's, list them all and export the records
(the permission rules' ``read_statements`` and ``export_usage``).
"""

from __future__ import annotations

from aiohttp import web

from ...auth.permissions import Action
from ...metering import Month
from .. import access
from ..view import hub_of, invalid, json_response, not_found

routes = web.RouteTableDef()


def _month(text: str | None) -> Month:
    """The month a request names; a 400 naming ``month`` when it is missing or malformed."""
    if text is None:
        raise invalid("The query parameter 'month' is required, e.g. month=2026-11", "month")
    try:
        return Month.parse(text)
    except ValueError as error:
        raise invalid(str(error), "month") from None


@routes.get("/api/households/{household_id}/statements/{month}")
async def household_statement(request: web.Request) -> web.Response:
    hub = hub_of(request)
    household_id = request.match_info["household_id"]
    household = hub.community.households.get(household_id)
    if household is None:
        raise not_found(f"Household {household_id!r} not found")
    access.require(request, Action.read_statements, household)
    month = _month(request.match_info["month"])
    return json_response((await hub.metering.statement(household.id, month)).as_dict())


@routes.get("/api/statements")
async def statements(request: web.Request) -> web.Response:
    access.require(request, Action.read_statements)
    month = _month(request.query.get("month"))
    found = await hub_of(request).metering.statements(month)
    return json_response([statement.as_dict() for statement in found])


@routes.get("/api/usage/export")
async def export_usage(request: web.Request) -> web.Response:
    access.require(request, Action.export_usage)
    month = _month(request.query.get("month"))
    return web.Response(
        text=await hub_of(request).metering.export_csv(month),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="usage-{month}.csv"'},
    )
