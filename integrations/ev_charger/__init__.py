"""EV chargers: an OCPP 1.6J central system on the hub's own server, with billing per
household and load management.

One config entry is one charging site: the endpoint its charge points connect to
(``ws://<hub>/connect/<endpoint>/<charge point id>``, subprotocol ``ocpp1.6``), the
community's supply limit for charging, the prices and the idle-fee grace period. Charge
points are registered by the operator (``ev_charger.register_charge_point``) or, if the
site allows it, on first connection. Residents charge with a card the operator registered
for their household, or from the app; each session is billed to that household through
``hub.metering``, at the prices of the day it started.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from .central_system import CentralSystem
from .const import DOMAIN
from .id_tags import ID_TAGS, IdTags
from .services import Services
from .settings import SiteSettings
from .site import ChargingSite

if TYPE_CHECKING:
    from linli.config_entries import ConfigEntry
    from linli.events import Unsubscribe
    from linli.hub import Hub

PLATFORMS: Final = ["binary_sensor", "sensor"]


@dataclass(frozen=True, slots=True)
class ChargingSiteRuntime:
    """One entry's running parts (``hub.data[DOMAIN][entry.id]``)."""

    entry_id: str
    site: ChargingSite
    central_system: CentralSystem
    unregister: Unsubscribe
    withdraw_figures: Unsubscribe


async def async_setup_entry(hub: Hub, entry: ConfigEntry) -> bool:
    """Load the site's charge points and sessions, add their entities, open the endpoint."""
    settings = SiteSettings.of(entry)
    if (id_tags := hub.data.get(ID_TAGS)) is None:  # the first site: the hub's cards
        id_tags = hub.data[ID_TAGS] = IdTags(hub)
        await id_tags.load()
    site = ChargingSite(hub, entry.id, settings, id_tags)
    await site.load()
    central_system = CentralSystem(site)
    unregister = hub.http.endpoints.register(settings.endpoint, central_system.handle)
    runtimes = hub.data.setdefault(DOMAIN, {})
    if not runtimes:
        Services(hub).register()
    withdraw_figures = hub.figures.contribute(DOMAIN, site.figures)
    runtimes[entry.id] = ChargingSiteRuntime(
        entry.id, site, central_system, unregister, withdraw_figures
    )
    await hub.config_entries.forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hub: Hub, entry: ConfigEntry) -> bool:
    """Close the endpoint and every charge point's connection; sessions stay saved."""
    runtimes = hub.data[DOMAIN]
    runtime: ChargingSiteRuntime = runtimes.pop(entry.id)
    runtime.unregister()
    runtime.withdraw_figures()
    await runtime.central_system.close()
    if not runtimes:
        Services(hub).remove()
        del hub.data[ID_TAGS]
    return True
