"""Smoke, gas and water-leak detectors that report through zigbee2mqtt (MQTT).

One config entry per detector, for its household: the detector's state topic (e.g.
``zigbee2mqtt/kitchen_smoke``), a name, and how often it reports when all is well. The
detector is offered for setup when zigbee2mqtt publishes a state with ``smoke``, ``gas`` or
``water_leak`` (the manifest's ``mqtt`` topics); it can also be added by hand.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Final

from linli.integrations.mqtt.bad_input import BadInput

from .const import CONF_NAME, CONF_REPORT_INTERVAL, CONF_TOPIC, DOMAIN
from .detector import Detector

if TYPE_CHECKING:
    from linli.config_entries import ConfigEntry
    from linli.hub import Hub

PLATFORMS: Final = ["binary_sensor", "sensor"]


def bad_input(hub: Hub) -> BadInput:
    """The state messages dropped by every detector of the hub, counted by reason."""
    return hub.data.setdefault(f"{DOMAIN}.bad_input", BadInput())


async def async_setup_entry(hub: Hub, entry: ConfigEntry) -> bool:
    detector = Detector(
        hub=hub,
        name=entry.data[CONF_NAME],
        topic=entry.data[CONF_TOPIC],
        household_id=entry.household_id,
        report_interval=timedelta(hours=entry.data[CONF_REPORT_INTERVAL]),
        bad_input=bad_input(hub),
    )
    hub.data.setdefault(DOMAIN, {})[entry.id] = detector
    await hub.config_entries.forward_entry_setups(entry, PLATFORMS)
    hub.config_entries.on_unload(entry, detector.start())
    return True


async def async_unload_entry(hub: Hub, entry: ConfigEntry) -> bool:
    hub.data.get(DOMAIN, {}).pop(entry.id, None)
    return True
