"""``/api/community``: units, households and members over REST, and roster uploads."""

import io
from typing import Any

import openpyxl
import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient

from linli.auth.users import Role
from linli.http.api import community
from linli.hub import Hub
from linli.testing.plugin import HubFactory

XLSX: str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROSTER = (
    "楼栋,单元,房号,建筑面积(㎡),姓名,身份,电话,照护对象\r\n"
    "7,2,1203,89.35,王伟,业主,13800138000,\r\n"
    "7,2,1203,89.35,王奶奶,家属,,\r\n"
    "7,2,1203,89.35,张阿姨,照护人,13700137000,王奶奶\r\n"
    "8,1,501,一百,赵强,业主,,\r\n"
)
REPORT = {
    "dry_run": False,
    "rows": 4,
    "units": {"created": 1, "updated": 0, "unchanged": 0, "removed": 0},
    "households": {"created": 1, "updated": 0, "unchanged": 0, "removed": 0},
    "members": {"created": 3, "updated": 0, "unchanged": 0, "removed": 0},
    "missing_removed": False,
    "errors": [
        {
            "row": 5,
            "column": "建筑面积(㎡)",
            "message": "Area '一百' is not a number of square metres",
        }
    ],
}


async def created(client: TestClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body)
    assert response.status == 201, await response.text()
    return await response.json()


async def test_units_are_added_read_corrected_and_removed(hub_client: TestClient) -> None:
    unit = await created(
        hub_client, "/api/community/units", {"address": "7栋2单元1203室", "area": "89.35"}
    )
    assert unit == {
        "id": unit["id"],
        "building": "7",
        "unit": "2",
        "room": "1203",
        "address": "7号楼 2单元 1203",
        "area": "89.35",
        "created_at": unit["created_at"],
        "modified_at": unit["modified_at"],
    }
    path = f"/api/community/units/{unit['id']}"
    response = await hub_client.patch(path, json={"area": "90.1"})
    assert (await response.json())["area"] == "90.10"
    response = await hub_client.get("/api/community/units")
    assert [u["area"] for u in await response.json()] == ["90.10"]

    response = await hub_client.delete(path)
    assert await response.json() == {"unit_id": unit["id"], "removed": True}
    response = await hub_client.get(path)
    assert response.status == 404


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"area": "89.35"}, "address", "Field 'address' is required"),
        ({"address": "7号楼", "area": "89.35"}, "address", "Cannot read the address '7号楼'"),
        ({"address": "7-2-1203", "area": 89.35}, "area", "Field 'area' must be a string"),
        ({"address": "7-2-1203", "area": "89.355"}, "area", "has more than two decimals"),
        ({"address": "7-2-1203", "area": "89", "floor": 12}, "floor", "Unknown field 'floor'"),
    ],
)
async def test_a_wrong_unit_is_refused_naming_the_field(
    hub_client: TestClient, expect_error, body: dict, field: str, message: str
) -> None:
    response = await hub_client.post("/api/community/units", json=body)
    error = await expect_error(response, 400, "invalid_format", field=field)
    assert message in error["message"]


async def test_a_second_unit_at_an_address_is_a_conflict(
    hub_client: TestClient, expect_error
) -> None:
    await created(hub_client, "/api/community/units", {"address": "7-2-1203", "area": "89"})
    response = await hub_client.post(
        "/api/community/units", json={"address": "7号楼2单元1203", "area": "89"}
    )
    error = await expect_error(response, 409, "conflict")
    assert error["message"].startswith("There is already a unit 7号楼 2单元 1203")


