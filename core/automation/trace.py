"""What an automation's run did: what triggered it, each step with its result, how it
ended and how long it took. Each automation keeps its last :data:`KEPT_RUNS` runs (as Home
Assistant does), read through the API."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any, Final

from ..states import State

KEPT_RUNS: Final = 5
#: Why a run ended other than finished, for an app to say in its own words (``message`` has
#: the hub's): the automation's conditions, a condition step, a wait's timeout, a stop step,
#: an error, a newer run or the automation turned off (cancelled), and for a run refused:
#: its mode's limit, a loop of automations, or an owner who lost the right.
REASONS: Final = (
    "conditions",
    "condition",
    "timeout",
    "stop",
    "error",
    "cancelled",
    "mode",
    "loop",
    "owner",
)


def plain(value: Any) -> Any:
    """``value`` as JSON holds it: a state as ``{entity_id, state, attributes}``, a
    duration in seconds, anything else unknown as text."""
    if isinstance(value, State):
        value = {
            "entity_id": value.entity_id,
            "state": value.state,
            "attributes": dict(value.attributes),
        }
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, timedelta):
        return value.total_seconds()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


@dataclass(slots=True)
class Step:
    path: str  # where in the automation: "condition/0", "action/2/choose/1/sequence/0"
    kind: str  # what it is: condition, service, delay, choose…
    at: float
    result: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


@dataclass(slots=True)
class RunTrace:
    """One run. ``state``: running, then finished, stopped (a stop step or a condition),
    error, cancelled (restarted or the automation turned off), or skipped (refused to run:
    the mode's limit, or a loop of automations)."""

    run_id: str
    automation_id: str
    context_id: str
    trigger: dict[str, Any]
    started_at: float
    state: str = "running"
    message: str | None = None
    reason: str | None = None  # one of REASONS; None while running and once finished
    finished_at: float | None = None
    steps: list[Step] = field(default_factory=list)

    def step(self, path: str, kind: str, at: float, **result: Any) -> Step:
        step = Step(path, kind, at, result)
        self.steps.append(step)
        return step

    def end(
        self, state: str, at: float, message: str | None = None, reason: str | None = None
    ) -> None:
        self.state, self.finished_at, self.message, self.reason = state, at, message, reason

    @property
    def path_taken(self) -> list[str]:
        return [step.path for step in self.steps]

    def as_dict(self) -> dict[str, Any]:
        """The trace as JSON holds it (see :func:`plain`)."""
        data = plain(asdict(self))
        data["duration"] = None if self.finished_at is None else self.finished_at - self.started_at
        return data
