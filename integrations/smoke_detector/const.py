"""Constants of the smoke_detector integration."""

from typing import Final

DOMAIN: Final = "smoke_detector"

CONF_TOPIC: Final = "topic"
CONF_NAME: Final = "name"
CONF_DETECTS: Final = "detects"  # which of DETECTIONS the detector has
CONF_REPORT_INTERVAL: Final = "report_interval"  # hours a working detector is never silent

# Most Zigbee detectors report battery and status at least every hour; a few every four.
DEFAULT_REPORT_INTERVAL: Final = 4

# What a detector detects: the field of its zigbee2mqtt state, and the alarm type it raises.
DETECTIONS: Final = ("smoke", "gas", "water_leak")
ALARM_TROUBLE: Final = "detector_trouble"
ALARM_SILENT: Final = "detector_silent"
EVENT_DETECTOR_TEST: Final = "smoke_detector_test"
