"""The area registry: buildings, units, floors, rooms and common places of the community.

Areas form a tree (7号楼 → 2单元 → 12层 → 1203). Removing an area clears it from the
devices and entities placed there; they listen for ``area_registry_updated``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from ..exceptions import RegistryError
from ..storage import schema
from .address import parse_address
from .base import Registry, check_field_names, coerce_enum, new_id

if TYPE_CHECKING:
    from ..hub import Hub

EVENT_AREA_REGISTRY_UPDATED: Final = "area_registry_updated"


class AreaKind(StrEnum):
    building = "building"
    unit = "unit"
    floor = "floor"
    room = "room"
    # shared places: 地库 (garage), 会所 (clubhouse), a building's lobby
    common = "common"


# What an area of each kind may hold: always something smaller, or a common place.
ALLOWED_CHILDREN: Final[dict[AreaKind, frozenset[AreaKind]]] = {
    AreaKind.building: frozenset({AreaKind.unit, AreaKind.floor, AreaKind.room, AreaKind.common}),
    AreaKind.unit: frozenset({AreaKind.floor, AreaKind.room, AreaKind.common}),
    AreaKind.floor: frozenset({AreaKind.room, AreaKind.common}),
    AreaKind.room: frozenset({AreaKind.common}),
    AreaKind.common: frozenset({AreaKind.floor, AreaKind.room, AreaKind.common}),
}

UPDATABLE_FIELDS: Final = frozenset({"name", "kind", "parent_id"})


@dataclass(frozen=True, slots=True, kw_only=True)
class AreaEntry:
    id: str
    name: str
    kind: AreaKind
    # None for the top of the tree (the buildings and community-wide places)
    parent_id: str | None
    created_at: float
    modified_at: float


class AreaRegistry(Registry[AreaEntry]):
    """The community's areas, by id, by parent and by (parent, name)."""

    record_name = "Area"
    event_type = EVENT_AREA_REGISTRY_UPDATED
    event_id_key = "area_id"
    indexed_fields = ("parent_id",)

    def __init__(self, hub: Hub) -> None:
        super().__init__(hub, schema.areas, AreaEntry, {"kind": AreaKind})
        self._by_name: dict[tuple[str | None, str], str] = {}

    def get_by_name(self, name: str, parent_id: str | None = None) -> AreaEntry | None:
        """The area called ``name`` directly inside ``parent_id`` (None: at the top)."""
        area_id = self._by_name.get((parent_id, name.strip()))
        return None if area_id is None else self._records[area_id]

    def children(self, area_id: str) -> list[AreaEntry]:
        """The areas directly inside ``area_id``."""
        return self._select("parent_id", area_id)

    def path(self, area_id: str) -> list[AreaEntry]:
        """``area_id`` and the areas it lies in, the outermost first."""
        self.require(area_id)
        return list(self._chain(area_id, "parent_id"))[::-1]

    def describe(self, record: AreaEntry) -> str:
        above = [area.name for area in self._chain(record.parent_id, "parent_id")]
        return "area " + "/".join([*reversed(above), record.name])

    def create(self, name: str, kind: AreaKind | str, parent_id: str | None = None) -> AreaEntry:
        """Add an area; its name must be new among its siblings."""
        kind = coerce_enum(AreaKind, kind, "area kind", f"area {name!r}")
        now = self.hub.clock.time()
        return self._add(
            AreaEntry(
                id=new_id(),
                name=name.strip(),
                kind=kind,
                parent_id=parent_id,
                created_at=now,
                modified_at=now,
            )
        )

    def get_or_create_address(self, text: str) -> AreaEntry:
        """The flat at address ``text`` (see :func:`parse_address`), with the areas above it.

        "7栋 2单元 1203" gives the room 1203 in 7号楼 → 2单元 → 12层, creating what is missing.
        """
        address = parse_address(text)
        chain = [(f"{address.building}号楼", AreaKind.building)]
        if address.unit is not None:
            chain.append((f"{address.unit}单元", AreaKind.unit))
        chain += [(address.floor_name, AreaKind.floor), (address.room, AreaKind.room)]
        parent_id = None
        for name, kind in chain:
            area = self.get_by_name(name, parent_id) or self.create(name, kind, parent_id)
            parent_id = area.id
        return area

    def update(self, area_id: str, **changes: Any) -> AreaEntry:
        """Rename (``name``), re-kind (``kind``) or move (``parent_id``) an area."""
        area = self.require(area_id)
        where = self.describe(area)
        check_field_names(changes, UPDATABLE_FIELDS, where)
        if "name" in changes:
            changes["name"] = changes["name"].strip()
        if "kind" in changes:
            changes["kind"] = coerce_enum(AreaKind, changes["kind"], "area kind", where)
        return self._change(area, changes)

    def remove(self, area_id: str) -> None:
        """Remove an empty area; devices and entities placed in it lose their area."""
        area = self.require(area_id)
        if children := self.children(area_id):
            names = ", ".join(child.name for child in children)
            raise RegistryError(
                f"Cannot remove {self.describe(area)}: it still holds {names} "
                "(remove or move those first)"
            )
        self._delete(area)

    def _check(self, record: AreaEntry) -> None:
        where = f"area {record.name!r}"
        if not record.name:
            raise RegistryError("An area needs a name")
        parent = None
        if record.parent_id is not None:
            parent = self.require(record.parent_id, where)
            if any(area.id == record.id for area in self._chain(parent.id, "parent_id")):
                raise RegistryError(
                    f"Cannot put area {record.name!r} inside {parent.name!r}: "
                    "an area cannot lie within itself"
                )
            if record.kind not in ALLOWED_CHILDREN[parent.kind]:
                allowed = ", ".join(sorted(ALLOWED_CHILDREN[parent.kind]))
                raise RegistryError(
                    f"Area {record.name!r} ({record.kind}) cannot lie in {parent.name!r} "
                    f"({parent.kind}): a {parent.kind} area holds only {allowed} areas"
                )
        for child in self.children(record.id):
            if child.kind not in ALLOWED_CHILDREN[record.kind]:
                raise RegistryError(
                    f"Area {record.name!r} cannot be a {record.kind}: it holds the "
                    f"{child.kind} {child.name!r}"
                )
        sibling_id = self._by_name.get((record.parent_id, record.name))
        if sibling_id is not None and sibling_id != record.id:
            place = f"in {parent.name!r}" if parent is not None else "at the top level"
            raise RegistryError(f"There is already an area named {record.name!r} {place}")

    def _index(self, record: AreaEntry) -> None:
        super()._index(record)
        self._by_name[(record.parent_id, record.name)] = record.id

    def _unindex(self, record: AreaEntry) -> None:
        super()._unindex(record)
        del self._by_name[(record.parent_id, record.name)]
