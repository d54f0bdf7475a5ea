"""The alarms a watch raises.

- SOS pressed, or a fall detected (the status bits of a report): a critical alarm, which
  people clear.
- The wearer left the community's geofence: a major alarm, only for watches whose
  household turned the geofence alarm on and whose location the hub may collect (the
  wearer consented); cleared (as the device's doing) when a fix puts them back inside.
- No frame for the configured period: a major alarm, cleared by the next frame.

SOS, fall and silence alarms are raised with or without consent: they protect the
wearer's life. Every alarm names its source entity and the watch's household; its data
holds the watch's last position only where the hub may collect it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from linli.alarms import Severity
from linli.entities import EntityDescription
from linli.entities.binary_sensor import DOMAIN as BINARY_SENSOR
from linli.entities.device_tracker import DOMAIN as DEVICE_TRACKER
from linli.events import Unsubscribe
from linli.helpers.event import call_later

from .binary_sensor import FALL_DETECTED, SIGN_OF_LIFE, SOS_PRESSED
from .const import DOMAIN, GPS_ACCURACY_METERS
from .device_tracker import LOCATION
from .entity import unique_id_of
from .fleet import Watch, WatchFleet
from .messages import Message, PositionReport
from .settings import WatchSettings

if TYPE_CHECKING:
    from linli.hub import Hub

SOS = "sos"
FALL = "fall"
LEFT_GEOFENCE = "left_geofence"
NO_SIGN_OF_LIFE = "no_sign_of_life"

# alarm type -> the platform and description of its source entity
_SOURCES: dict[str, tuple[str, EntityDescription]] = {
    SOS: (BINARY_SENSOR, SOS_PRESSED),
    FALL: (BINARY_SENSOR, FALL_DETECTED),
    LEFT_GEOFENCE: (DEVICE_TRACKER, LOCATION),
    NO_SIGN_OF_LIFE: (BINARY_SENSOR, SIGN_OF_LIFE),
}


class AlarmRules:
    """Raises and clears the alarms of one entry's watches."""

    def __init__(self, hub: Hub, settings: WatchSettings, fleet: WatchFleet) -> None:
        self._hub = hub
        self._settings = settings
        self._fleet = fleet
        self._silence_timers: dict[str, Unsubscribe] = {}

    def start(self) -> None:
        """Expect a sign of life from every known watch within the silence period."""
        for watch in self._fleet.watches.values():
            self._expect_sign_of_life(watch)

    def stop(self) -> None:
        for cancel in self._silence_timers.values():
            cancel()
        self._silence_timers.clear()

    def check(self, watch: Watch, message: Message) -> None:
        """Apply the rules to a message ``watch`` has just sent (and the watch has taken)."""
        self._expect_sign_of_life(watch)
        self._clear(watch, NO_SIGN_OF_LIFE)
        if not isinstance(message, PositionReport) or message.historic:
            return
        if message.status.sos:
            self._raise(watch, SOS, Severity.critical, f"{watch.name}: SOS")
        if message.status.fall:
            self._raise(watch, FALL, Severity.critical, f"{watch.name}: a fall detected")
        if (
            message.fix
            and self._settings.geofence_alarm(watch.device_id)
            and self._may_locate(watch)
        ):
            self._check_geofence(watch, message)

    def _check_geofence(self, watch: Watch, report: PositionReport) -> None:
        if self._settings.outside_geofence(report.latitude, report.longitude, GPS_ACCURACY_METERS):
            message = f"{watch.name} has left the community"
            self._raise(watch, LEFT_GEOFENCE, Severity.major, message)
        else:
            self._clear(watch, LEFT_GEOFENCE)

    def _expect_sign_of_life(self, watch: Watch) -> None:
        if (cancel := self._silence_timers.pop(watch.device_id, None)) is not None:
            cancel()

        def silent(_now: datetime) -> None:
            del self._silence_timers[watch.device_id]
            watch.fell_silent()
            minutes = round(self._settings.silence_period.total_seconds() / 60)
            self._raise(
                watch,
                NO_SIGN_OF_LIFE,
                Severity.major,
                f"{watch.name} has sent nothing for {minutes} minutes",
            )

        self._silence_timers[watch.device_id] = call_later(
            self._hub, self._settings.silence_period, silent
        )

    def _source(self, watch: Watch, alarm_type: str) -> str | None:
        """The entity_id of the alarm's source entity (None if it is not registered)."""
        platform, description = _SOURCES[alarm_type]
        return self._hub.entities.get_entity_id(
            platform, DOMAIN, unique_id_of(watch.device_id, description.key)
        )

    def _may_locate(self, watch: Watch) -> bool:
        """Whether the hub may collect the wearer's location (the consent gate)."""
        location = self._source(watch, LEFT_GEOFENCE)
        return location is not None and self._hub.consent.may_collect(location, DOMAIN)

    def _raise(self, watch: Watch, alarm_type: str, severity: Severity, message: str) -> None:
        data: dict[str, Any] = {"device_id": watch.device_id}
        if watch.position is not None and self._may_locate(watch):
            data.update(latitude=watch.position.latitude, longitude=watch.position.longitude)
        device = self._hub.devices.get_by_identifier(DOMAIN, watch.device_id)
        self._hub.alarms.raise_alarm(
            alarm_type,
            severity,
            source_entity_id=self._source(watch, alarm_type),
            household_id=None if device is None else device.household_id,
            message=message,
            data=data,
        )

    def _clear(self, watch: Watch, alarm_type: str) -> None:
        """The condition is over: clear its active alarm, as the device (no user)."""
        source = self._source(watch, alarm_type)
        if source is None:
            return
        for alarm in self._hub.alarms.active():
            if alarm.alarm_type == alarm_type and alarm.source_entity_id == source:
                self._hub.alarms.clear(alarm.id)
