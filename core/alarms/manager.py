"""``hub.alarms``: raise, acknowledge, clear and comment alarms; keep the open ones.

Durability: every change is queued to the database worker the moment it happens (the
worker commits it with whatever else is queued right then, typically within milliseconds),
not held for the recorder's batch; ``await hub.alarms.flush()`` waits for the commit.
:meth:`Alarms.raise_alarm` is synchronous so that device code can call it from anywhere
on the event loop. The open alarms (all but the cleared and acknowledged ones) are kept
in memory and restored at start, their escalation resumed where it stood
(:mod:`.escalation`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import orjson

from ..const import EVENT_HUB_STOP
from ..context import Context
from ..events import Event
from ..registry.base import new_id
from .escalation import Escalation
from .model import EVENT_ALARM_RAISED, EVENT_ALARM_UPDATED, Alarm, AlarmState, Comment, Severity
from .recipients import concerned_members
from .store import AlarmStore

if TYPE_CHECKING:
    from ..hub import Hub

_LOGGER = logging.getLogger(__name__)

MAX_COMMENT = 2000  # characters


class AlarmError(ValueError):
    """An alarm cannot be raised or changed as asked; the message says why."""


class UnknownAlarm(LookupError):
    def __init__(self, alarm_id: str) -> None:
        super().__init__(f"Alarm {alarm_id!r} not found")


def _comment_text(text: str | None) -> str | None:
    """``text`` as a comment's (None: no comment); an :class:`AlarmError` if it is none."""
    if text is None:
        return None
    text = text.strip() if isinstance(text, str) else ""
    if not text:
        raise AlarmError("A comment needs some text")
    if len(text) > MAX_COMMENT:
        raise AlarmError(f"A comment is at most {MAX_COMMENT} characters, not {len(text)}")
    return text


