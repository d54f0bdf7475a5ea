"""The escalation ladder: who is told about an alarm, and after how long the next rung is.

A ladder is a list of steps. Step 0 is notified when the alarm is raised; each step waits
its ``timeout`` for someone to acknowledge, then the next is notified. The ladder for an
alarm is the one configured for its type (``alarms.ladders.sos`` in linli.yaml), else the
one configured for its severity, else the built-in one for its severity
(:data:`DEFAULT_LADDERS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from .model import Severity


class Rung(StrEnum):
    """Whom a step of the ladder notifies."""

    household = "household"  # the members of the alarm's household who have an account
    caregivers = "caregivers"  # the caregivers named by the household's members
    security = "security"  # the property's security desk: every operator
    external = "external"  # the external contacts, through the notification channels


@dataclass(frozen=True, slots=True)
class Step:
    notify: Rung
    timeout: float  # seconds to wait for an acknowledgement before the next step


Ladder = tuple[Step, ...]


def _ladder(timeout: float, *rungs: Rung) -> Ladder:
    return tuple(Step(rung, timeout) for rung in rungs)


_EVERYONE: Final = (Rung.household, Rung.caregivers, Rung.security, Rung.external)

#: Without configuration: a critical alarm climbs a rung a minute, a warning reaches the
#: security desk after an hour and goes no further.
DEFAULT_LADDERS: Final[Mapping[Severity, Ladder]] = {
    Severity.critical: _ladder(60, *_EVERYONE),
    Severity.major: _ladder(180, *_EVERYONE),
    Severity.minor: _ladder(900, Rung.household, Rung.caregivers, Rung.security),
    Severity.warning: _ladder(3600, Rung.household, Rung.security),
}


def ladder_for(ladders: Mapping[str, Ladder], alarm_type: str, severity: Severity) -> Ladder:
    """The ladder of an alarm: configured for its type, or its severity, or the default."""
    return ladders.get(alarm_type) or ladders.get(severity.value) or DEFAULT_LADDERS[severity]
