"""Units (专有部分): the flats owners vote for, each with its exclusive area.

A unit is one (building, unit, room) address; its area is kept in dm² (an integer) so that
a tally's sums are exact. :func:`area_dm2` reads areas as property offices write them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final

from ..exceptions import RegistryError
from ..registry.address import Address, parse_address
from ..registry.base import Registry, check_field_names, new_id
from ..storage import community_schema

if TYPE_CHECKING:
    from ..hub import Hub

EVENT_UNIT_REGISTRY_UPDATED: Final = "unit_registry_updated"
MAX_AREA_DM2: Final = 10_000 * 100  # 10,000 m²: larger is a typing error, not a flat
UPDATABLE_FIELDS: Final = frozenset({"area_dm2"})
MAX_PART: Final = 16  # characters of a building, unit or room (their columns' length)


def area_dm2(value: Any) -> int:
    """An area in m² ("89.35", 89.35, "89.35㎡") as whole dm²; a clear error otherwise."""
    text = str(value).strip().removesuffix("㎡").removesuffix("m²").removesuffix("m2").strip()
    try:
        square_metres = Decimal(text)
    except InvalidOperation:
        square_metres = Decimal("NaN")
    if not square_metres.is_finite():
        raise RegistryError(f"Area {value!r} is not a number of square metres")
    if not 0 < square_metres <= MAX_AREA_DM2 / 100:
        raise RegistryError(f"Area {value!r} must be above 0 and at most 10000 m²")
    dm2 = square_metres * 100
    if dm2 != dm2.to_integral_value():
        raise RegistryError(f"Area {value!r} has more than two decimals")
    return int(dm2)


def unit_address(text: str) -> Address:
    """``text`` read as a unit's address (see :func:`parse_address`); a
    :class:`RegistryError` also when a part is too long to keep."""
    address = parse_address(text)
    for part in ("building", "unit", "room"):
        if len(getattr(address, part) or "") > MAX_PART:
            raise RegistryError(
                f"The {part} of address {text!r} is longer than {MAX_PART} characters"
            )
    return address


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitEntry:
    id: str
    building: str
    unit: str  # "" where buildings have no units
    room: str
    area_dm2: int
    created_at: float
    modified_at: float

    @property
    def address(self) -> str:
        """The address as residents write it: "7号楼 2单元 1203"."""
        unit = f" {self.unit}单元" if self.unit else ""
        return f"{self.building}号楼{unit} {self.room}"

    @property
    def area_m2(self) -> Decimal:
        return Decimal(self.area_dm2) / 100


class UnitRegistry(Registry[UnitEntry]):
    """The community's units, by id and by address."""

    record_name = "Unit"
    event_type = EVENT_UNIT_REGISTRY_UPDATED
    event_id_key = "unit_id"

    def __init__(self, hub: Hub) -> None:
        super().__init__(hub, community_schema.units, UnitEntry, {})
        self._by_address: dict[tuple[str, str, str], str] = {}

    def get_by_address(self, text: str) -> UnitEntry | None:
        """The unit at ``text`` ("7号楼 2单元 1203", "7-2-1203"); None if there is none."""
        address = unit_address(text)
        unit_id = self._by_address.get((address.building, address.unit or "", address.room))
        return None if unit_id is None else self._records[unit_id]

    def total_area_dm2(self) -> int:
        return sum(unit.area_dm2 for unit in self._records.values())

    def describe(self, record: UnitEntry) -> str:
        return f"unit {record.address}"

    def create(self, address: str, area: Any) -> UnitEntry:
        """Add the unit at ``address`` with its exclusive ``area`` in m²."""
        parsed = unit_address(address)
        now = self.hub.clock.time()
        return self._add(
            UnitEntry(
                id=new_id(),
                building=parsed.building,
                unit=parsed.unit or "",
                room=parsed.room,
                area_dm2=area_dm2(area),
                created_at=now,
                modified_at=now,
            )
        )

    def update(self, unit_id: str, **changes: Any) -> UnitEntry:
        """Correct a unit's area (``area_dm2``); its address is what identifies it."""
        unit = self.require(unit_id)
        check_field_names(changes, UPDATABLE_FIELDS, self.describe(unit))
        return self._change(unit, changes)

    def remove(self, unit_id: str) -> None:
        """Remove a unit; its households stay, without a unit."""
        self._delete(self.require(unit_id))

    def _check(self, record: UnitEntry) -> None:
        if not 0 < record.area_dm2 <= MAX_AREA_DM2:
            raise RegistryError(
                f"The area of {self.describe(record)} must be above 0 and at most 10000 m²"
            )
        other = self._by_address.get((record.building, record.unit, record.room))
        if other is not None and other != record.id:
            raise RegistryError(f"There is already a {self.describe(record)}")

    def _index(self, record: UnitEntry) -> None:
        super()._index(record)
        self._by_address[(record.building, record.unit, record.room)] = record.id

    def _unindex(self, record: UnitEntry) -> None:
        super()._unindex(record)
        del self._by_address[(record.building, record.unit, record.room)]
