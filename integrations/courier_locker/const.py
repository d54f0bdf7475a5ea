"""Constants of the courier_locker integration."""

from typing import Final

DOMAIN: Final = "courier_locker"

# The entry's data: the bank and how the courier system reaches it.
CONF_NAME: Final = "name"
CONF_ENDPOINT: Final = "endpoint"  # /connect/<endpoint>/webhook; the entry's unique id
CONF_SECRET: Final = "secret"  # shared with the courier system, signs every request
CONF_SMALL: Final = "small"  # how many compartments of each size
CONF_MEDIUM: Final = "medium"
CONF_LARGE: Final = "large"
# Data at first, options afterwards: the fees and limits.
CONF_OVERDUE_HOURS: Final = "overdue_hours"  # free storage; a fee per started day after
CONF_OVERDUE_FEE: Final = "overdue_fee_fen"  # per started day overdue
CONF_MAX_TRIES: Final = "max_tries"  # wrong pickup codes before the code locks
CONF_EXPIRE_DAYS: Final = "expire_days"  # after this the courier takes the parcel back

DEFAULT_ENDPOINT: Final = "lockers"
DEFAULT_OVERDUE_HOURS: Final = 48
DEFAULT_OVERDUE_FEE: Final = 100  # fen: ¥1.00 a day
DEFAULT_MAX_TRIES: Final = 5
DEFAULT_EXPIRE_DAYS: Final = 7
MIN_SECRET_LENGTH: Final = 16

WEBHOOK_PATH: Final = "webhook"  # the courier system posts to /connect/<endpoint>/webhook
ALARM_CODE_LOCKED: Final = "pickup_code_locked"
# What metering calls the fee, and the unit it counts.
FEE_ITEM: Final = "overdue_fee"
FEE_UNIT: Final = "day"
