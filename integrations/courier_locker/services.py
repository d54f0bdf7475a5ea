"""The property office's services, for every bank (named by its endpoint):

- ``courier_locker.reissue_code`` {bank, compartment}: a new pickup code for the parcel
  in the compartment, sent to its household; it unlocks a locked code.
- ``courier_locker.assign_parcel`` {bank, parcel_id, recipient}: give a parcel the hub
  could not place to the household at ``recipient`` (an address, as a courier types it).

They target no entity, so only operators and admins may call them through the API.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Final

import voluptuous as vol

from linli.exceptions import ServiceValidationError
from linli.services import ServiceCall

from .const import DOMAIN
from .model import LockerError

if TYPE_CHECKING:
    from linli.hub import Hub

    from .bank import LockerBank

REISSUE_CODE: Final = "reissue_code"
ASSIGN_PARCEL: Final = "assign_parcel"
TEXT: Final = vol.All(str, vol.Length(min=1, max=64))
SCHEMAS: Final = {
    REISSUE_CODE: vol.Schema(
        {vol.Required("bank"): TEXT, vol.Required("compartment"): vol.All(int, vol.Range(min=1))}
    ),
    ASSIGN_PARCEL: vol.Schema(
        {
            vol.Required("bank"): TEXT,
            vol.Required("parcel_id"): TEXT,
            vol.Required("recipient"): TEXT,
        }
    ),
}


def register_services(hub: Hub) -> None:
    """Register the services (once, whichever bank is set up first)."""
    if hub.services.has(DOMAIN, REISSUE_CODE):
        return

    async def reissue_code(call: ServiceCall) -> None:
        bank = _bank(hub, call)
        with _refusals(call):
            bank.reissue_code(call.data["compartment"], call.context.user_id)

    async def assign_parcel(call: ServiceCall) -> None:
        bank = _bank(hub, call)
        with _refusals(call):
            await bank.assign(call.data["parcel_id"], call.data["recipient"])

    hub.services.register(DOMAIN, REISSUE_CODE, reissue_code, SCHEMAS[REISSUE_CODE])
    hub.services.register(DOMAIN, ASSIGN_PARCEL, assign_parcel, SCHEMAS[ASSIGN_PARCEL])


def remove_services(hub: Hub) -> None:
    """Remove the services once no bank is loaded."""
    if not hub.data.get(DOMAIN) and hub.services.has(DOMAIN, REISSUE_CODE):
        for service in SCHEMAS:
            hub.services.remove(DOMAIN, service)


@contextmanager
def _refusals(call: ServiceCall) -> Iterator[None]:
    """What the bank refuses, as the service's error naming the field."""
    try:
        yield
    except LockerError as error:
        raise ServiceValidationError(DOMAIN, call.service, error.message, error.field) from None


def _bank(hub: Hub, call: ServiceCall) -> LockerBank:
    banks: dict[str, LockerBank] = hub.data.get(DOMAIN, {})
    name = call.data["bank"]
    for bank in banks.values():
        if bank.settings.endpoint == name:
            return bank
    known = ", ".join(sorted(bank.settings.endpoint for bank in banks.values()))
    raise ServiceValidationError(
        DOMAIN, call.service, f"No locker bank {name!r}: the banks are {known}", "bank"
    )
