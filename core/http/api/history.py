"""``/api/history``, ``/api/logbook`` and ``/api/statistics``: what the recorder kept.

All three read a window of time from the query (``start``, ``end``) and leave out, silently,
every entity whose history the caller may not read, as if it had none. The logbook's events
that concern no entity (hub started, an integration's events) are for operators and admins.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final, NamedTuple, cast
from zoneinfo import ZoneInfo

import orjson
from aiohttp import web

from ...auth.permissions import Action
from ...exceptions import InvalidEntityIdError
from ...recorder import history, logbook, statistics
from ...recorder.history import StateChange
from ...states import State, valid_entity_id
from .. import access
from ..view import hub_of, invalid, json_bytes_response, json_response, parse_time

routes = web.RouteTableDef()

DEFAULT_WINDOW: Final = timedelta(days=1)
PERIODS: Final = ("hour", "day", "month")
_TRUE: Final = frozenset({"true", "1"})
_FALSE: Final = frozenset({"false", "0"})


class Limit(NamedTuple):
    """The longest window an endpoint answers, and how an error message names it."""

    length: timedelta
    words: str


HISTORY_LIMIT: Final = Limit(timedelta(days=31), "31 days")
STATISTICS_LIMIT: Final = Limit(timedelta(days=5 * 365 + 2), "5 years")


class Query:
    """The query parameters of a request, read and checked; errors are 400s naming the
    parameter."""

    def __init__(self, request: web.Request) -> None:
        self.request = request
        self.values = request.query
        self.zone = ZoneInfo(hub_of(request).config.time_zone)
        self.now = hub_of(request).clock.now()

    def visible_ids(self, name: str) -> list[str] | None:
        """The comma-separated entity ids of ``name`` (repeating it adds more) whose history
        the caller may read, in order, without duplicates; None if absent."""
        ids = [
            part.strip()
            for value in self.values.getall(name, [])
            for part in value.split(",")
            if part.strip()
        ]
        if not ids:
            return None
        for entity_id in ids:
            if not valid_entity_id(entity_id):
                raise invalid(str(InvalidEntityIdError(entity_id)), name)
        who = access.who(self.request)
        return [
            entity_id for entity_id in dict.fromkeys(ids) if who.may(Action.read_history, entity_id)
        ]

    def required_visible_ids(self, name: str) -> list[str]:
        """Like :meth:`visible_ids`, but at least one id must be given (visible or not)."""
        ids = self.visible_ids(name)
        if ids is None:
            raise invalid(
                f"{name} is required: one or more entity ids separated by commas, "
                "e.g. sensor.gas,lock.gate",
                name,
            )
        return ids

    def when(self, name: str) -> datetime | None:
        """The aware datetime of ``name``; a naive one is in the hub's time zone."""
        value = self.values.get(name)
        return None if value is None else parse_time(value, name, name, self.zone)

    def window(self, limit: Limit) -> tuple[datetime, datetime]:
        """``start`` and ``end``: by default the day up to now (or up to ``end``)."""
        start = self.when("start")
        end = self.when("end")
        if start is None:
            start = (end or self.now) - DEFAULT_WINDOW
        if end is None:
            end = self.now
            if end < start:
                raise invalid(
                    f"start ({start.isoformat()}) must not be after end "
                    f"(by default now: {end.isoformat()})",
                    "start",
                )
        if end < start:
            raise invalid(
                f"end ({end.isoformat()}) must not be before start ({start.isoformat()})", "end"
            )
        if end - start > limit.length:
            days = (end - start) / timedelta(days=1)
            raise invalid(
                f"The window from start to end may be at most {limit.words} long, "
                f"got {days:.1f} days: ask for shorter windows one after another",
                "start",
            )
        return start, end

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        """``name``, one of ``choices``; ``default`` if absent."""
        value = self.values.get(name, default)
        if value not in choices:
            expected = ", ".join(choices[:-1]) + f" or {choices[-1]}"
            raise invalid(f"{name} must be {expected}, got {value!r}", name)
        return value

    def flag(self, name: str) -> bool:
        """``name`` as true/false/1/0; false if absent."""
        value = self.values.get(name, "false")
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise invalid(f"{name} must be true, false, 1 or 0, got {value!r}", name)


def _entry_json(entry: State | StateChange) -> bytes:
    if isinstance(entry, State):
        return entry.json  # the cached bytes, as /api/states sends them
    return orjson.dumps({"state": entry.state, "last_changed": entry.last_changed.isoformat()})


@routes.get("/api/history")
async def get_history(request: web.Request) -> web.Response:
    """``{entity_id: [state, …]}``: the state each entity was in at ``start``, then every
    write until ``end``; with ``minimal`` only changes of the state, as ``{state,
    last_changed}`` after the first."""
    query = Query(request)
    entity_ids = query.required_visible_ids("entity_id")
    start, end = query.window(HISTORY_LIMIT)
    minimal = query.flag("minimal")
    found: dict[str, list[State | StateChange]] = {}
    if entity_ids:
        found = await history.state_changes(
            hub_of(request), entity_ids, start, end, minimal=minimal
        )
    members = (
        orjson.dumps(entity_id) + b":[" + b",".join(map(_entry_json, entries)) + b"]"
        for entity_id, entries in found.items()
    )
    return json_bytes_response(b"{" + b",".join(members) + b"}")


@routes.get("/api/logbook")
async def get_logbook(request: web.Request) -> web.Response:
    """What happened from ``start`` to ``end``, oldest first; with ``entity_id`` only those
    entities' changes of state."""
    query = Query(request)
    entity_ids = query.visible_ids("entity_id")
    start, end = query.window(HISTORY_LIMIT)
    if entity_ids == []:
        return json_response([])
    entries = await logbook.entries(hub_of(request), start, end, entity_ids)
    who = access.who(request)
    events_visible = who.may(Action.read_events)
    return json_response(
        [
            entry.as_dict()
            for entry in entries
            if (
                events_visible
                if entry.entity_id is None
                else who.may(Action.read_history, entry.entity_id)
            )
        ]
    )


def _statistics_row(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "start": row["start"].isoformat(), "end": row["end"].isoformat()}


@routes.get("/api/statistics")
async def get_statistics(request: web.Request) -> web.Response:
    """``{statistic_id: [row, …]}`` by ``period`` (hour, day or month in the hub's time
    zone); a period starting before ``start`` is included whole."""
    query = Query(request)
    statistic_ids = query.required_visible_ids("statistic_id")
    start, end = query.window(STATISTICS_LIMIT)
    period = cast(statistics.Period, query.choice("period", PERIODS, "hour"))
    found: dict[str, list[dict[str, Any]]] = {}
    if statistic_ids:
        found = await statistics.during(hub_of(request), statistic_ids, start, end, period)
    return json_response(
        {key: [_statistics_row(row) for row in rows] for key, rows in found.items()}
    )
