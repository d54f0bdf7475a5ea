"""One detector: its zigbee2mqtt state messages, and the alarms they raise.

A detection (``smoke``, ``gas`` or ``water_leak`` true) raises a critical alarm for the
household, unless the message says it is a test (``test`` true: someone pressed the test
button), which is recorded and announced instead. ``trouble`` (or ``fault``) raises a major
alarm: the detector may not detect. A detector silent for longer than its report interval
raises a warning. When the condition ends the detector clears its alarm; a person still
has to acknowledge it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from linli.context import Context
from linli.helpers.event import call_later
from linli.integrations import mqtt
from linli.integrations.mqtt.bad_input import BadInput

from .const import ALARM_SILENT, ALARM_TROUBLE, DETECTIONS, EVENT_DETECTOR_TEST

if TYPE_CHECKING:
    from linli.hub import Hub

_LOGGER = logging.getLogger(__name__)

MAX_PAYLOAD: Final = 8192
TROUBLE_FIELDS: Final = ("trouble", "fault")
# The fields kept from a state message, and the types they must have.
FIELDS: Final = {
    **dict.fromkeys((*DETECTIONS, "tamper", "battery_low", "test", *TROUBLE_FIELDS), bool),
    "battery": (int, float),
}


def parse_state(payload: str) -> dict[str, Any]:
    """The known fields of a state message; ValueError when it is not one."""
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"longer than {MAX_PAYLOAD} characters")
    data = json.loads(payload)
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    found = {}
    for name, kinds in FIELDS.items():
        value = data.get(name)
        if value is None:
            continue
        if not isinstance(value, kinds) or (kinds is not bool and isinstance(value, bool)):
            raise ValueError(f"{name} is {value!r}")
        found[name] = value
    return found


@dataclass(eq=False)
class Detector:
    """The latest state of one detector and the alarms it has raised."""

    hub: Hub
    name: str
    topic: str
    household_id: str | None
    report_interval: timedelta
    bad_input: BadInput
    state: dict[str, Any] = field(default_factory=dict)
    last_seen: datetime | None = None
    last_test: datetime | None = None
    silent: bool = False
    # Entity ids by field, set by the platforms: an alarm names the entity it comes from.
    entity_ids: dict[str, str] = field(default_factory=dict)
    # The entities' write_state, with the fields each shows: called when one changes.
    listeners: list[tuple[frozenset[str], Callable[[], None]]] = field(default_factory=list)
    _alarms: dict[str, str] = field(default_factory=dict)  # alarm type -> active alarm id
    _cancel_silence: Callable[[], None] | None = None

    def start(self) -> Callable[[], None]:
        """Subscribe and start the silence timer; returns the function that stops both."""
        unsubscribe = mqtt.subscribe(self.hub, self.topic, self._received, qos=1)
        self._arm_silence()

        def stop() -> None:
            unsubscribe()
            self._disarm_silence()

        return stop

    def _received(self, message: mqtt.ReceivedMessage) -> None:
        try:
            state = parse_state(str(message.payload))
        except (ValueError, RecursionError) as error:
            self.bad_input.drop(message.topic, "invalid_state", f"{self.name}: {error}")
            return
        changed = {name for name, value in state.items() if self.state.get(name) != value}
        if "test" in state:
            changed.update(DETECTIONS)  # their last_test attribute
        self.state.update(state)
        self.last_seen = self.hub.clock.now()
        self._arm_silence()
        heard_again = self.silent
        if self.silent:
            self.silent = False
            self._clear(ALARM_SILENT)
        self._apply(state)
        # A detector repeats "all is well" every few minutes: only what changed is written.
        self._notify(None if heard_again else changed)

    def _notify(self, changed: set[str] | None) -> None:
        """Tell the entities showing a field in ``changed`` (None: every entity)."""
        for fields, listener in list(self.listeners):
            if changed is None or not fields.isdisjoint(changed):
                listener()

    def _apply(self, state: dict[str, Any]) -> None:
        if state.get("test"):
            self.last_test = self.hub.clock.now()
            _LOGGER.info("Detector %s reported a test", self.name)
            self.hub.bus.fire(
                EVENT_DETECTOR_TEST,
                {"topic": self.topic, "name": self.name, "household_id": self.household_id},
                context=Context(origin="smoke_detector"),
            )
        else:
            for detection in DETECTIONS:
                if detection in state:
                    self._set(detection, state[detection], "critical", f"{detection} detected")
        trouble = next((state[name] for name in TROUBLE_FIELDS if name in state), None)
        if trouble is not None:
            self._set(ALARM_TROUBLE, trouble, "major", "reports a fault: it may not detect")

    def _set(self, alarm_type: str, on: bool, severity: str, what: str) -> None:
        if not on:
            self._clear(alarm_type)
            return
        source = self.entity_ids.get(alarm_type if alarm_type in DETECTIONS else "trouble")
        alarm = self.hub.alarms.raise_alarm(
            alarm_type,
            severity,
            source_entity_id=source,
            household_id=self.household_id,
            message=f"{self.name}: {what.replace('_', ' ')}",
            data={"topic": self.topic, "battery": self.state.get("battery")},
        )
        self._alarms[alarm_type] = alarm.id

    def _clear(self, alarm_type: str) -> None:
        alarm_id = self._alarms.pop(alarm_type, None)
        if alarm_id is not None:
            self.hub.alarms.clear(alarm_id, comment="the detector reports the condition over")

    # -- silence -----------------------------------------------------------------------------

    def _arm_silence(self) -> None:
        self._disarm_silence()
        self._cancel_silence = call_later(self.hub, self.report_interval, self._silent)

    def _disarm_silence(self) -> None:
        if self._cancel_silence is not None:
            self._cancel_silence()
            self._cancel_silence = None

    def _silent(self, _now: datetime) -> None:
        self._cancel_silence = None
        self.silent = True
        hours = self.report_interval.total_seconds() / 3600
        alarm = self.hub.alarms.raise_alarm(
            ALARM_SILENT,
            "warning",
            source_entity_id=self.entity_ids.get("battery"),
            household_id=self.household_id,
            message=f"{self.name} has sent nothing for {hours:g} hours: check its battery",
            data={"topic": self.topic, "last_seen": self.last_seen and self.last_seen.isoformat()},
        )
        self._alarms[ALARM_SILENT] = alarm.id
        self._notify(None)
