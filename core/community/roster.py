"""Rosters as property offices keep them: one row per person, from CSV or XLSX.

A roster names each person's flat (楼栋/单元/房号, or one 地址 column), its exclusive area,
the person's name, role (身份: 业主, 家属, 租户, 照护人), phone, and for a caregiver the
members they care for (照护对象). Importing it creates or updates the units, one household
per unit, and the members:

- a unit is matched by its address, a household by its unit, a member by (household, name);
- every bad row is reported with its number as the spreadsheet shows it (the header is
  row 1) and the reason, and the good rows are imported all the same;
- an empty cell leaves what is stored as it is; nothing is removed unless the import is
  asked to ``remove_missing`` (and then only from a roster without bad rows, so that a row
  that failed to read never makes its unit or person look missing).

Reading the file runs in a thread; the changes are made on the event loop, through the
registries, in one go.
"""

from __future__ import annotations

import asyncio
import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from ..exceptions import LinliError, RegistryError
from .households import HouseholdEntry, MemberEntry, MemberRole
from .units import area_dm2, unit_address

if TYPE_CHECKING:
    from ..hub import Hub

MAX_ROWS: Final = 100_000  # rows with content; more is not a community's roster
XLSX_MAGIC: Final = b"PK\x03\x04"
XLS_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls format
PHONE: Final = re.compile(r"\+?[0-9][0-9 ()-]{3,30}")
NAME_SEPARATORS: Final = re.compile(r"[、,;/\s]+")  # read after NFKC (full-width commas too)
AUDIT_KIND: Final = "roster_imported"


class RosterError(LinliError):
    """The file as a whole cannot be read as a roster (not its single rows)."""


class Column(StrEnum):
    """What a roster's column holds."""

    address = "address"
    building = "building"
    unit = "unit"
    room = "room"
    area = "area"
    name = "name"
    role = "role"
    phone = "phone"
    cares_for = "cares_for"
    household = "household"


# Header names by column, the preferred first (专有面积 wins over 建筑面积 when both are
# there: votes are weighted by the exclusive area). Compared after _header_key.
ALIASES: Final[dict[Column, tuple[str, ...]]] = {
    Column.address: ("地址", "房屋", "房屋地址", "住址", "房产", "address"),
    Column.building: ("楼栋", "楼号", "楼栋号", "栋号", "栋", "楼", "幢", "building"),
    Column.unit: ("单元", "单元号", "unit"),
    Column.room: ("房号", "房间号", "室号", "门牌号", "房间", "room", "flat", "roomno"),
    Column.area: (
        "专有面积",
        "专有部分面积",
        "建筑面积",
        "面积",
        "exclusivearea",
        "area",
        "floorarea",
    ),
    Column.name: ("姓名", "名字", "人员姓名", "住户姓名", "name", "fullname"),
    Column.role: ("身份", "角色", "人员类型", "住户类型", "类型", "role"),
    Column.phone: (
        "电话",
        "手机",
        "手机号",
        "手机号码",
        "联系电话",
        "电话号码",
        "phone",
        "mobile",
        "tel",
        "telephone",
    ),
    Column.cares_for: ("照护对象", "被照护人", "照护", "caresfor", "caregiverfor"),
    Column.household: ("户名", "家庭名称", "household", "householdname"),
}

ADDRESS_COLUMNS: Final = (Column.address, Column.building, Column.unit, Column.room)

ROLES: Final[dict[str, MemberRole]] = {
    **dict.fromkeys(("业主", "户主", "产权人", "房主", "owner"), MemberRole.owner),
    **dict.fromkeys(
        ("家属", "家庭成员", "家人", "亲属", "配偶", "子女", "父母", "family"), MemberRole.family
    ),
    **dict.fromkeys(("租户", "租客", "承租人", "tenant", "renter"), MemberRole.tenant),
    **dict.fromkeys(
        ("照护人", "照护者", "看护人", "护工", "保姆", "caregiver", "carer"), MemberRole.caregiver
    ),
}
EXPECTED_ROLES: Final = "业主 (owner), 家属 (family), 租户 (tenant) or 照护人 (caregiver)"