async def test_households_and_members_end_to_end(hub_client: TestClient, expect_error) -> None:
    unit = await created(
        hub_client, "/api/community/units", {"address": "3-1-502", "area": "102.4"}
    )
    household = await created(
        hub_client, "/api/community/households", {"name": "王家", "unit_id": unit["id"]}
    )
    members_path = f"/api/community/households/{household['id']}/members"
    grandma = await created(hub_client, members_path, {"name": "王奶奶", "role": "owner"})
    carer = await created(
        hub_client,
        members_path,
        {
            "name": "张阿姨",
            "role": "caregiver",
            "phone": "13700137000",
            "cares_for": [grandma["id"]],
        },
    )
    assert carer["cares_for"] == [grandma["id"]]
    response = await hub_client.post(members_path, json={"name": "王奶奶", "role": "family"})
    await expect_error(response, 409, "conflict")

    # No longer a caregiver: cares for nobody.
    response = await hub_client.patch(
        f"/api/community/members/{carer['id']}", json={"role": "family", "phone": None}
    )
    changed = await response.json()
    assert (changed["role"], changed["phone"], changed["cares_for"]) == ("family", None, [])

    response = await hub_client.patch(
        f"/api/community/households/{household['id']}", json={"name": "王伟家", "unit_id": None}
    )
    assert (await response.json())["unit_id"] is None
    response = await hub_client.get(members_path)
    assert [m["name"] for m in await response.json()] == ["王奶奶", "张阿姨"]
    response = await hub_client.delete(f"/api/community/members/{grandma['id']}")
    assert await response.json() == {"member_id": grandma["id"], "removed": True}

    response = await hub_client.delete(f"/api/community/households/{household['id']}")
    assert response.status == 200
    response = await hub_client.get(members_path)
    await expect_error(response, 404, "not_found")
    response = await hub_client.get("/api/community/households")
    assert await response.json() == []


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"role": "owner"}, "name", "Field 'name' is required"),
        ({"name": " ", "role": "owner"}, "name", "Field 'name' must not be empty"),
        ({"name": "王伟", "role": "nurse"}, "role", "'nurse' is not a valid member role"),
        ({"name": "王伟", "role": "owner", "phone": "call me"}, "phone", "not a phone number"),
        ({"name": "王伟", "role": "owner", "user_id": "nobody"}, "user_id", "does not exist"),
        ({"name": "王伟", "role": "caregiver", "cares_for": "x"}, "cares_for", "an array"),
        ({"name": "王伟", "role": "caregiver", "cares_for": ["x"]}, "cares_for", "not of this"),
        (
            {"name": "王伟", "role": "family", "cares_for": ["<grandma>"]},
            "cares_for",
            "Only a caregiver cares for other members",
        ),
    ],
)
async def test_a_wrong_member_is_refused_naming_the_field(
    hub: Hub, hub_client: TestClient, expect_error, body: dict, field: str, message: str
) -> None:
    household = hub.community.households.create("王家")
    grandma = hub.community.members.create(household.id, "王奶奶", "owner")
    if body.get("cares_for") == ["<grandma>"]:
        body["cares_for"] = [grandma.id]
    response = await hub_client.post(f"/api/community/households/{household.id}/members", json=body)
    error = await expect_error(response, 400, "invalid_format", field=field)
    assert message in error["message"]


async def test_only_admins_and_operators_manage_the_community(
    hub: Hub, hub_client_no_auth: TestClient, expect_error
) -> None:
    def token_of(role: Role) -> dict[str, str]:
        user = hub.users.create(f"user-{role}", role)
        _, token = hub.http.tokens.create("test", user.id, "long_lived")
        return {"Authorization": f"Bearer {token}"}

    resident, operator = token_of(Role.resident), token_of(Role.operator)
    unit = {"address": "7-2-1203", "area": "89.35"}

    response = await hub_client_no_auth.post("/api/community/units", json=unit, headers=resident)
    await expect_error(response, 403, "forbidden")
    response = await hub_client_no_auth.post("/api/community/roster", headers=resident)
    await expect_error(response, 403, "forbidden")
    hub.community.households.create("王家")
    response = await hub_client_no_auth.get("/api/community/households", headers=resident)
    assert await response.json() == []  # a resident sees only their own household
    response = await hub_client_no_auth.post("/api/community/units", json=unit, headers=operator)
    assert response.status == 201
    response = await hub_client_no_auth.get("/api/community/units", headers=resident)
    assert [u["address"] for u in await response.json()] == ["7号楼 2单元 1203"]


