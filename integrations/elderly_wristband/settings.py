"""One config entry's settings: the port, the community's geofence, the silence period,
and the watches whose household turned the geofence alarm on."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from linli.entities.device_tracker import distance

from .const import (
    CONF_LATITUDE,
    CONF_LONGITUDE,
    CONF_PORT,
    CONF_RADIUS,
    CONF_SILENCE_MINUTES,
    OPTION_GEOFENCE_WATCHES,
)

if TYPE_CHECKING:
    from linli.config_entries import ConfigEntry
    from linli.hub import Hub


class WatchSettings:
    """Reads the entry each time: options change while it is loaded (the geofence switch)."""

    def __init__(self, hub: Hub, entry: ConfigEntry) -> None:
        self._hub = hub
        self._entry = entry

    def _get(self, key: str) -> Any:
        return self._entry.options.get(key, self._entry.data[key])

    @property
    def port(self) -> int:
        return self._entry.data[CONF_PORT]

    @property
    def silence_period(self) -> timedelta:
        return timedelta(minutes=self._get(CONF_SILENCE_MINUTES))

    def outside_geofence(self, latitude: float, longitude: float, accuracy: float) -> bool:
        """Whether the point is surely outside the geofence, give or take ``accuracy`` m."""
        away = distance(latitude, longitude, self._get(CONF_LATITUDE), self._get(CONF_LONGITUDE))
        return away - accuracy > self._get(CONF_RADIUS)

    def geofence_alarm(self, device_id: str) -> bool:
        """Whether the watch's household wants an alarm when it leaves the geofence."""
        return device_id in self._entry.options.get(OPTION_GEOFENCE_WATCHES, ())

    def set_geofence_alarm(self, device_id: str, on: bool) -> None:
        watches = set(self._entry.options.get(OPTION_GEOFENCE_WATCHES, ()))
        watches = watches | {device_id} if on else watches - {device_id}
        options = {**self._entry.options, OPTION_GEOFENCE_WATCHES: sorted(watches)}
        self._hub.config_entries.update(self._entry, options=options)