class Alarms:
    """The hub's alarms."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._store = AlarmStore(hub.database)
        self._open: dict[str, Alarm] = {}
        # (alarm_type, source_entity_id, household_id) -> the active alarm's id
        self._active: dict[tuple[str, str | None, str | None], str] = {}
        self._closed_comments = asyncio.Lock()  # comments on closed alarms: read, then write
        self.escalation = Escalation(hub, self)
        hub.bus.listen(EVENT_HUB_STOP, self._stop)

    async def load(self) -> None:
        """Read the open alarms; the hub calls this at start, then :meth:`start`."""
        for alarm in reversed(await self._store.load_open()):  # oldest first
            self._keep(alarm)

    def start(self) -> None:
        """Resume the escalation of the open alarms (once everything else is loaded)."""
        for alarm in list(self._open.values()):
            self.escalation.resume(alarm)

    def _stop(self, _event: Event) -> None:
        self.escalation.stop_all()

    async def flush(self) -> None:
        """Wait until every alarm change so far is committed to the database."""
        await self.hub.database.flush()

    # -- reading ----------------------------------------------------------------------------

    def view(self, alarm: Alarm) -> dict[str, Any]:
        """The alarm as the API shows it: its data, the rungs of its escalation ladder (whom
        each step notifies), and the names of the people who acknowledged, cleared or
        commented on it."""
        data = alarm.as_dict()
        data["ladder"] = [step.notify.value for step in self.escalation.ladder(alarm)]
        people = {alarm.acknowledged_by, alarm.cleared_by, *(c.by for c in alarm.comments)}
        users = self.hub.users
        data["names"] = {
            user.id: user.name for user_id in people if user_id and (user := users.get(user_id))
        }
        return data

    def get(self, alarm_id: str) -> Alarm | None:
        """An open alarm (see :meth:`fetch` for any alarm)."""
        return self._open.get(alarm_id)

    async def fetch(self, alarm_id: str) -> Alarm | None:
        """Any alarm, open or closed."""
        return self._open.get(alarm_id) or await self._store.get(alarm_id)

    def active(self, household_id: str | None = None) -> list[Alarm]:
        """The alarms whose condition still holds (of ``household_id``), oldest first."""
        return [
            alarm
            for alarm in self._open.values()
            if alarm.state.active and (household_id is None or alarm.household_id == household_id)
        ]

    def open(self, household_id: str | None = None) -> list[Alarm]:
        """The alarms that still need someone: active, or cleared but unacknowledged."""
        return [
            alarm
            for alarm in self._open.values()
            if household_id is None or alarm.household_id == household_id
        ]

    async def query(
        self,
        *,
        states: Collection[AlarmState] = (),
        household_ids: Collection[str | None] | None = None,
        severities: Collection[Severity] = (),
    ) -> list[Alarm]:
        """Stored alarms, newest first, filtered (see :meth:`AlarmStore.query`)."""
        return await self._store.query(
            states=states, household_ids=household_ids, severities=severities
        )

    def concerned_members(self, alarm: Alarm) -> frozenset[str]:
        """See :func:`.recipients.concerned_members`."""
        return concerned_members(self.hub, alarm)

    # -- changing ---------------------------------------------------------------------------

    def raise_alarm(
        self,
        alarm_type: str,
        severity: Severity | str,
        *,
        source_entity_id: str | None,
        household_id: str | None,
        message: str,
        data: dict[str, Any] | None = None,
    ) -> Alarm:
        """Raise an alarm, store it and start its escalation; returns it at once.

        The household defaults to the source entity's. If an alarm of the same type and
        source is still active, that one is returned and nothing new is raised.
        """
        try:
            severity = Severity(severity)
        except ValueError:
            expected = ", ".join(Severity)
            raise AlarmError(
                f"{severity!r} is not a severity (alarm {alarm_type!r}): expected one of {expected}"
            ) from None
        if not isinstance(alarm_type, str) or not alarm_type.strip():
            raise AlarmError("An alarm needs a type, e.g. 'sos' or 'smoke'")
        data = dict(data or {})
        try:
            orjson.dumps(data)
        except TypeError as error:
            raise AlarmError(f"The data of alarm {alarm_type!r} is not JSON: {error}") from None
        if household_id is None and source_entity_id is not None:
            facts = self.hub.ownership.entity(source_entity_id)
            household_id = None if facts is None else facts.household_id
        if (existing := self._active.get((alarm_type, source_entity_id, household_id))) is not None:
            return self._open[existing]
        now = self.hub.clock.time()
        alarm = Alarm(
            id=new_id(),
            alarm_type=alarm_type,
            severity=severity,
            state=AlarmState.active_unacknowledged,
            source_entity_id=source_entity_id,
            household_id=household_id,
            message=message,
            data=data,
            raised_at=now,
            modified_at=now,
        )
        self._keep(alarm)
        self._store.save(alarm)
        _LOGGER.warning(
            "%s alarm %s raised (%s, household %s): %s",
            severity.capitalize(),
            alarm_type,
            source_entity_id or "no source",
            household_id or "none",
            message,
        )
        context = Context(origin="device")
        self.hub.bus.fire(EVENT_ALARM_RAISED, alarm.as_dict(), context)
        self.escalation.begin(alarm.id)
        return self._open[alarm.id]

    def acknowledge(self, alarm_id: str, *, by_user_id: str, comment: str | None = None) -> Alarm:
        """Someone has taken the alarm in hand: its escalation stops. Acknowledging it
        again changes nothing (but adds the comment)."""
        alarm = self._require(alarm_id)
        comment = _comment_text(comment)
        changes: dict[str, Any] = {}
        if not alarm.state.acknowledged:
            changes = {
                "state": AlarmState.of(active=alarm.state.active, acknowledged=True),
                "acknowledged_by": by_user_id,
                "acknowledged_at": self.hub.clock.time(),
                "next_escalation_at": None,
            }
            self.escalation.stop(alarm_id)
            self.hub.audit.append("alarm_acknowledged", by_user_id, _audit_data(alarm))
        return self._apply(alarm, changes, by_user_id, comment)

    def clear(
        self, alarm_id: str, *, by_user_id: str | None = None, comment: str | None = None
    ) -> Alarm:
        """The condition is over: cleared by a user, or by the device (``by_user_id``
        None). An unacknowledged alarm stays open, and escalating, until someone
        acknowledges it. Clearing it again changes nothing (but adds the comment)."""
        alarm = self._require(alarm_id)
        comment = _comment_text(comment)
        changes: dict[str, Any] = {}
        if alarm.state.active:
            changes = {
                "state": AlarmState.of(active=False, acknowledged=alarm.state.acknowledged),
                "cleared_by": by_user_id,
                "cleared_at": self.hub.clock.time(),
            }
            if by_user_id is not None:
                self.hub.audit.append("alarm_cleared", by_user_id, _audit_data(alarm))
        return self._apply(alarm, changes, by_user_id, comment)

    async def comment(self, alarm_id: str, text: str, *, by_user_id: str | None) -> Alarm:
        """Add a comment to any alarm, open or closed."""
        text = _comment_text(text)
        if (alarm := self._open.get(alarm_id)) is not None:
            return self._apply(alarm, {}, by_user_id, text)
        async with self._closed_comments:
            alarm = await self._store.get(alarm_id)
            if alarm is None:
                raise UnknownAlarm(alarm_id)
            return self._apply(alarm, {}, by_user_id, text)

    def _require(self, alarm_id: str) -> Alarm:
        alarm = self._open.get(alarm_id)
        if alarm is None:
            raise UnknownAlarm(alarm_id)
        return alarm

    def _apply(
        self, alarm: Alarm, changes: dict[str, Any], by_user_id: str | None, comment: str | None
    ) -> Alarm:
        """Store ``changes`` and the (checked) ``comment``, if any."""
        if comment is not None:
            note = Comment(by=by_user_id, at=self.hub.clock.time(), text=comment)
            changes["comments"] = (*alarm.comments, note)
        if not changes:
            return alarm
        origin = "device" if by_user_id is None else "user"
        return self.update(alarm, changes, Context(user_id=by_user_id, origin=origin))

    def update(
        self, alarm: Alarm, changes: dict[str, Any], context: Context | None = None
    ) -> Alarm:
        """Apply ``changes`` (field -> value), store the alarm and announce it with
        ``alarm_updated`` (whose ``changed`` lists the fields). Used by the escalation."""
        updated = replace(alarm, **changes, modified_at=self.hub.clock.time())
        self._unindex(alarm)
        if updated.state.open:
            self._keep(updated)  # in place: the open alarms stay oldest first
        else:
            self._open.pop(alarm.id, None)
        self._store.save(updated)
        data = {**updated.as_dict(), "changed": sorted(changes)}
        self.hub.bus.fire(EVENT_ALARM_UPDATED, data, context or Context(origin="hub"))
        return updated

    def _keep(self, alarm: Alarm) -> None:
        self._open[alarm.id] = alarm
        if alarm.state.active:
            self._active[_source_key(alarm)] = alarm.id

    def _unindex(self, alarm: Alarm) -> None:
        key = _source_key(alarm)
        if self._active.get(key) == alarm.id:
            del self._active[key]


def _source_key(alarm: Alarm) -> tuple[str, str | None, str | None]:
    """What makes two raises the same alarm while it is active."""
    return (alarm.alarm_type, alarm.source_entity_id, alarm.household_id)


def _audit_data(alarm: Alarm) -> dict[str, Any]:
    return {
        "alarm_id": alarm.id,
        "alarm_type": alarm.alarm_type,
        "household_id": alarm.household_id,
        "raised_at": alarm.raised_at,
    }
