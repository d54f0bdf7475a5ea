"""What is sent: a notification in a user's list, an address on a channel."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class Notification:
    """One entry of a user's notification list."""

    id: str
    user_id: str
    alarm_id: str | None
    title: str
    message: str
    created_at: float
    read_at: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Address:
    """Someone reachable through a channel: ``to`` is what the channel understands (a phone
    number for an SMS gateway)."""

    channel: str
    to: str

    def __str__(self) -> str:
        return f"{self.channel}:{self.to}"
