"""Running an automation's actions: one :class:`Run` per trigger, step by step, each step
written into the run's trace.

A run acts with its automation's owner's rights: a service call is refused (and the run
ends in error) when the owner may not control what it targets, as the API would refuse
that user. Delays and waits run on the hub's clock, so tests move time instead of waiting.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from ..alarms.ladder import Rung
from ..alarms.recipients import reach
from ..context import Context
from ..exceptions import LinliError
from ..helpers.event import track_point_in_time
from ..http.view import ApiError
from . import conditions
from .trace import RunTrace
from .triggers import TriggerScope, attach_all

if TYPE_CHECKING:
    from ..hub import Hub
    from .automation import Automation

_LOGGER = logging.getLogger(__name__)

MAX_REPEATS: Final = 10_000  # a while/until loop stops here, in error


class StopRun(Exception):
    """The run ends here: a stop step, a condition step that failed, a wait's timeout, or an
    error (``reason``: see :data:`~linli.automation.trace.REASONS`)."""

    def __init__(self, message: str, *, error: bool, reason: str = "error") -> None:
        super().__init__(message)
        self.message = message
        self.error = error
        self.reason = "error" if error else reason


class Run:
    """One run of ``automation``'s actions, caused by ``context``'s parent."""

    def __init__(self, hub: Hub, automation: Automation, trace: RunTrace, context: Context) -> None:
        self.hub = hub
        self.automation = automation
        self.trace = trace
        self.context = context

    @property
    def household_id(self) -> str | None:
        """The household the run acts for (None: nobody's in particular)."""
        return self.automation.household_id or self.trace.trigger.get("household_id")

    async def execute(self) -> None:
        """Run every step; the trace says how it ended."""
        clock, config = self.hub.clock, self.automation.config
        if not conditions.all_hold(self.hub, config["conditions"], self.trace, "condition"):
            self.trace.end("stopped", clock.time(), "the conditions do not hold", "conditions")
            return
        try:
            await self._sequence(config["actions"], "action")
        except StopRun as stop:
            state = "error" if stop.error else "stopped"
            self.trace.end(state, clock.time(), stop.message, stop.reason)
        except asyncio.CancelledError:
            message = "a newer run or the automation stopped it"
            self.trace.end("cancelled", clock.time(), message, "cancelled")
            raise
        except Exception as error:
            _LOGGER.exception("Automation %s failed", self.automation.id)
            self.trace.end("error", clock.time(), f"{type(error).__name__}: {error}", "error")
        else:
            self.trace.end("finished", clock.time())

    async def _sequence(self, steps: list[dict[str, Any]], path: str) -> None:
        for index, step in enumerate(steps):
            if step.get("enabled", True):
                await self._step(step, f"{path}/{index}")

    async def _step(self, step: dict[str, Any], path: str) -> None:
        kind = step["kind"]
        record = self.trace.step(path, kind, self.hub.clock.time())
        try:
            await getattr(self, f"_{kind}")(step, path, record.result)
        except StopRun as stop:
            record.error = stop.message if stop.error else None
            raise
        except (LinliError, ApiError) as error:
            record.error = str(getattr(error, "message", None) or error)
            raise StopRun(f"{path} ({kind}): {record.error}", error=True) from None

    # -- the steps ------------------------------------------------------------------------

    async def _service(self, step: dict[str, Any], path: str, result: dict[str, Any]) -> None:
        domain, service = step["action"].split(".", 1)
        data = {**step["data"], **step["target"]}
        if (owner := self.automation.caller) is not None:
            owner.require_service_targets(data)  # an ApiError (403, 404) ends the run
        result["action"] = step["action"]
        await self.hub.services.call(domain, service, data, context=self.context)

    async def _notify(self, step: dict[str, Any], path: str, result: dict[str, Any]) -> None:
        notify = step["notify"]
        result["title"] = notify["title"]
        household_id = notify.get("household_id", self.household_id)
        members = (
            () if household_id is None else self.hub.community.members.members_of(household_id)
        )
        concerned = frozenset(member.id for member in members)
        user_ids: list[str] = []
        addresses = []
        for to in notify["to"]:
            if to in Rung.__members__:
                reached = reach(self.hub, Rung(to), household_id, concerned)
                user_ids += reached.user_ids
                addresses += reached.addresses
            elif self.hub.users.get(to) is not None:
                user_ids.append(to)
            else:
                raise StopRun(f"{path}: nobody {to!r} to notify", error=True)
        sent = self.hub.notifications.notify(
            user_ids, title=notify["title"], message=notify["message"]
        )
        result["notified"] = [item.user_id for item in sent]
        if addresses:
            result["sent"] = await self.hub.notifications.send(addresses, notify["message"])

    async def _alarm(self, step: dict[str, Any], path: str, result: dict[str, Any]) -> None:
        alarm = step["alarm"]
        household_id = alarm.get("household_id", self.household_id)
        if "raise" in alarm:
            result["alarm_type"] = alarm["raise"]
            raised = self.hub.alarms.raise_alarm(
                alarm["raise"],
                alarm["severity"],
                # about the entity whose change started the run, unless the step names one
                source_entity_id=alarm.get("source_entity_id", self.trace.trigger.get("entity_id")),
                household_id=household_id,
                message=alarm["message"],
                data={"automation_id": self.automation.id},
            )
            result["alarm_id"] = raised.id
            return
        cleared = [
            item.id
            for item in self.hub.alarms.active(household_id)
            if item.alarm_type == alarm["clear"]
            and alarm.get("source_entity_id") in (None, item.source_entity_id)
        ]
        for alarm_id in cleared:
            self.hub.alarms.clear(alarm_id, by_user_id=self.automation.owner_id)
        result["cleared"] = cleared

    async def _event(self, step: dict[str, Any], path: str, result: dict[str, Any]) -> None:
        self.hub.bus.fire(step["event"], step["event_data"], self.context)

    async def _delay(self, step: dict[str, Any], path: str, result: dict[str, Any]) -> None:
        result["seconds"] = step["delay"].total_seconds()
        await self._sleep(step["delay"])

    async def _sleep(self, delay: timedelta) -> None:
        """Wait ``delay`` on the hub's clock."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def wake(_now: datetime) -> None:
            if not done.done():
                done.set_result(None)

        cancel = track_point_in_time(self.hub, wake, self.hub.clock.now() + delay)
        try:
            await done
        finally:
            cancel()

    async def _wait_for_trigger(
        self, step: dict[str, Any], path: str, result: dict[str, Any]
    ) -> None:
        heard: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()

        def fire(data: dict[str, Any], _context: Context | None) -> None:
            if not heard.done():
                heard.set_result(data)

        scope = TriggerScope(self.automation.household_id)
        detach = attach_all(self.hub, step["wait_for_trigger"], fire, scope)
        try:
            if "timeout" not in step:
                result["trigger"] = await heard
                return
            sleeping = asyncio.ensure_future(self._sleep(step["timeout"]))
            await asyncio.wait({heard, sleeping}, return_when=asyncio.FIRST_COMPLETED)
            sleeping.cancel()
        finally:
            detach()
        if heard.done():
            result["trigger"] = heard.result()
            return
        heard.cancel()
        result["timed_out"] = True
        if not step["continue_on_timeout"]:
            raise StopRun(f"{path}: nothing came within the timeout", error=False, reason="timeout")

    async def _condition(self, step: dict[str, Any], path: str, result: dict[str, Any]) -> None:
        if not conditions.holds(self.hub, step, self.trace, f"{path}/condition"):
            result["holds"] = False
            raise StopRun(f"{path}: the condition does not hold", error=False, reason="condition")
        result["holds"] = True

    async def _choose(self, step: dict[str, Any], path: str, result: dict[str, Any]) -> None:
        for index, option in enumerate(step["choose"]):
            where = f"{path}/choose/{index}"
            if conditions.all_hold(
                self.hub, option["conditions"], self.trace, f"{where}/conditions"
            ):
                result["chosen"] = index
                await self._sequence(option["sequence"], f"{where}/sequence")
                return
        result["chosen"] = "default" if "default" in step else None
        if "default" in step:
            await self._sequence(step["default"], f"{path}/default")

    async def _repeat(self, step: dict[str, Any], path: str, result: dict[str, Any]) -> None:
        repeat = step["repeat"]
        where = f"{path}/repeat"
        count = 0
        while True:
            if "count" in repeat and count >= repeat["count"]:
                break
            if "while" in repeat and not conditions.all_hold(
                self.hub, repeat["while"], self.trace, f"{where}/while"
            ):
                break
            if count >= MAX_REPEATS:
                raise StopRun(f"{path}: stopped after {MAX_REPEATS} repeats", error=True)
            await self._sequence(repeat["sequence"], f"{where}/sequence")
            count += 1
            if "until" in repeat and conditions.all_hold(
                self.hub, repeat["until"], self.trace, f"{where}/until"
            ):
                break
        result["iterations"] = count

    async def _stop(self, step: dict[str, Any], path: str, result: dict[str, Any]) -> None:
        raise StopRun(step["stop"], error=step.get("error", False), reason="stop")
