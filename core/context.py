"""Context: who or what caused an event, a state write or a service call."""

from __future__ import annotations

import itertools
import os
import time

# Ids from one process differ by this random part and a counter: no syscall per id.
_PROCESS_PART = os.urandom(4).hex()
_SEQUENCE = itertools.count(1 << 48)  # 12 hex digits after the leading "1"


def new_context_id() -> str:
    """Return a 32-character hex id; ids sort by creation time (to about a millisecond)."""
    return f"{time.time_ns() >> 20:012x}{_PROCESS_PART}{hex(next(_SEQUENCE))[3:]}"


class Context:
    """The cause of an action: a user, a parent context, and an origin.

    ``origin`` names the kind of cause ("user", "automation", "device", "hub", ...);
    ``parent_id`` links actions that follow from one another, so an audit can walk the
    chain from an alarm back to the sensor reading that raised it.
    """

    __slots__ = ("id", "origin", "parent_id", "user_id")

    def __init__(
        self,
        user_id: str | None = None,
        parent_id: str | None = None,
        origin: str | None = None,
        id: str | None = None,  # noqa: A002 - mirrors the stored field name
    ) -> None:
        self.id = id or new_context_id()
        self.user_id = user_id
        self.parent_id = parent_id
        self.origin = origin

    def child(self, origin: str | None = None) -> Context:
        """Return a new context caused by this one, for the same user."""
        return Context(user_id=self.user_id, parent_id=self.id, origin=origin or self.origin)

    def as_dict(self) -> dict[str, str | None]:
        return {
            "id": self.id,
            "user_id": self.user_id,
            "parent_id": self.parent_id,
            "origin": self.origin,
        }

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Context) and self.id == other.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"<Context {self.id} user={self.user_id} origin={self.origin}>"
