"""Names the whole core shares: event types and the match-all marker."""

from typing import Final

MATCH_ALL: Final = "*"

EVENT_STATE_CHANGED: Final = "state_changed"
EVENT_CALL_SERVICE: Final = "call_service"
EVENT_SERVICE_REGISTERED: Final = "service_registered"
EVENT_SERVICE_REMOVED: Final = "service_removed"
EVENT_HUB_STARTED: Final = "hub_started"
EVENT_HUB_STOP: Final = "hub_stop"

MAX_STATE_LENGTH: Final = 255
