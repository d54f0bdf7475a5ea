"""An alarm: what happened, where, how bad, and who has dealt with it (ISA-18.2 states)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Final

EVENT_ALARM_RAISED: Final = "alarm_raised"
EVENT_ALARM_UPDATED: Final = "alarm_updated"


class Severity(StrEnum):
    critical = "critical"  # life or property at risk now: SOS, fall, smoke, gas
    major = "major"  # someone must look soon: a wearer left the geofence, no sign of life
    minor = "minor"
    warning = "warning"  # attention when convenient: a silent detector, a low battery


class AlarmState(StrEnum):
    """Whether the condition still holds (active/cleared) and whether a person has
    acknowledged it; an alarm is closed only when both are done."""

    active_unacknowledged = "active_unacknowledged"
    active_acknowledged = "active_acknowledged"
    cleared_unacknowledged = "cleared_unacknowledged"
    cleared_acknowledged = "cleared_acknowledged"

    @property
    def active(self) -> bool:
        return self in (AlarmState.active_unacknowledged, AlarmState.active_acknowledged)

    @property
    def acknowledged(self) -> bool:
        return self in (AlarmState.active_acknowledged, AlarmState.cleared_acknowledged)

    @property
    def open(self) -> bool:
        """Still needs someone: active, or cleared but not acknowledged."""
        return self is not AlarmState.cleared_acknowledged

    @classmethod
    def of(cls, *, active: bool, acknowledged: bool) -> AlarmState:
        return cls(
            f"{'active' if active else 'cleared'}_{'' if acknowledged else 'un'}acknowledged"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Comment:
    by: str | None  # a user id
    at: float
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Alarm:
    id: str
    alarm_type: str
    severity: Severity
    state: AlarmState
    source_entity_id: str | None
    household_id: str | None
    message: str
    data: dict[str, Any] = field(default_factory=dict)
    raised_at: float
    acknowledged_by: str | None = None
    acknowledged_at: float | None = None
    cleared_by: str | None = None  # None with a cleared_at: the device cleared it
    cleared_at: float | None = None
    comments: tuple[Comment, ...] = ()
    escalation_step: int | None = None  # the ladder's step last notified (0: the household)
    next_escalation_at: float | None = None  # None: not escalating (acknowledged or ended)
    modified_at: float

    def as_dict(self) -> dict[str, Any]:
        """The alarm as plain data: the database's row, the API's and the events' JSON."""
        row = asdict(self)
        row["severity"] = self.severity.value
        row["state"] = self.state.value
        row["comments"] = [asdict(comment) for comment in self.comments]
        return row

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> Alarm:
        return cls(
            **{
                **row,
                "severity": Severity(row["severity"]),
                "state": AlarmState(row["state"]),
                "comments": tuple(Comment(**comment) for comment in row["comments"]),
            }
        )