def _header_key(text: str) -> str:
    """A header as compared with the aliases: "建筑面积(㎡)", "* Phone" → "建筑面积", "phone"."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"\(.*?\)|\[.*?\]|[\s*_:-]", "", text)
    return re.sub(r"/?(m2|平方米|平米)$", "", text)


# A header's key -> its column, and its rank among the column's aliases (0: preferred).
_COLUMN_OF_KEY: Final = {
    _header_key(alias): (column, rank)
    for column, aliases in ALIASES.items()
    for rank, alias in enumerate(aliases)
}


def check_phone(text: str) -> str:
    """A phone number as written ("138 0013 8000", "010-62345678"); a clear error otherwise."""
    phone = unicodedata.normalize("NFKC", text).strip()
    if not PHONE.fullmatch(phone):
        raise RegistryError(
            f"{text!r} is not a phone number: expected digits, e.g. 13800138000 or 010-62345678"
        )
    return phone


# Reading the file into rows of text.


def _decode(data: bytes) -> str:
    """CSV text: UTF-8 or UTF-16 with a BOM, UTF-8, or GB18030 (GBK, as Excel on Chinese
    Windows saves CSV)."""
    boms = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"))
    boms += ((codecs.BOM_UTF16_BE, "utf-16-be"),)
    for bom, encoding in boms:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as error:
                raise RosterError(
                    f"The roster starts as {encoding} text but is not: {error}"
                ) from None
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterError(
        "The roster is neither an XLSX workbook nor CSV text in UTF-8 or GBK: "
        "save it from Excel as .xlsx or as 'CSV UTF-8'"
    )


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:
        raise RosterError(f"The roster is not valid CSV: {error}") from None


def _cell_text(value: Any) -> str:
    """A cell's value as text: 1203.0 (Excel keeps numbers as floats) is "1203"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _worksheet(workbook: Any, sheet: str | None) -> Any:
    """The first sheet, or the one named ``sheet``."""
    if sheet is None:
        return workbook.worksheets[0]
    if sheet not in workbook.sheetnames:
        sheets = ", ".join(workbook.sheetnames)
        raise RosterError(f"The workbook has no sheet {sheet!r}; its sheets are {sheets}")
    return workbook[sheet]


def _xlsx_rows(data: bytes, sheet: str | None) -> list[list[str]]:
    """The rows of a sheet; a merged cell's value (a flat's address over the rows of its
    people, as offices often write it) is in every row it spans."""
    import openpyxl  # here, not above: importing it takes a tenth of a second

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # openpyxl raises many kinds of error for a damaged file
        raise RosterError(f"The roster is not a readable XLSX workbook: {error}") from None
    worksheet = _worksheet(workbook, sheet)
    try:
        rows = [
            [_cell_text(value) for value in values]
            for values in worksheet.iter_rows(min_row=1, values_only=True)
        ]
        for merged in worksheet.merged_cells.ranges:
            value = rows[merged.min_row - 1][merged.min_col - 1]
            for row in rows[merged.min_row - 1 : merged.max_row]:
                row[merged.min_col - 1 : merged.max_col] = [value] * merged.size["columns"]
    except Exception as error:  # as above
        raise RosterError(f"The sheet {worksheet.title!r} cannot be read: {error}") from None
    return rows


def read_rows(data: bytes, sheet: str | None = None) -> list[tuple[int, list[str]]]:
    """The rows with content of a CSV or XLSX file (the first sheet, or ``sheet``), each with
    its number as a spreadsheet shows it."""
    if data.startswith(XLS_MAGIC):
        raise RosterError("The roster is an old .xls workbook: save it as .xlsx or CSV")
    if data.startswith(XLSX_MAGIC):
        rows: Iterable[list[str]] = _xlsx_rows(data, sheet)
    elif sheet is not None:
        raise RosterError(f"A sheet ({sheet!r}) can only be chosen in an XLSX workbook")
    else:
        rows = _csv_rows(data)
    found = []
    for number, cells in enumerate(rows, start=1):
        cells = [cell.strip() for cell in cells]
        if any(cells):
            found.append((number, cells))
            if len(found) > MAX_ROWS:
                raise RosterError(f"The roster has more than {MAX_ROWS} rows")
    if not found:
        raise RosterError("The roster is empty")
    return found


# The header: which column holds what.


@dataclass(frozen=True, slots=True)
class Header:
    """The header row: its number, its cells, and each known column's index and name as
    written."""

    row: int
    cells: list[str]
    columns: dict[Column, tuple[int, str]]

    def name_of(self, column: Column) -> str:
        return self.columns[column][1]


