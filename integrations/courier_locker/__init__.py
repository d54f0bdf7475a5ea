"""Courier lockers (快递柜): banks of compartments where couriers leave parcels for the
households, run by a vendor's courier system that talks to the hub through a webhook.

One config entry is one bank: its name, its compartments (so many small, medium and large,
numbered from 1 in that order), the endpoint its courier system posts to
(``/connect/<endpoint>/webhook``, default ``lockers``; the entry's unique id), the secret
that system signs with, and the fees and limits (options): free storage (48 h), the
overdue fee per started day after it (in fen), the wrong codes that lock a code (5), and
the days after which a parcel goes back to the courier (7).

The life of a parcel:

- **deposit**: the courier system reports a parcel in a compartment, with the recipient's
  address ("7-2-1203", "7号楼 2单元 1203"). The one household living there gets a random
  6-digit pickup code in a notification and on its waiting-parcels sensor. An address
  where no single household lives is answered 422 naming ``recipient``, but the parcel is
  kept (it is in the compartment already) and the property office told; it assigns it
  with ``courier_locker.assign_parcel``. A repeated deposit changes nothing.
- **pickup**: the locker's keypad asks the hub about a typed code. The right one opens
  the compartment once: the parcel is picked up, the compartment free, and if the parcel
  stayed past its free storage (counted from when the household was told) the overdue fee
  is metered for the household's monthly statement (market funding bills it, public
  funding records it free). Each wrong code costs a try; at the limit the code locks, the
  property office gets a warning alarm and the household is asked to come to the desk,
  which issues a new code (``courier_locker.reissue_code``).
- **overdue** and **expired**: a sweep every minute tells the household when the free
  storage is over, and after the expiry days marks the parcel expired and tells the
  household and the property office; the code still opens it until the courier takes it
  back with **return**, which frees the compartment.

Entities: per compartment a sensor (free, occupied, locked; its size) and its door; per
bank the free compartments of each size; per household a waiting-parcels sensor on a
device of that household, holding the pickup codes, so other households never see them.
Parcels and door states are stored (:mod:`.store`) and survive a restart. The webhook and
its refusals: :mod:`.webhook`; the signatures: :mod:`.signed`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from linli.exceptions import ConfigEntryError

from .bank import LockerBank
from .const import DOMAIN
from .services import register_services, remove_services
from .settings import BankSettings
from .signed import replay_guard
from .store import BankStore
from .webhook import webhook

if TYPE_CHECKING:
    from linli.config_entries import ConfigEntry
    from linli.hub import Hub

PLATFORMS: Final = ["binary_sensor", "sensor"]


async def async_setup_entry(hub: Hub, entry: ConfigEntry) -> bool:
    """Load the bank's parcels, add its entities, then take the courier system's requests."""
    settings = BankSettings.of(entry)
    bank = LockerBank(hub, entry.id, settings)
    await bank.load()
    hub.data.setdefault(DOMAIN, {})[entry.id] = bank

    def forget() -> None:
        del hub.data[DOMAIN][entry.id]
        remove_services(hub)

    hub.config_entries.on_unload(entry, forget)
    await hub.config_entries.forward_entry_setups(entry, PLATFORMS)
    handler = webhook(bank, replay_guard(hub, settings.endpoint))
    try:
        hub.config_entries.on_unload(entry, hub.http.endpoints.register(settings.endpoint, handler))
    except ValueError as error:  # another integration has the endpoint
        raise ConfigEntryError(str(error)) from None
    hub.config_entries.on_unload(entry, bank.start())
    hub.config_entries.on_unload(entry, hub.figures.contribute(DOMAIN, bank.figures))
    register_services(hub)
    return True


async def async_unload_entry(hub: Hub, entry: ConfigEntry) -> bool:
    """Everything stops in the unload callbacks the setup registered."""
    return True


async def async_remove_entry(hub: Hub, entry: ConfigEntry) -> None:
    """A removed bank's parcels and doors go with it."""
    await BankStore(hub, entry.id).remove_all()
