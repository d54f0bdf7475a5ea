"""Constants of the Acme Courier Locker integration."""

from datetime import timedelta
from typing import Final

DOMAIN: Final = "acme_locker"
MANUFACTURER: Final = "Acme Lockers"

CONF_HOST: Final = "host"
CONF_PORT: Final = "port"
DEFAULT_PORT: Final = 9100

# A parcel left longer than this is overdue: the courier company starts charging for it.
OVERDUE_AFTER: Final = timedelta(hours=24)
# Several sensors poll together; one status request serves them all within this time.
STATUS_MAX_AGE: Final = timedelta(seconds=5)