def _match_header(number: int, cells: list[str]) -> Header:
    columns: dict[Column, tuple[int, str]] = {}
    ranks: dict[Column, int] = {}
    for index, cell in enumerate(cells):
        known = _COLUMN_OF_KEY.get(_header_key(cell))
        if known is None:
            continue
        column, rank = known
        if column not in columns or rank < ranks[column]:
            columns[column], ranks[column] = (index, cell), rank
    if not columns.keys() & {Column.address, Column.building} and Column.room in columns:
        columns[Column.address] = columns.pop(Column.room)  # one 房号 holding "7-2-1203"
    return Header(number, cells, columns)


def _expected(column: Column) -> str:
    first, *others = ALIASES[column]
    return f"{first} (or {', '.join(others)})"


def find_header(rows: list[tuple[int, list[str]]]) -> Header:
    """The header: the first of the first rows naming two known columns (a title row may
    come before it); a :class:`RosterError` naming what is missing if it lacks any."""
    candidates = [_match_header(number, cells) for number, cells in rows[:10]]
    header = next((h for h in candidates if len(h.columns) >= 2), candidates[0])
    missing = [c for c in (Column.name, Column.role, Column.area) if c not in header.columns]
    if Column.address not in header.columns and (
        Column.building not in header.columns or Column.room not in header.columns
    ):
        missing.insert(0, Column.address)
    if missing:
        found = ", ".join(cell for cell in header.cells if cell)
        expected = "; ".join(_expected(column) for column in missing)
        if Column.address in missing:
            expected += (
                f"; or instead of {ALIASES[Column.address][0]}, the columns "
                f"{_expected(Column.building)}, {_expected(Column.unit)} and "
                f"{_expected(Column.room)}"
            )
        raise RosterError(
            f"The roster's header (row {header.row}) lacks columns: expected {expected}. "
            f"Its columns are: {found}"
        )
    return header


# Rows into people.

UnitKey = tuple[str, str, str]  # building, unit ("" if none), room


@dataclass(frozen=True, slots=True)
class RowError:
    """A row that was not imported, and why; ``column`` is the header of the cell at fault,
    as the file writes it, when one cell is."""

    row: int
    message: str
    column: str | None = None


class RowProblem(LinliError):
    """Why one row cannot be imported (becomes a :class:`RowError`), and the column at fault."""

    def __init__(self, message: str, column: Column | None = None) -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    """One good row: a person at an address."""

    row: int
    address: str  # as written (for messages and to create the unit)
    unit_key: UnitKey
    area_dm2: int | None
    name: str
    role: MemberRole
    phone: str | None
    cares_for: tuple[str, ...] | None  # None: no 照护对象 column, or an empty cell
    household: str | None


def _address_column(header: Header) -> Column | None:
    """The column an address problem is reported in: 地址, or the first of 楼栋, 单元, 房号."""
    return next((column for column in ADDRESS_COLUMNS if column in header.columns), None)


def _address_of(header: Header, cell: Callable[[Column], str]) -> str:
    """The address as one text: the 地址 column, or 楼栋, 单元 and 房号 put together."""
    columns = [column for column in ADDRESS_COLUMNS if column in header.columns]
    if not any(cell(column) for column in columns):
        names = ", ".join(header.name_of(column) for column in columns)
        raise RowProblem(f"The address ({names}) is empty", _address_column(header))
    if Column.address in header.columns:
        return cell(Column.address)
    building = re.sub(r"(号楼|栋|幢|座|号)$", "", cell(Column.building))
    unit = re.sub(r"单元$", "", cell(Column.unit))
    room = re.sub(r"(室|号)$", "", cell(Column.room))
    return f"{building}号楼{unit}单元{room}" if unit else f"{building}号楼{room}"


@contextmanager
def _at_fault(column: Column) -> Iterator[None]:
    """A registry's refusal of a cell's value, as the row's problem in ``column``."""
    try:
        yield
    except RegistryError as error:
        raise RowProblem(str(error), column) from None