def xlsx_roster() -> bytes:
    workbook = openpyxl.Workbook()
    for line in ROSTER.splitlines():
        workbook.active.append([int(c) if c.isdigit() else c or None for c in line.split(",")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def test_a_roster_is_uploaded_as_a_form_or_as_the_body(hub_client: TestClient) -> None:
    form = FormData()
    form.add_field("file", ROSTER.encode("gbk"), filename="名册.csv", content_type="text/csv")
    response = await hub_client.post("/api/community/roster?dry_run=true", data=form)
    assert response.status == 200
    assert await response.json() == {**REPORT, "dry_run": True}
    response = await hub_client.get("/api/community/units")
    assert await response.json() == []

    response = await hub_client.post(
        "/api/community/roster", data=xlsx_roster(), headers={"Content-Type": XLSX}
    )
    assert await response.json() == REPORT

    response = await hub_client.post(
        "/api/community/roster",
        data=ROSTER.replace("13800138000", "13800138001").encode("utf-8-sig"),
        headers={"Content-Type": "text/csv; charset=utf-8"},
    )
    report = await response.json()
    assert report["members"] == {"created": 0, "updated": 1, "unchanged": 2, "removed": 0}


@pytest.mark.parametrize(
    ("data", "query", "field", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1...", "", None, "an old .xls workbook"),
        ("姓名,电话\r\n王伟,138\r\n".encode(), "", None, "lacks columns"),
        (ROSTER.encode(), "?dry_run=perhaps", "dry_run", "dry_run must be true, false, 1 or 0"),
        (ROSTER.encode(), "?sheet=名册", None, "A sheet ('名册') can only be chosen in an XLSX"),
    ],
)
async def test_a_roster_that_cannot_be_read_is_a_400(
    hub_client: TestClient,
    expect_error,
    data: bytes,
    query: str,
    field: str | None,
    message: str,
) -> None:
    response = await hub_client.post(f"/api/community/roster{query}", data=data)
    error = await expect_error(response, 400, "invalid_format", field=field)
    assert message in error["message"]


async def test_a_roster_may_be_larger_than_other_requests_up_to_its_own_limit(
    hub_client: TestClient, expect_error, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_mib = b"\xff" * (2 * 1024 * 1024)  # over the API's 1 MiB, under the roster's limit
    response = await hub_client.post("/api/community/roster", data=two_mib)
    error = await expect_error(response, 400, "invalid_format")
    assert "neither an XLSX workbook nor CSV text" in error["message"]

    monkeypatch.setattr(community, "MAX_ROSTER", 1000)
    response = await hub_client.post("/api/community/roster", data=two_mib)
    await expect_error(response, 413, "request_too_large")


async def test_a_form_without_a_file_is_refused(hub_client: TestClient, expect_error) -> None:
    form = FormData()
    form.add_field("comment", "the roster")
    form.add_field("other", b"x", filename="", content_type="text/plain")
    response = await hub_client.post("/api/community/roster", data=form)
    await expect_error(response, 400, "invalid_format", field="file")


async def test_a_malformed_form_is_refused(hub_client: TestClient, expect_error) -> None:
    body = b"--b\r\nContent-Disposition form-data\r\n\r\nx\r\n--b--\r\n"  # no colon
    headers = {"Content-Type": "multipart/form-data; boundary=b"}
    response = await hub_client.post("/api/community/roster", data=body, headers=headers)
    error = await expect_error(response, 400, "invalid_format")
    assert error["message"].startswith("The form cannot be read: ")


class TestOnEitherDatabase:
    @pytest.fixture
    async def hub(self, hub_factory: HubFactory, database_url: str) -> Hub:
        return await hub_factory(database_url=database_url)

    async def test_an_uploaded_roster_is_stored(self, hub: Hub, hub_client: TestClient, restart):
        response = await hub_client.post(
            "/api/community/roster",
            data=ROSTER.encode("utf-8-sig"),
            headers={"Content-Type": "text/csv"},
        )
        assert await response.json() == REPORT

        hub = await restart(hub)

        household = next(iter(hub.community.households))
        members = hub.community.members.members_of(household.id)
        assert (household.name, [m.name for m in members]) == (
            "王伟家",
            ["王伟", "王奶奶", "张阿姨"],
        )
        assert members[2].cares_for == {members[1].id}
