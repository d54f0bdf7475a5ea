"""Roster imports: CSV (UTF-8 with or without BOM, GBK) and XLSX, as property offices keep
them; bad rows reported by number and reason, good rows kept, re-imports that update."""

import csv
import io
from collections.abc import Awaitable, Callable

import openpyxl
import pytest

from linli.community.households import MemberRole
from linli.community.roster import RosterError, RowError, import_roster
from linli.hub import Hub

HEADER = ["楼栋", "单元", "房号", "建筑面积(㎡)", "姓名", "身份", "电话", "照护对象"]
Rows = list[list[str]]
Writer = Callable[[Rows], bytes]


def csv_file(rows: Rows, encoding: str = "utf-8-sig", delimiter: str = ",") -> bytes:
    """``rows`` as Excel saves CSV: "CSV UTF-8" has a BOM, plain CSV on Chinese Windows is GBK."""
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode(encoding)


def _typed(cell: str) -> str | int | float:
    """A cell as Excel keeps it: numbers as numbers."""
    for kind in (int, float):
        try:
            return kind(cell)
        except ValueError:
            continue
    return cell


def xlsx_file(rows: Rows, sheet: str = "业主名册", before: str | None = None) -> bytes:
    """``rows`` in the sheet ``sheet`` of a workbook (after a sheet ``before``, if given)."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    if before is not None:
        worksheet.title = before
        worksheet.append(["not", "the", "roster"])
        worksheet = workbook.create_sheet(sheet)
    worksheet.title = sheet
    for row in rows:
        worksheet.append([_typed(cell) if cell else None for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


WRITERS: dict[str, Writer] = {
    "utf-8 with BOM": csv_file,
    "utf-8": lambda rows: csv_file(rows, "utf-8"),
    "gbk": lambda rows: csv_file(rows, "gbk"),
    "utf-16 with tabs": lambda rows: csv_file(rows, "utf-16", "\t"),  # Excel's "Unicode text"
    "xlsx": xlsx_file,
}


@pytest.fixture(params=list(WRITERS))
def write(request: pytest.FixtureRequest) -> Writer:
    return WRITERS[request.param]


GOOD_AND_BAD = [
    HEADER,
    ["7", "2", "1203", "89.35", "王伟", "业主", "13800138000", ""],  # 2
    ["7", "2", "1203", "89.35", "李娜", "家属", "13900139000", ""],
    ["7", "2", "1203", "", "王奶奶", "家属", "", ""],  # no area: the unit's
    ["7", "2", "1203", "", "张阿姨", "照护人", "13700137000", "王奶奶"],  # 5
    ["7", "2", "1203", "90", "王小明", "家属", "", ""],
    ["8", "1", "501", "102.4", "赵强", "租户", "", ""],
    ["8", "二", "501", "102.4", "赵静", "家属", "", ""],
    ["9", "1", "301", "八十", "钱多", "业主", "", ""],
    ["9", "1", "302", "88", "孙丽", "保安", "", ""],  # 10
    ["9", "1", "303", "88", "", "业主", "", ""],
    ["9", "1", "304", "88", "周杰", "照护人", "", "周老太"],
    ["", "", "", "", "", "", "", ""],
    ["9", "1", "305", "75.5", "吴刚", "业主", "12ab", ""],
    ["7", "2", "1203", "", "王伟", "家属", "", ""],  # 15
    ["10", "1", "101", "", "郑一", "业主", "", ""],
    ["9", "1", "306", "60", "冯二", "家属", "", "冯三"],
    ["", "", "", "88", "陈某", "业主", "", ""],
]

BAD_ROWS = [
    RowError(
        6,
        "建筑面积(㎡) of 7号楼2单元1203 differs from row 2: 90.00 m² here, 89.35 m² there",
        column="建筑面积(㎡)",
    ),
    RowError(
        8,
        "Cannot read the address '8号楼二单元501': expected e.g. '7号楼 2单元 1203', "
        "'7栋1203室' or '7-2-1203' (building, optional unit, flat)",
        column="楼栋",
    ),
    RowError(9, "Area '八十' is not a number of square metres", column="建筑面积(㎡)"),
    RowError(
        10,
        "身份 '保安' is not a role: expected 业主 (owner), 家属 (family), 租户 (tenant) "
        "or 照护人 (caregiver)",
        column="身份",
    ),
    RowError(11, "姓名 is empty", column="姓名"),
    RowError(12, "照护对象 周老太 is not of the household of 9号楼1单元304", column="照护对象"),
    RowError(
        14,
        "'12ab' is not a phone number: expected digits, e.g. 13800138000 or 010-62345678",
        column="电话",
    ),
    RowError(15, "王伟 is already listed for 7号楼2单元1203 in row 2", column="姓名"),
    RowError(
        16,
        "No row gives the area of 10号楼1单元101: fill in 建筑面积(㎡) in at least one of its rows",
        column="建筑面积(㎡)",
    ),
    RowError(17, "冯二 is not a caregiver (身份 家属) but has 照护对象 '冯三'", column="照护对象"),
    RowError(18, "The address (楼栋, 单元, 房号) is empty", column="楼栋"),
]


def people_of(hub: Hub) -> dict[tuple[str, str], tuple[MemberRole, str | None, set[str]]]:
    """(address, name) -> (role, phone, names cared for) of every member."""
    community = hub.community
    people = {}
    for member in community.members:
        household = community.households.require(member.household_id)
        assert household.unit_id is not None
        unit = community.units.require(household.unit_id)
        cares_for = {community.members.require(m).name for m in member.cares_for}
        people[unit.address, member.name] = (member.role, member.phone, cares_for)
    return people


async def test_good_rows_are_imported_and_each_bad_row_says_why(hub: Hub, write: Writer) -> None:
    report = await import_roster(hub, write(GOOD_AND_BAD))

    assert report.errors == BAD_ROWS
    assert report.rows == 16  # the blank row is no row
    assert (report.units.created, report.households.created, report.members.created) == (2, 2, 5)
    assert people_of(hub) == {
        ("7号楼 2单元 1203", "王伟"): (MemberRole.owner, "13800138000", set()),
        ("7号楼 2单元 1203", "李娜"): (MemberRole.family, "13900139000", set()),
        ("7号楼 2单元 1203", "王奶奶"): (MemberRole.family, None, set()),
        ("7号楼 2单元 1203", "张阿姨"): (MemberRole.caregiver, "13700137000", {"王奶奶"}),
        ("8号楼 1单元 501", "赵强"): (MemberRole.tenant, None, set()),
    }
    units = {unit.address: unit.area_dm2 for unit in hub.community.units}
    assert units == {"7号楼 2单元 1203": 8935, "8号楼 1单元 501": 10240}
    # Named after the first owner, or the first person where no owner is listed.
    assert sorted(h.name for h in hub.community.households) == ["王伟家", "赵强家"]


async def test_what_was_imported_is_stored_and_audited(
    hub: Hub, restart: Callable[[Hub], Awaitable[Hub]]
) -> None:
    await import_roster(hub, csv_file(GOOD_AND_BAD), actor="operator-1")
    people = people_of(hub)

    hub = await restart(hub)

    assert people_of(hub) == people
    (record,) = await hub.audit.records("roster_imported")
    assert record.actor == "operator-1"
    assert record.values["members"]["created"] == 5
    assert record.values["errors"] == 11


async def test_a_reimport_updates_phones_and_roles_without_duplicating(hub: Hub) -> None:
    first = [
        HEADER,
        ["7", "2", "1203", "89.35", "王伟", "业主", "13800138000", ""],
        ["7", "2", "1203", "89.35", "王奶奶", "家属", "", ""],
        ["7", "2", "1203", "89.35", "张阿姨", "照护人", "13700137000", "王奶奶"],
        ["7", "2", "1203", "89.35", "李护工", "照护人", "", "王奶奶"],
        ["8", "1", "501", "102.4", "赵强", "业主", "13600136000", ""],
    ]
    await import_roster(hub, csv_file(first))
    household_ids = {household.id for household in hub.community.households}

    again = [
        HEADER,
        ["7", "2", "1203", "89.35", "王伟", "业主", "13800138001", ""],  # new phone
        ["7", "2", "1203", "89.35", "王奶奶", "家属", "", ""],
        ["7", "2", "1203", "89.35", "张阿姨", "家属", "", ""],  # no longer a caregiver
        ["7", "2", "1203", "89.35", "李护工", "照护人", "", "王奶奶、王伟"],
        ["8", "1", "501", "102.40", "赵强", "租户", "", ""],  # sold the flat, rents it back
        ["8", "1", "501", "", "赵静", "业主", "", ""],  # the new owner
    ]
    report = await import_roster(hub, xlsx_file(again))

    assert report.errors == []
    assert report.units.as_dict() == {"created": 0, "updated": 0, "unchanged": 2, "removed": 0}
    assert report.households.as_dict() == {
        "created": 0,
        "updated": 0,
        "unchanged": 2,
        "removed": 0,
    }
    assert report.members.as_dict() == {"created": 1, "updated": 4, "unchanged": 1, "removed": 0}
    assert {household.id for household in hub.community.households} == household_ids
    expected = {
        ("7号楼 2单元 1203", "王伟"): (MemberRole.owner, "13800138001", set()),
        ("7号楼 2单元 1203", "王奶奶"): (MemberRole.family, None, set()),
        # An empty phone cell keeps the phone.
        ("7号楼 2单元 1203", "张阿姨"): (MemberRole.family, "13700137000", set()),
        ("7号楼 2单元 1203", "李护工"): (MemberRole.caregiver, None, {"王奶奶", "王伟"}),
        ("8号楼 1单元 501", "赵强"): (MemberRole.tenant, "13600136000", set()),
        ("8号楼 1单元 501", "赵静"): (MemberRole.owner, None, set()),
    }
    assert people_of(hub) == expected

    again[4][7] = ""  # an empty 照护对象 keeps whom they care for
    report = await import_roster(hub, xlsx_file(again))
    assert report.members.as_dict() == {"created": 0, "updated": 0, "unchanged": 6, "removed": 0}
    assert people_of(hub) == expected


async def test_a_corrected_area_and_household_name_update_the_unit(hub: Hub) -> None:
    header = ["地址", "专有面积", "建筑面积", "姓名", "身份", "户名"]
    await import_roster(hub, csv_file([header, ["7-2-1203", "89.35", "99", "王伟", "业主", ""]]))
    (household,) = hub.community.households
    assert household.name == "王伟家"
    assert next(iter(hub.community.units)).area_dm2 == 8935  # the exclusive area, not 99

    report = await import_roster(
        hub, csv_file([header, ["7栋2单元1203室", "89.53", "99", "王伟", "业主", "王家"]])
    )

    assert (report.units.updated, report.households.updated) == (1, 1)
    assert next(iter(hub.community.units)).area_dm2 == 8953
    assert hub.community.households.require(household.id).name == "王家"


async def test_a_dry_run_reports_without_writing(
    hub: Hub, restart: Callable[[Hub], Awaitable[Hub]]
) -> None:
    report = await import_roster(hub, csv_file(GOOD_AND_BAD), dry_run=True)

    assert report.dry_run
    assert report.errors == BAD_ROWS
    assert (report.units.created, report.households.created, report.members.created) == (2, 2, 5)
    assert (len(hub.community.units), len(hub.community.members)) == (0, 0)
    hub = await restart(hub)
    assert (len(hub.community.units), len(hub.community.members)) == (0, 0)
    assert await hub.audit.records("roster_imported") == []


async def test_remove_missing_removes_what_the_roster_no_longer_lists(hub: Hub) -> None:
    await import_roster(
        hub,
        csv_file(
            [
                HEADER,
                ["7", "2", "1203", "89.35", "王伟", "业主", "", ""],
                ["7", "2", "1203", "89.35", "李娜", "家属", "", ""],
                ["8", "1", "501", "102.4", "赵强", "业主", "", ""],
            ]
        ),
    )
    only_wang = csv_file([HEADER, ["7", "2", "1203", "89.35", "王伟", "业主", "", ""]])
    with_a_bad_row = csv_file(
        [HEADER, ["7", "2", "1203", "89.35", "王伟", "业主", "", ""], ["8", "1", "501", "x"]]
    )

    report = await import_roster(hub, only_wang)  # removes nothing when not asked
    assert (report.missing_removed, len(hub.community.members)) == (False, 3)
    report = await import_roster(hub, with_a_bad_row, remove_missing=True)
    assert (report.missing_removed, len(hub.community.members)) == (False, 3)
    report = await import_roster(hub, only_wang, remove_missing=True, dry_run=True)
    assert (report.missing_removed, len(hub.community.members)) == (True, 3)

    report = await import_roster(hub, only_wang, remove_missing=True)

    assert report.missing_removed
    assert (report.units.removed, report.households.removed, report.members.removed) == (1, 1, 2)
    assert list(people_of(hub)) == [("7号楼 2单元 1203", "王伟")]
    assert [unit.address for unit in hub.community.units] == ["7号楼 2单元 1203"]


@pytest.mark.parametrize(
    "rows",
    [
        # One address column, English roles; a title row above the header.
        [
            ["阳光小区业主名册"],
            ["房屋", "面积(m²)", "姓名", "身份"],
            ["7号楼2单元1203", "89.35", "王伟", "owner"],
        ],
        # A 房号 column holding the whole address; marks and spaces in the header.
        [
            ["*房号", "* 面积 (平方米)", "*姓名", "人员类型"],
            ["7-2-1203", "89.35㎡", "王伟", "户主"],
        ],
        # English headers.
        [
            ["Building", "Unit", "Room", "Area (m2)", "Name", "Role", "Phone number"],
            ["7号楼", "2单元", "1203室", "89.35", "王伟", "Owner", "138 0013 8000"],
        ],
    ],
)
async def test_rosters_are_read_as_offices_write_them(hub: Hub, rows: Rows) -> None:
    report = await import_roster(hub, csv_file(rows))

    assert report.errors == []
    assert list(people_of(hub)) == [("7号楼 2单元 1203", "王伟")]
    assert next(iter(hub.community.units)).area_dm2 == 8935


async def test_a_named_sheet_is_read(hub: Hub) -> None:
    rows = [HEADER, ["7", "2", "1203", "89.35", "王伟", "业主", "", ""]]
    data = xlsx_file(rows, sheet="名册", before="说明")

    with pytest.raises(RosterError, match="The roster's header \\(row 1\\) lacks columns"):
        await import_roster(hub, data)  # the first sheet
    with pytest.raises(
        RosterError, match="The workbook has no sheet '名单'; its sheets are 说明, 名册"
    ):
        await import_roster(hub, data, sheet="名单")
    report = await import_roster(hub, data, sheet="名册")
    assert report.members.created == 1
    with pytest.raises(RosterError, match="A sheet \\('名册'\\) can only be chosen in an XLSX"):
        await import_roster(hub, csv_file(rows), sheet="名册")


async def test_merged_cells_give_their_value_to_every_row_they_span(hub: Hub) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["阳光小区 2026 年业主名册"])
    sheet.merge_cells("A1:H1")
    sheet.append(HEADER)
    sheet.append([7, 2, 1203, 89.35, "王伟", "业主", 13800138000, None])
    sheet.append([None, None, None, None, "王奶奶", "家属", None, None])
    sheet.append([None, None, None, None, "张阿姨", "照护人", None, "王奶奶"])
    sheet.append([8, 1, 501, 102.4, "赵强", "业委会", None, None])
    for column in "ABCD":
        sheet.merge_cells(f"{column}3:{column}5")
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = await import_roster(hub, buffer.getvalue())

    assert [error.row for error in report.errors] == [6]
    assert people_of(hub) == {
        ("7号楼 2单元 1203", "王伟"): (MemberRole.owner, "13800138000", set()),
        ("7号楼 2单元 1203", "王奶奶"): (MemberRole.family, None, set()),
        ("7号楼 2单元 1203", "张阿姨"): (MemberRole.caregiver, None, {"王奶奶"}),
    }


async def test_a_missing_column_is_one_error_naming_what_was_found_and_expected(
    hub: Hub,
) -> None:
    rows = [["楼栋", "房号", "姓名", "电话"], ["7", "1203", "王伟", "13800138000"]]

    with pytest.raises(RosterError) as error:
        await import_roster(hub, csv_file(rows))

    assert str(error.value) == (
        "The roster's header (row 1) lacks columns: expected 身份 (or 角色, 人员类型, 住户类型, "
        "类型, role); 专有面积 (or 专有部分面积, 建筑面积, 面积, exclusivearea, area, floorarea). "
        "Its columns are: 楼栋, 房号, 姓名, 电话"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The roster is empty"),
        (",".join(HEADER).encode(), "The roster has no rows below its header \\(row 1\\)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "an old .xls workbook"),
        (b"PK\x03\x04broken", "not a readable XLSX workbook"),
        (b"\xc3\x28,\x80\xff\r\n" * 10, "neither an XLSX workbook nor CSV text in UTF-8 or GBK"),
    ],
)
async def test_an_unreadable_file_is_one_clear_error(hub: Hub, data: bytes, message: str) -> None:
    with pytest.raises(RosterError, match=message):
        await import_roster(hub, data)
    assert len(hub.community.units) == 0


async def test_a_community_of_903_units_imports_completely(
    hub: Hub, restart: Callable[[Hub], Awaitable[Hub]]
) -> None:
    rows = [HEADER]
    for building in range(1, 8):
        for unit in ("1", "2", "3"):
            for floor in range(1, 44):  # 7 buildings, 3 units each, 43 floors
                flat = [str(building), unit, f"{floor}01"]
                area = f"{80 + floor % 7}.{floor:02d}"
                address = "-".join(flat)
                rows += [
                    [*flat, area, f"业主{address}", "业主", "13800138000", ""],
                    [*flat, area, f"家属{address}", "家属", "", ""],
                    [*flat, "", f"照护{address}", "照护人", "", f"业主{address}"],
                ]

    report = await import_roster(hub, csv_file(rows))

    assert report.errors == []
    assert (report.units.created, report.households.created) == (903, 903)
    assert report.members.created == 903 * 3
    hub = await restart(hub)
    assert (len(hub.community.units), len(hub.community.households)) == (903, 903)
    assert len(hub.community.members) == 903 * 3
