"""Elderly wristbands: GPS watches that speak the Chinese watch text protocol over TCP.

One config entry is one TCP server (a port) with the community's geofence and the period
after which a silent watch raises an alarm. Watches connect on their own; each one that
sends a frame becomes a device with its entities. Its household is set on the device,
and its wearer (the data subject) and their consent through ``hub.consent``: without
consent its entities show ``unavailable``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from linli.exceptions import ConfigEntryNotReady

from .const import DOMAIN
from .fleet import WatchFleet
from .framing import Frame
from .messages import Message
from .rules import AlarmRules
from .server import WatchServer
from .settings import WatchSettings

if TYPE_CHECKING:
    from linli.config_entries import ConfigEntry
    from linli.hub import Hub

PLATFORMS: Final = ["binary_sensor", "device_tracker", "sensor", "switch"]


@dataclass(frozen=True, slots=True)
class WristbandSite:
    """One entry's running parts (``hub.data[DOMAIN][entry.id]``)."""

    settings: WatchSettings
    fleet: WatchFleet
    rules: AlarmRules
    server: WatchServer


async def async_setup_entry(hub: Hub, entry: ConfigEntry) -> bool:
    """Add the known watches' entities, then listen for the watches."""
    settings = WatchSettings(hub, entry)
    fleet = WatchFleet(hub, entry.id)
    rules = AlarmRules(hub, settings, fleet)

    async def receive(frame: Frame, message: Message) -> None:
        watch = await fleet.watch(frame.vendor, frame.device_id)
        watch.heard(message, hub.clock.now())
        rules.check(watch, message)

    server = WatchServer(settings.port, receive)
    hub.data.setdefault(DOMAIN, {})[entry.id] = WristbandSite(settings, fleet, rules, server)
    await hub.config_entries.forward_entry_setups(entry, PLATFORMS)
    try:
        await server.start()
    except OSError as error:
        del hub.data[DOMAIN][entry.id]
        raise ConfigEntryNotReady(
            f"Cannot listen for watches on port {settings.port}: {error.strerror or error}"
        ) from error
    rules.start()
    return True


async def async_unload_entry(hub: Hub, entry: ConfigEntry) -> bool:
    """Close the connections and stop the timers; the entities go with the entry."""
    site: WristbandSite = hub.data[DOMAIN].pop(entry.id)
    await site.server.stop()
    site.rules.stop()
    return True
