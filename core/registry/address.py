"""Chinese flat addresses: "7号楼 2单元 1203", "7栋1203室", "7-2-1203".

A flat's number carries its floor in all but the last two digits (1203: floor 12, flat
03); a "B" in front marks a basement (B102: floor -1).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..exceptions import RegistryError

_BUILDING = r"(?P<building>[0-9A-Z]+)"
_UNIT = r"(?P<unit>[0-9A-Z]+)"
_ROOM = r"(?P<room>B?\d{3,5})"
_FORMS = (
    # 7号楼 2单元 1203室; 7栋1203; A座 2单元 0502
    re.compile(rf"{_BUILDING}\s*(?:号楼|栋|幢|座|号)\s*(?:{_UNIT}\s*单元)?\s*{_ROOM}\s*(?:室|号)?"),
    # 7-2-1203; 7-1203
    re.compile(rf"{_BUILDING}\s*-\s*(?:{_UNIT}\s*-\s*)?{_ROOM}"),
)
EXPECTED = "'7号楼 2单元 1203', '7栋1203室' or '7-2-1203' (building, optional unit, flat)"


@dataclass(frozen=True, slots=True)
class Address:
    """A flat: building, unit (None where buildings have none), floor and flat number."""

    building: str
    unit: str | None
    floor: int
    room: str

    @property
    def floor_name(self) -> str:
        """The floor as residents say it: "12层", or "B1层" below ground."""
        return f"{self.floor}层" if self.floor > 0 else f"B{-self.floor}层"


def parse_address(text: str) -> Address:
    """Read a flat's address; raise :class:`RegistryError` naming the forms it accepts.

    Full-width digits and dashes (as typed on a Chinese keyboard) and any spacing are fine.
    """
    normalized = unicodedata.normalize("NFKC", text).strip().upper()
    for form in _FORMS:
        if match := form.fullmatch(normalized):
            room = match["room"]
            digits = room.removeprefix("B")
            floor = int(digits[:-2])
            if floor == 0:
                break
            return Address(
                building=match["building"],
                unit=match["unit"],
                floor=-floor if room.startswith("B") else floor,
                room=room,
            )
    raise RegistryError(f"Cannot read the address {text!r}: expected e.g. {EXPECTED}")
