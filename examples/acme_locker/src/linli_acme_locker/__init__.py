"""Acme Courier Locker: the free compartments and waiting parcels of a courier locker bank.

One config entry per locker bank; the bank answers status requests on the community's
network (see :mod:`.api`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from linli.exceptions import ConfigEntryNotReady

from .api import LockerBank, LockerBankClient, LockerBankError
from .const import CONF_HOST, CONF_PORT, DOMAIN

if TYPE_CHECKING:
    from linli.config_entries import ConfigEntry
    from linli.hub import Hub

PLATFORMS: Final = ["sensor"]


async def async_setup_entry(hub: Hub, entry: ConfigEntry) -> bool:
    """Reach the bank, keep its status for the sensors, and add them."""
    client = LockerBankClient(entry.data[CONF_HOST], entry.data[CONF_PORT])
    try:
        status = await client.get_status()
    except LockerBankError as error:
        raise ConfigEntryNotReady(str(error)) from error
    hub.data.setdefault(DOMAIN, {})[entry.id] = LockerBank(client, status, hub.clock.now)
    await hub.config_entries.forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hub: Hub, entry: ConfigEntry) -> bool:
    """Forget the bank; the sensors go with the entry."""
    hub.data.get(DOMAIN, {}).pop(entry.id, None)
    return True
