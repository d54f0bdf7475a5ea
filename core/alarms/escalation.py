"""Climbing the ladder: notify a step, wait its timeout on the hub's clock, notify the next.

The step reached and when the next one is due are stored on the alarm
(``escalation_step``, ``next_escalation_at``), so a restarted hub resumes the ladder where
it stood, with the time that was left (or at once, if the step fell due while it was down).
A step nobody can be reached at is passed over at once; a step whose channel deliveries
keep failing after their retries gives way to the next at once, without waiting for its
timeout. Acknowledging the alarm stops the climb; clearing it does not, since a cleared
alarm nobody acknowledged may be one nobody saw.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from ..notifications.model import Address
from ..scheduler import Timer
from .ladder import Ladder, ladder_for
from .model import Alarm
from .recipients import Recipients, recipients

if TYPE_CHECKING:
    from ..hub import Hub
    from .manager import Alarms

_LOGGER = logging.getLogger(__name__)


class Escalation:
    """The timers and deliveries of the alarms being escalated."""

    def __init__(self, hub: Hub, alarms: Alarms) -> None:
        self.hub = hub
        self._alarms = alarms
        self._timers: dict[str, Timer] = {}
        self._deliveries: dict[str, set[asyncio.Task[None]]] = {}  # of each alarm, every step
        # Set when the hub stops: an alarm raised while it winds down is stored with its
        # next step's time, and the next start resumes it.
        self._stopped = False

    def ladder(self, alarm: Alarm) -> Ladder:
        return ladder_for(self.hub.config.alarms.ladders, alarm.alarm_type, alarm.severity)

    def begin(self, alarm_id: str) -> None:
        """Notify the first step of a new alarm's ladder."""
        self._climb(alarm_id, 0)

    def resume(self, alarm: Alarm) -> None:
        """Go on with a restored alarm: wait out what is left of its step's timeout."""
        if alarm.state.acknowledged:
            return
        if alarm.escalation_step is None:  # stored before its first step was
            self._climb(alarm.id, 0)
        elif alarm.next_escalation_at is not None:
            self._schedule(alarm.id, alarm.escalation_step + 1, alarm.next_escalation_at)

    def stop(self, alarm_id: str) -> None:
        """Stop escalating an alarm: no next step, no more delivery attempts."""
        self._cancel_timer(alarm_id)
        for delivery in self._deliveries.pop(alarm_id, ()):
            delivery.cancel()

    def _cancel_timer(self, alarm_id: str) -> None:
        if (timer := self._timers.pop(alarm_id, None)) is not None:
            timer.cancel()

    def stop_all(self) -> None:
        self._stopped = True
        for alarm_id in list(self._timers.keys() | self._deliveries.keys()):
            self.stop(alarm_id)

    def _schedule(self, alarm_id: str, step: int, when: float) -> None:
        if self._stopped:
            return
        self._timers[alarm_id] = self.hub.scheduler.call_at(when, self._climb, alarm_id, step)

    def _climb(self, alarm_id: str, step: int) -> None:
        """Notify ``step`` of the ladder (or the first one after it that reaches anybody).

        The deliveries of earlier steps go on: the people told before are still wanted."""
        self._cancel_timer(alarm_id)
        alarm = self._alarms.get(alarm_id)
        if alarm is None or alarm.state.acknowledged:
            return
        ladder = self.ladder(alarm)
        while step < len(ladder):
            reached = recipients(self.hub, alarm, ladder[step].notify)
            if reached:
                break
            _LOGGER.info(
                "Alarm %s: nobody to notify at step %d (%s); going on",
                alarm_id,
                step,
                ladder[step].notify,
            )
            step += 1
        else:
            _LOGGER.error(
                "Alarm %s (%s) has climbed its whole ladder and nobody has acknowledged it",
                alarm_id,
                alarm.alarm_type,
            )
            if alarm.next_escalation_at is not None:
                self._alarms.update(alarm, {"next_escalation_at": None})
            return
        last = step == len(ladder) - 1
        due = None if last else self.hub.clock.time() + ladder[step].timeout
        alarm = self._alarms.update(alarm, {"escalation_step": step, "next_escalation_at": due})
        if due is not None:
            self._schedule(alarm_id, step + 1, due)
        _LOGGER.warning(
            "Alarm %s (%s): notifying step %d (%s): %d users, %d addresses",
            alarm_id,
            alarm.alarm_type,
            step,
            ladder[step].notify,
            len(reached.user_ids),
            len(reached.addresses),
        )
        self._notify(alarm, step, reached)

    def _notify(self, alarm: Alarm, step: int, reached: Recipients) -> None:
        title = f"{alarm.severity.capitalize()} alarm: {alarm.alarm_type}"
        household = (
            None
            if alarm.household_id is None
            else self.hub.community.households.get(alarm.household_id)
        )
        message = alarm.message if household is None else f"{alarm.message} ({household.name})"
        self.hub.notifications.notify(
            reached.user_ids, title=title, message=message, alarm_id=alarm.id
        )
        if reached.addresses and not self._stopped:
            text = f"[{self.hub.config.name}] {title}. {message}"
            delivery = self.hub.create_task(
                self._send(alarm.id, step, reached.addresses, text),
                f"alarm {alarm.id} notifications of step {step}",
            )
            deliveries = self._deliveries.setdefault(alarm.id, set())
            deliveries.add(delivery)
            delivery.add_done_callback(deliveries.discard)

    async def _send(
        self, alarm_id: str, step: int, addresses: tuple[Address, ...], text: str
    ) -> None:
        def still_wanted() -> bool:
            alarm = self._alarms.get(alarm_id)
            return alarm is not None and not alarm.state.acknowledged

        delivered = await self.hub.notifications.send(addresses, text, still_wanted=still_wanted)
        alarm = self._alarms.get(alarm_id)
        if not delivered and still_wanted() and alarm.escalation_step == step:
            _LOGGER.warning(
                "Alarm %s: notifications of step %d keep failing; going to the next step now",
                alarm_id,
                step,
            )
            self._climb(alarm_id, step + 1)