def read_person(header: Header, number: int, cells: list[str]) -> Person:
    """The person of one row; a :class:`RowProblem` saying what is wrong with it."""

    def cell(column: Column) -> str:
        if column not in header.columns:
            return ""
        index = header.columns[column][0]
        return cells[index] if index < len(cells) else ""

    name = cell(Column.name)
    if not name:
        raise RowProblem(f"{header.name_of(Column.name)} is empty", Column.name)
    role_text = cell(Column.role)
    role = ROLES.get(unicodedata.normalize("NFKC", role_text).strip().casefold())
    if role is None:
        written = f"{role_text!r} is not a role" if role_text else "is empty"
        raise RowProblem(
            f"{header.name_of(Column.role)} {written}: expected {EXPECTED_ROLES}", Column.role
        )
    address = _address_of(header, cell)
    with _at_fault(_address_column(header)):
        parsed = unit_address(address)
    with _at_fault(Column.area):
        area = area_dm2(cell(Column.area)) if cell(Column.area) else None
    with _at_fault(Column.phone):
        phone = check_phone(cell(Column.phone)) if cell(Column.phone) else None
    names = unicodedata.normalize("NFKC", cell(Column.cares_for))
    cares_for = tuple(name for name in NAME_SEPARATORS.split(names) if name) or None
    if cares_for and role is not MemberRole.caregiver:
        raise RowProblem(
            f"{name} is not a caregiver ({header.name_of(Column.role)} {role_text}) "
            f"but has {header.name_of(Column.cares_for)} {cell(Column.cares_for)!r}",
            Column.cares_for,
        )
    if cares_for and name in cares_for:
        raise RowProblem(f"{name} cannot care for themselves", Column.cares_for)
    return Person(
        row=number,
        address=address,
        unit_key=(parsed.building, parsed.unit or "", parsed.room),
        area_dm2=area,
        name=name,
        role=role,
        phone=phone,
        cares_for=cares_for,
        household=cell(Column.household) or None,
    )


# The import.


class Outcome(StrEnum):
    created = "created"
    updated = "updated"
    unchanged = "unchanged"
    removed = "removed"


@dataclass(slots=True)
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def add(self, outcome: Outcome, number: int = 1) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + number)

    def as_dict(self) -> dict[str, int]:
        return {outcome.value: getattr(self, outcome.value) for outcome in Outcome}


@dataclass(slots=True)
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    dry_run: bool
    rows: int = 0  # rows with content below the header
    units: Counts = field(default_factory=Counts)
    households: Counts = field(default_factory=Counts)
    members: Counts = field(default_factory=Counts)
    missing_removed: bool = False  # asked for, and done: the roster had no bad rows
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON data, as the API answers it."""
        return {
            "dry_run": self.dry_run,
            "rows": self.rows,
            "units": self.units.as_dict(),
            "households": self.households.as_dict(),
            "members": self.members.as_dict(),
            "missing_removed": self.missing_removed,
            "errors": [
                {"row": error.row, "column": error.column, "message": error.message}
                for error in self.errors
            ],
        }


def _unit_text(key: UnitKey) -> str:
    """A unit's key as an address the registry reads ("7-2-1203")."""
    return "-".join(part for part in key if part)


