"""Constants of the elderly wristband integration."""

from typing import Final

DOMAIN: Final = "elderly_wristband"

CONF_PORT: Final = "port"
CONF_LATITUDE: Final = "latitude"  # the centre of the community's geofence
CONF_LONGITUDE: Final = "longitude"
CONF_RADIUS: Final = "radius"  # of the geofence, in metres
CONF_SILENCE_MINUTES: Final = "silence_minutes"  # no sign of life for this long: an alarm
# Option: the device ids of the watches whose household turned the geofence alarm on.
OPTION_GEOFENCE_WATCHES: Final = "geofence_watches"

DEFAULT_PORT: Final = 8001
DEFAULT_RADIUS: Final = 500
# Watches send a keep-alive every 5 to 8 minutes; an hour without any frame is not a gap.
DEFAULT_SILENCE_MINUTES: Final = 60

# The protocol carries no accuracy. A GPS fix of the receivers in these watches is good
# to about this many metres under open sky; the tracker and the geofence assume it.
GPS_ACCURACY_METERS: Final = 20.0

MODEL: Final = "GPS watch"
