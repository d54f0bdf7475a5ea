"""Device trackers: where a tracked device (and the person carrying it) is.

A :class:`TrackerEntity` reports coordinates (GPS) or a location name; its state is the
name of the zone it is in: ``home`` for ``zone.home``, the zone's friendly name for any
other, ``not_home`` outside every zone. Zones are states of the ``zone`` domain with the
attributes ``latitude``, ``longitude`` and ``radius`` (metres). A :class:`ScannerEntity`
only knows whether the device is connected (to a router, a Bluetooth gateway): ``home``
or ``not_home``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, ClassVar, Final

from ..states import State
from .entity import Entity

DOMAIN = "device_tracker"

STATE_HOME: Final = "home"
STATE_NOT_HOME: Final = "not_home"
ZONE_DOMAIN: Final = "zone"
HOME_ZONE: Final = "zone.home"

EARTH_RADIUS_METERS: Final = 6_371_000.0


class SourceType(StrEnum):
    """How the tracker knows where the device is."""

    gps = "gps"
    router = "router"
    bluetooth = "bluetooth"
    bluetooth_le = "bluetooth_le"


def distance(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Metres between two points on the Earth (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_METERS * math.asin(math.sqrt(a))


class BaseTrackerEntity(Entity):
    """What trackers share: pushed, not polled, and a source type."""

    platform_domain: ClassVar[str | None] = DOMAIN

    _attr_should_poll = False
    _attr_source_type: SourceType

    @property
    def source_type(self) -> SourceType:
        return self._attr_source_type

    @property
    def state_attributes(self) -> Mapping[str, Any] | None:
        return {"source_type": self.source_type}


class TrackerEntity(BaseTrackerEntity):
    """A tracker that knows coordinates (set ``_attr_latitude`` …) or a location name."""

    _attr_source_type = SourceType.gps
    _attr_latitude: float | None = None
    _attr_longitude: float | None = None
    _attr_location_accuracy: float = 0.0  # metres
    _attr_location_name: str | None = None

    @property
    def latitude(self) -> float | None:
        return self._attr_latitude

    @property
    def longitude(self) -> float | None:
        return self._attr_longitude

    @property
    def location_accuracy(self) -> float:
        return self._attr_location_accuracy

    @property
    def location_name(self) -> str | None:
        return self._attr_location_name

    @property
    def state(self) -> str | None:
        if self.location_name is not None:
            return self.location_name
        latitude, longitude = self.latitude, self.longitude
        if latitude is None or longitude is None:
            return None
        zone = self._zone(latitude, longitude)
        if zone is None:
            return STATE_NOT_HOME
        if zone.entity_id == HOME_ZONE:
            return STATE_HOME
        return zone.attributes.get("friendly_name", zone.object_id)

    @property
    def state_attributes(self) -> Mapping[str, Any] | None:
        attributes = dict(super().state_attributes or {})
        if self.latitude is not None and self.longitude is not None:
            attributes.update(
                latitude=self.latitude,
                longitude=self.longitude,
                gps_accuracy=self.location_accuracy,
            )
        return attributes

    def _zone(self, latitude: float, longitude: float) -> State | None:
        """The smallest zone the point (give or take its accuracy) is in, or None."""
        if self.hub is None:
            return None
        best, best_radius = None, math.inf
        for zone in self.hub.states.all(ZONE_DOMAIN):
            try:
                radius = float(zone.attributes["radius"])
                away = distance(
                    latitude, longitude, zone.attributes["latitude"], zone.attributes["longitude"]
                )
            except (KeyError, TypeError, ValueError):
                continue
            if away - self.location_accuracy <= radius < best_radius:
                best, best_radius = zone, radius
        return best


class ScannerEntity(BaseTrackerEntity):
    """A tracker that only sees whether the device is connected; set ``_attr_is_connected``."""

    _attr_source_type = SourceType.router
    _attr_is_connected: bool | None = None

    @property
    def is_connected(self) -> bool | None:
        return self._attr_is_connected

    @property
    def state(self) -> str | None:
        if self.is_connected is None:
            return None
        return STATE_HOME if self.is_connected else STATE_NOT_HOME