class _Plan:
    """One import: checks the people of each unit against each other and what is stored,
    counts what changes, and lists the changes to make (not made in a dry run)."""

    def __init__(self, hub: Hub, header: Header, report: ImportReport) -> None:
        self.community = hub.community
        self.header = header
        self.report = report
        self.changes: list[Callable[[], Any]] = []
        self.unlisted: list[MemberEntry] = []  # stored members the roster does not list

    def refuse(self, person: Person, message: str, column: Column | None = None) -> None:
        header = self.header.name_of(column) if column in self.header.columns else None
        self.report.errors.append(RowError(person.row, message, header))

    def unit(self, people: list[Person]) -> None:
        """Plan the people of one unit (in roster order)."""
        address = _unit_text(people[0].unit_key)
        unit = self.community.units.get_by_address(address)
        households = [] if unit is None else self.community.households.households_in_unit(unit.id)
        household = households[0] if households else None
        stored = {} if household is None else self._members_by_name(household)
        people = self._agreeing(people, "area_dm2", Column.area)
        people = self._agreeing(people, "household", Column.household)
        people = self._unique_names(people)
        area = next((p.area_dm2 for p in people if p.area_dm2 is not None), None)
        if area is None and unit is None:
            for person in people:
                self.refuse(
                    person,
                    f"No row gives the area of {person.address}: fill in "
                    f"{self.header.name_of(Column.area)} in at least one of its rows",
                    Column.area,
                )
            return
        people = self._caring_for_members(people, set(stored))
        if not people:
            return
        if unit is None:
            self.report.units.add(Outcome.created)
            written = people[0].address
            self.changes.append(lambda: self.community.units.create(written, Decimal(area) / 100))
        elif area is not None and area != unit.area_dm2:
            self.report.units.add(Outcome.updated)
            self.changes.append(lambda: self.community.units.update(unit.id, area_dm2=area))
        else:
            self.report.units.add(Outcome.unchanged)
        self._household(address, household, people)
        self._members(address, stored, people)

    def _agreeing(self, people: list[Person], attribute: str, column: Column) -> list[Person]:
        """The people whose ``attribute`` (a value of their unit) agrees with the first row
        that gives one; the others are refused."""
        first: Person | None = None
        kept = []
        for person in people:
            value = getattr(person, attribute)
            if value is not None and first is not None and value != getattr(first, attribute):
                self.refuse(
                    person,
                    f"{self.header.name_of(column)} of {person.address} differs from row "
                    f"{first.row}: {_shown(value)} here, {_shown(getattr(first, attribute))} there",
                    column,
                )
                continue
            if value is not None and first is None:
                first = person
            kept.append(person)
        return kept

    def _unique_names(self, people: list[Person]) -> list[Person]:
        first_row: dict[str, int] = {}
        kept = []
        for person in people:
            if person.name in first_row:
                self.refuse(
                    person,
                    f"{person.name} is already listed for {person.address} "
                    f"in row {first_row[person.name]}",
                    Column.name,
                )
            else:
                first_row[person.name] = person.row
                kept.append(person)
        return kept

    def _caring_for_members(self, people: list[Person], stored_names: set[str]) -> list[Person]:
        """The people but the caregivers who name someone not of the household (checked
        again until none does: a refused caregiver may be one that another names)."""
        while True:
            names = stored_names | {person.name for person in people}
            unknown = {
                person.row: sorted(set(person.cares_for).difference(names))
                for person in people
                if person.cares_for
            }
            unknown = {row: names for row, names in unknown.items() if names}
            if not unknown:
                return people
            for person in people:
                if person.row in unknown:
                    missing = unknown[person.row]
                    self.refuse(
                        person,
                        f"{self.header.name_of(Column.cares_for)} {', '.join(missing)} "
                        f"{'is' if len(missing) == 1 else 'are'} not of the household "
                        f"of {person.address}",
                        Column.cares_for,
                    )
            people = [person for person in people if person.row not in unknown]

    def _members_by_name(self, household: HouseholdEntry) -> dict[str, MemberEntry]:
        members: dict[str, MemberEntry] = {}
        for member in self.community.members.members_of(household.id):
            members.setdefault(member.name, member)
        return members

    def _household_id(self, address: str) -> str:
        """The id of the household of the unit at ``address``, once earlier changes made
        them."""
        unit = self.community.units.get_by_address(address)
        assert unit is not None
        return self.community.households.households_in_unit(unit.id)[0].id

    def _household(
        self, address: str, household: HouseholdEntry | None, people: list[Person]
    ) -> None:
        name = next((p.household for p in people if p.household), None)
        households = self.community.households
        if household is None:
            owners = [p for p in people if p.role is MemberRole.owner]
            new_name = name or f"{(owners or people)[0].name}家"
            self.report.households.add(Outcome.created)

            def create() -> None:
                unit = self.community.units.get_by_address(address)
                assert unit is not None
                households.create(new_name, unit.id)

            self.changes.append(create)
        elif name is not None and name != household.name:
            self.report.households.add(Outcome.updated)
            self.changes.append(lambda: households.update(household.id, name=name))
        else:
            self.report.households.add(Outcome.unchanged)

    def _members(self, address: str, stored: dict[str, MemberEntry], people: list[Person]) -> None:
        members = self.community.members
        # Caregivers last: a new one is created caring for members who exist by then.
        for person in sorted(people, key=lambda p: p.role is MemberRole.caregiver):
            member = stored.get(person.name)
            if member is None:
                self.report.members.add(Outcome.created)
                self.changes.append(lambda p=person: self._create_member(address, p))
                continue
            changes = _member_changes(member, person)
            if changes or _relinked(member, person, stored):
                self.report.members.add(Outcome.updated)
            else:
                self.report.members.add(Outcome.unchanged)
            if changes:
                self.changes.append(lambda m=member, c=changes: members.update(m.id, **c))
        if any(person.cares_for for person in people):
            self.changes.append(lambda: self._link_caregivers(address, people))
        listed = {person.name for person in people}
        self.unlisted += [member for name, member in stored.items() if name not in listed]

    def _member_ids(self, household_id: str) -> dict[str, str]:
        return {m.name: m.id for m in self.community.members.members_of(household_id)}

    def _create_member(self, address: str, person: Person) -> None:
        household_id = self._household_id(address)
        ids = self._member_ids(household_id) if person.cares_for else {}
        self.community.members.create(
            household_id,
            person.name,
            person.role,
            phone=person.phone,
            cares_for=frozenset(ids[name] for name in person.cares_for or () if name in ids),
        )

    def _link_caregivers(self, address: str, people: list[Person]) -> None:
        """Set whom each caregiver cares for, now that every member they name exists (no
        change, and no write, for those created caring for them already)."""
        ids = self._member_ids(self._household_id(address))
        for person in people:
            if person.cares_for:
                cares_for = frozenset(ids[name] for name in person.cares_for)
                self.community.members.update(ids[person.name], cares_for=cares_for)

    def remove_missing(self, listed: set[UnitKey]) -> None:
        """Plan removing the members the roster does not list from the households of its
        units, and the units it does not list with their households and members."""
        community = self.community
        for member in self.unlisted:
            self.report.members.add(Outcome.removed)
            self.changes.append(lambda m=member: community.members.remove(m.id))
        for unit in community.units:
            if (unit.building, unit.unit, unit.room) in listed:
                continue
            for household in community.households.households_in_unit(unit.id):
                self.report.members.add(
                    Outcome.removed, len(community.members.members_of(household.id))
                )
                self.report.households.add(Outcome.removed)
                self.changes.append(lambda h=household: community.households.remove(h.id))
            self.report.units.add(Outcome.removed)
            self.changes.append(lambda u=unit: community.units.remove(u.id))


