"""Long-term statistics: hourly rows compiled from recorded states, queried by period.

Sensors whose state has a ``state_class`` attribute are compiled at every hour boundary:
``measurement`` gets the time-weighted mean (each value weighted by how long it held, as
Home Assistant does), min and max; ``total`` and ``total_increasing`` (meters, e.g. kWh)
get ``state`` (the last reading) and ``sum``, the growth since the meter was first
recorded (a drop of a ``total_increasing`` meter counts as a reset to zero).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..storage.recorder_schema import states, statistics, statistics_meta
from .history import window_rows

if TYPE_CHECKING:
    from ..hub import Hub

HOUR = 3600.0
MEAN_CLASSES = frozenset({"measurement"})
SUM_CLASSES = frozenset({"total", "total_increasing"})
Period = Literal["hour", "day", "month"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sensor to compile: its entity_id, state_class and unit."""

    entity_id: str
    state_class: str
    unit: str | None


def candidates(hub: Hub) -> list[Candidate]:
    """Current states with a state_class statistics know (read on the event loop)."""
    found = []
    for state in hub.states.all():
        state_class = state.attributes.get("state_class")
        if state_class in MEAN_CLASSES or state_class in SUM_CLASSES:
            unit = state.attributes.get("unit_of_measurement")
            found.append(Candidate(state.entity_id, str(state_class), unit))
    return found


def _number(value: str | None) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _metadata_id(session: Session, candidate: Candidate) -> int:
    has_sum = candidate.state_class in SUM_CLASSES
    fields = {"unit": candidate.unit, "has_mean": not has_sum, "has_sum": has_sum}
    found = session.execute(
        sa.select(statistics_meta.c.id).where(statistics_meta.c.statistic_id == candidate.entity_id)
    ).scalar()
    if found is not None:
        session.execute(
            sa.update(statistics_meta).where(statistics_meta.c.id == found).values(**fields)
        )
        return found
    values = {"statistic_id": candidate.entity_id, "source": "recorder", **fields}
    return session.execute(
        sa.insert(statistics_meta).returning(statistics_meta.c.id), values
    ).scalar_one()


def _readings(session: Session, entity_id: str, start: float, end: float) -> list[tuple]:
    """(value or None, since) for the value held at ``start`` and every change until ``end``."""
    query = sa.select(states.c.state, states.c.last_updated_ts)
    return [
        (_number(row.state), max(row.last_updated_ts, start))
        for row in window_rows(session, query, entity_id, start, end)
    ]


def _mean_row(readings: list[tuple], end: float) -> dict[str, float] | None:
    weighted = duration = 0.0
    values = []
    for index, (value, since) in enumerate(readings):
        if value is None:
            continue
        until = readings[index + 1][1] if index + 1 < len(readings) else end
        weighted += value * (until - since)
        duration += until - since
        values.append(value)
    if not values:
        return None
    mean = weighted / duration if duration > 0 else values[-1]
    return {"mean": mean, "min": min(values), "max": max(values)}


def _sum_row(
    session: Session, metadata_id: int, state_class: str, readings: list[tuple], start: float
) -> dict[str, float] | None:
    last = session.execute(
        sa.select(statistics.c.sum, statistics.c.state)
        .where(statistics.c.metadata_id == metadata_id, statistics.c.start_ts < start)
        .order_by(statistics.c.start_ts.desc())
        .limit(1)
    ).first()
    values = [value for value, _ in readings if value is not None]
    if last is not None and last.state is not None:
        total, previous = last.sum or 0.0, last.state
    elif values:
        total, previous = 0.0, values[0]
    else:
        return None
    for value in values:
        if state_class == "total_increasing" and value < previous:
            total += value  # the meter was reset: it counted up from zero again
        else:
            total += value - previous
        previous = value
    return {"sum": total, "state": previous}


