"""Alarms: raised by integrations through one API (``hub.alarms.raise_alarm``), stored at
once, acknowledged and cleared by people, escalated along a ladder until someone
acknowledges them, and restored with their escalation after a restart."""

from .model import EVENT_ALARM_RAISED, EVENT_ALARM_UPDATED, Alarm, AlarmState, Comment, Severity

__all__ = [
    "EVENT_ALARM_RAISED",
    "EVENT_ALARM_UPDATED",
    "Alarm",
    "AlarmState",
    "Comment",
    "Severity",
]
