"""The household a parcel is for, from the address the courier typed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from linli.exceptions import RegistryError

from .model import UnknownRecipient

if TYPE_CHECKING:
    from linli.hub import Hub


def household_at(hub: Hub, recipient: str) -> str:
    """The id of the one household living at ``recipient`` ("7-2-1203", "7号楼 2单元
    1203"); :class:`UnknownRecipient` saying why when there is not exactly one."""
    community = hub.community
    try:
        unit = community.units.get_by_address(recipient)
    except RegistryError as error:
        raise UnknownRecipient(str(error), "recipient") from None
    if unit is None:
        raise UnknownRecipient(f"No unit {recipient!r} in this community", "recipient")
    households = community.households.households_in_unit(unit.id)
    if len(households) != 1:
        raise UnknownRecipient(
            f"{len(households) or 'No'} households live in unit {unit.address}: the property "
            "office decides whose the parcel is",
            "recipient",
        )
    return households[0].id