def _shown(value: int | str) -> str:
    """A unit's value as a person reads it: an area (in dm²) in m², a name quoted."""
    return f"{Decimal(value) / 100:.2f} m²" if isinstance(value, int) else repr(value)


def _member_changes(member: MemberEntry, person: Person) -> dict[str, Any]:
    """What the roster changes of a stored member's role and phone (an empty phone cell
    changes nothing); one who is no longer a caregiver cares for nobody."""
    changes: dict[str, Any] = {}
    if person.role is not member.role:
        changes["role"] = person.role
        if person.role is not MemberRole.caregiver:
            changes["cares_for"] = frozenset()
    if person.phone is not None and person.phone != member.phone:
        changes["phone"] = person.phone
    return changes


def _relinked(member: MemberEntry, person: Person, stored: dict[str, MemberEntry]) -> bool:
    """Whether the roster names other members than those a stored caregiver cares for."""
    if person.cares_for is None:
        return False
    named = {stored[name].id if name in stored else name for name in person.cares_for}
    return named != member.cares_for


def import_rows(
    hub: Hub,
    rows: list[tuple[int, list[str]]],
    *,
    dry_run: bool = False,
    remove_missing: bool = False,
    actor: str | None = None,
) -> ImportReport:
    """Import the rows of a roster (from :func:`read_rows`), on the event loop, at once.

    ``remove_missing`` removes what the roster does not list (see :meth:`_Plan.remove_missing`),
    only if it has no bad row; ``dry_run`` reports without changing anything. ``actor`` (a
    user id) is who the audit log says imported it.
    """
    header = find_header(rows)
    report = ImportReport(dry_run=dry_run)
    by_unit: dict[UnitKey, list[Person]] = {}
    for number, cells in rows:
        if number <= header.row:
            continue
        report.rows += 1
        try:
            person = read_person(header, number, cells)
        except RowProblem as problem:
            column = problem.column if problem.column in header.columns else None
            report.errors.append(RowError(number, str(problem), column and header.name_of(column)))
            continue
        by_unit.setdefault(person.unit_key, []).append(person)
    if not report.rows:
        raise RosterError(f"The roster has no rows below its header (row {header.row})")
    plan = _Plan(hub, header, report)
    for people in by_unit.values():
        plan.unit(people)
    if remove_missing and not report.errors:
        plan.remove_missing(set(by_unit))
        report.missing_removed = True
    report.errors.sort(key=lambda error: error.row)
    if not dry_run:
        for change in plan.changes:
            change()
        summary = report.as_dict()
        summary["errors"] = len(report.errors)
        hub.audit.append(AUDIT_KIND, actor, summary)
    return report


async def import_roster(
    hub: Hub,
    data: bytes,
    *,
    sheet: str | None = None,
    dry_run: bool = False,
    remove_missing: bool = False,
    actor: str | None = None,
) -> ImportReport:
    """Read a roster file (CSV or XLSX) in a thread, import it, and wait until it is stored.

    A :class:`RosterError` if the file as a whole cannot be read; bad rows are in the report.
    """
    rows = await asyncio.to_thread(read_rows, data, sheet)
    report = import_rows(hub, rows, dry_run=dry_run, remove_missing=remove_missing, actor=actor)
    if not dry_run:
        await hub.database.flush()
    return report
