"""Sharing the community's supply among the sessions charging now.

Each session gets an equal share of the limit, at most what its connector can draw; what a
connector cannot use goes to the others (water filling). A share below the least a car
can charge with is no share: when the limit cannot give every session that much, the
sessions that started last wait (0 W) until one ends. The shares never add up to more
than the limit, so the transformer is never overloaded.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Demand(Generic[K]):
    """A session that wants power: its key, its connector's maximum, when it started."""

    key: K
    max_w: int
    started_at: float


def share(limit_w: int, demands: Sequence[Demand[K]], min_w: int) -> dict[K, int]:
    """Watts for each demand's key; their sum is at most ``limit_w``."""
    by_start = sorted(demands, key=lambda demand: (demand.started_at, str(demand.key)))
    served = list(by_start)
    while served and limit_w // len(served) < min(min_w, min(d.max_w for d in served)):
        served.pop()  # the latest session waits
    shares = dict.fromkeys((demand.key for demand in by_start), 0)
    left, open_ = limit_w, sorted(served, key=lambda demand: demand.max_w)
    while open_:
        equal = left // len(open_)
        smallest = open_[0]
        if smallest.max_w <= equal:  # it cannot use its share: the rest is for the others
            shares[smallest.key] = smallest.max_w
            left -= smallest.max_w
            open_.pop(0)
            continue
        for demand in open_:
            shares[demand.key] = equal
        break
    return shares
