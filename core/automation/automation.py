"""One automation: its configuration, whose it is, and its runs under its mode.

Modes, as Home Assistant's: ``single`` refuses a run while one is under way, ``restart``
cancels the run under way and starts again, ``queued`` runs one after another, up to
``max`` waiting, ``parallel`` runs side by side, up to ``max``. A refused run leaves a
trace saying so.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..auth.permissions import Action
from ..context import Context
from ..exceptions import LinliError
from ..http.access import Caller
from ..registry.base import new_id
from .script import Run
from .trace import KEPT_RUNS, RunTrace
from .triggers import TriggerScope, Unsubscribe, attach_all

if TYPE_CHECKING:
    from ..hub import Hub

_LOGGER = logging.getLogger(__name__)


@dataclass(eq=False)
class Automation:
    """An automation and its state: enabled, running, or failed with a cause."""

    hub: Hub
    config: dict[str, Any]  # as automation_config returns it (blueprint inputs filled in)
    source: str  # "yaml" (the config folder's automations.yaml) or "api"
    owner_id: str | None  # the user whose rights its runs act with; None: the hub's
    raw: dict[str, Any]  # as written: what the API shows and edits (use_blueprint kept)
    enabled: bool = True
    failure: str | None = None  # why it cannot run (an entity that does not exist…)
    traces: deque[RunTrace] = field(default_factory=lambda: deque(maxlen=KEPT_RUNS))
    _detach: Unsubscribe | None = field(default=None, init=False)
    _runs: list[asyncio.Task[None]] = field(default_factory=list, init=False)
    _queue: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    @property
    def id(self) -> str:
        return str(self.config["id"])

    @property
    def household_id(self) -> str | None:
        return self.config.get("household_id")

    @property
    def caller(self) -> Caller | None:
        """Whose rights the runs act with; None for the community's automations that the
        configuration folder holds (the operator wrote them there)."""
        return None if self.owner_id is None else Caller(self.hub, self.owner_id)

    @property
    def running(self) -> int:
        return len(self._runs)

    def attach(self, fire: Any) -> None:
        """Listen for the triggers (``fire(automation, data, context)`` on each)."""
        self.detach()
        scope = TriggerScope(self.household_id)
        try:
            self._detach = attach_all(
                self.hub,
                self.config["triggers"],
                lambda data, context: fire(self, data, context),
                scope,
            )
        except LinliError as error:  # a trigger's integration is not set up
            self.failure = str(error)
            _LOGGER.error("Automation %s cannot listen for its triggers: %s", self.id, error)
        else:
            self.failure = None

    def detach(self) -> None:
        if self._detach is not None:
            self._detach()
            self._detach = None

    def stop_runs(self) -> None:
        for task in self._runs:
            task.cancel()

    def start_run(self, data: dict[str, Any], cause: Context | None) -> RunTrace:
        """Start a run for a trigger's ``data`` under the mode; its trace (``skipped`` when
        the mode refuses it)."""
        clock = self.hub.clock
        context = Context(
            user_id=self.owner_id,
            parent_id=None if cause is None else cause.id,
            origin="automation",
        )
        trace = RunTrace(new_id(), self.id, context.id, data, clock.time())
        self.traces.append(trace)
        mode, limit = self.config["mode"], self.config["max"]
        if mode == "single" and self._runs:
            return self._skip(trace, "it is running already (mode single)")
        if mode in ("queued", "parallel") and len(self._runs) >= limit:
            return self._skip(trace, f"{limit} runs already (mode {mode}, max {limit})")
        if mode == "restart":
            self.stop_runs()
        run = Run(self.hub, self, trace, context)
        task = self.hub.create_task(self._execute(run), f"automation {self.id}")
        self._runs.append(task)
        task.add_done_callback(self._forget)  # also when cancelled before it started
        return trace

    async def _execute(self, run: Run) -> None:
        try:
            if self.config["mode"] != "queued":
                await run.execute()
                return
            async with self._queue:
                await run.execute()
        finally:
            # At once, not when the done callback comes: a trigger this run caused
            # (another automation's action) may come back before that.
            self._forget(asyncio.current_task())

    def _forget(self, task: asyncio.Future[Any] | None) -> None:
        if task in self._runs:
            self._runs.remove(task)

    def _skip(self, trace: RunTrace, why: str) -> RunTrace:
        trace.end("skipped", self.hub.clock.time(), f"Not run: {why}", "mode")
        level = {"silent": logging.DEBUG, "warning": logging.WARNING, "error": logging.ERROR}
        _LOGGER.log(level[self.config["max_exceeded"]], "Automation %s not run: %s", self.id, why)
        return trace

    def refuse_run(self, data: dict[str, Any], why: str, reason: str) -> RunTrace:
        """Leave the trace of a run its trigger asked for and the hub refused (``why``;
        ``reason``: loop or owner)."""
        now = self.hub.clock.time()
        trace = RunTrace(new_id(), self.id, "", data, now)
        trace.end("skipped", now, why, reason)
        self.traces.append(trace)
        _LOGGER.error("Automation %s not run: %s", self.id, why)
        return trace

    def owner_refusal(self, data: dict[str, Any]) -> str | None:
        """Why the owner may no longer have a run that ``data`` triggers (None: they may):
        they left the household, or may no longer see the entity that triggered it."""
        owner = self.caller
        if owner is None:
            return None
        households = self.hub.community.households
        household = None if self.household_id is None else households.get(self.household_id)
        if not owner.may(Action.manage_automations, household):
            whose = "the community" if household is None else f"household {household.name}"
            return f"its owner may no longer manage the automations of {whose}"
        entity_id = data.get("entity_id")
        if isinstance(entity_id, str) and not owner.may_see(entity_id):
            return f"its owner may no longer see {entity_id}"
        return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "alias": self.config.get("alias") or self.id,
            "description": self.config.get("description", ""),
            "household_id": self.household_id,
            "owner_id": self.owner_id,
            "source": self.source,
            "enabled": self.enabled,
            "failure": self.failure,
            "mode": self.config["mode"],
            "running": self.running,
            "last_run": self._last_run(),
            "config": self.raw,
        }

    def _last_run(self) -> dict[str, Any] | None:
        if not self.traces:
            return None
        last = self.traces[-1]
        return {"started_at": last.started_at, "state": last.state}