def compile_hour(session: Session, found: Iterable[Candidate], start: float, created: float) -> int:
    """Write the statistics of the hour from ``start``; return how many rows were added.

    An hour compiled before is left as it is.
    """
    end = start + HOUR
    added = 0
    for candidate in found:
        metadata_id = _metadata_id(session, candidate)
        exists = session.execute(
            sa.select(statistics.c.id).where(
                statistics.c.metadata_id == metadata_id, statistics.c.start_ts == start
            )
        ).first()
        if exists is not None:
            continue
        readings = _readings(session, candidate.entity_id, start, end)
        if candidate.state_class in SUM_CLASSES:
            row = _sum_row(session, metadata_id, candidate.state_class, readings, start)
        else:
            row = _mean_row(readings, end)
        if row is None:
            continue
        session.execute(
            sa.insert(statistics),
            {"metadata_id": metadata_id, "start_ts": start, "created_ts": created, **row},
        )
        added += 1
    return added


def _period_start(when: datetime, period: Period) -> datetime:
    if period == "hour":
        return when.replace(minute=0, second=0, microsecond=0)
    day = when.replace(hour=0, minute=0, second=0, microsecond=0)
    return day if period == "day" else day.replace(day=1)


def _period_end(start: datetime, period: Period) -> datetime:
    if period == "hour":
        return start + timedelta(hours=1)
    if period == "day":
        return start + timedelta(days=1)  # wall-clock arithmetic: right across DST changes
    return (start + timedelta(days=32)).replace(day=1)


def _read(session: Session, statistic_ids: list[str], start: float, end: float) -> list[Any]:
    query = (
        sa.select(
            statistics_meta.c.statistic_id,
            statistics.c.start_ts,
            statistics.c.mean,
            statistics.c.min,
            statistics.c.max,
            statistics.c.sum,
            statistics.c.state,
        )
        .join(statistics_meta, statistics_meta.c.id == statistics.c.metadata_id)
        .where(
            statistics_meta.c.statistic_id.in_(statistic_ids),
            statistics.c.start_ts >= start,
            statistics.c.start_ts < end,
        )
        .order_by(statistics_meta.c.statistic_id, statistics.c.start_ts)
    )
    return list(session.execute(query))


def _merge(rows: list[Any], period: Period, zone: ZoneInfo) -> list[dict[str, Any]]:
    """Hourly rows into periods: mean of the means, min of mins, max of maxes, last sum."""
    merged: list[dict[str, Any]] = []
    means: list[float] = []
    for row in rows:
        begins = _period_start(datetime.fromtimestamp(row.start_ts, zone), period)
        if not merged or merged[-1]["start"] != begins:
            means = []
            merged.append(
                {
                    "start": begins,
                    "end": _period_end(begins, period),
                    "mean": None,
                    "min": None,
                    "max": None,
                    "sum": None,
                    "state": None,
                }
            )
        current = merged[-1]
        if row.mean is not None:
            means.append(row.mean)
            current["mean"] = sum(means) / len(means)
        if row.min is not None:
            current["min"] = row.min if current["min"] is None else min(current["min"], row.min)
        if row.max is not None:
            current["max"] = row.max if current["max"] is None else max(current["max"], row.max)
        if row.sum is not None:
            current["sum"] = row.sum
        if row.state is not None:
            current["state"] = row.state
    return merged


async def during(
    hub: Hub,
    statistic_ids: str | Iterable[str],
    start: datetime,
    end: datetime | None = None,
    period: Period = "hour",
) -> dict[str, list[dict[str, Any]]]:
    """Statistics of each id from ``start`` to ``end`` (default: now) by hour, day or month.

    Days and months follow the hub's time zone. Each row: ``start``, ``end`` (aware
    datetimes), ``mean``, ``min``, ``max`` (sensors that measure), ``sum`` and ``state``
    (meters); a statistic without rows is left out.
    """
    if period not in ("hour", "day", "month"):
        raise ValueError(f"Statistics period must be hour, day or month, not {period!r}")
    ids = [statistic_ids] if isinstance(statistic_ids, str) else list(statistic_ids)
    zone = ZoneInfo(hub.config.time_zone)
    first = _period_start(start.astimezone(zone), period).timestamp()
    last = (end or hub.clock.now()).timestamp()
    rows = await hub.recorder.run(lambda session: _read(session, ids, first, last))
    grouped: dict[str, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row.statistic_id, []).append(row)
    return {key: _merge(value, period, zone) for key, value in grouped.items()}
