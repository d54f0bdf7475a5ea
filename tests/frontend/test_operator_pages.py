"""The property office's pages: the dashboard's figures agree with the hub, failed and
voted-in integrations, devices by building and household with their live states, and the
household roster import with its bad rows."""

import re
from collections.abc import Callable

import pytest
from browser_helpers import add_resident, add_staff, log_in
from operator_helpers import add_device, open_page
from playwright.async_api import Page, expect

from linli.hub import Hub
from linli.testing.governance import vote_in


@pytest.mark.desktop
async def test_the_dashboard_shows_the_hubs_figures_and_follows_a_new_alarm(
    page: Page, web_hub: Hub, screenshot
) -> None:
    wang = add_resident(web_hub, "3-1-1203", "wang", name="王阿姨")
    li = add_resident(web_hub, "3-1-1204", "li", name="李师傅")
    add_resident(web_hub, "5-2-601", "zhao", name="赵先生")
    add_device(web_hub, "客厅温度计", wang.household.id, "23.5", unit="°C")
    add_device(web_hub, "厨房烟感", wang.household.id, "off", domain="binary_sensor")
    add_device(web_hub, "门口摄像头", li.household.id, "unavailable")
    web_hub.alarms.raise_alarm(
        "detector_silent",
        "warning",
        source_entity_id=None,
        household_id=li.household.id,
        message="The smoke detector has sent nothing for 24 hours",
    )
    web_hub.figures.contribute(
        "ev_charger",
        lambda: {"connectors": 10, "occupied": 4, "charging": 3, "power_kw": 21.5, "limit_kw": 60},
    )
    web_hub.figures.contribute(
        "courier_locker", lambda: {"compartments": 48, "occupied": 12, "overdue": 1}
    )
    figures = await web_hub.figures.collect()

    await log_in(page, add_staff(web_hub, "zhou", name="周经理"))
    await expect(page.get_by_role("heading", name="数字驾驶舱", level=1)).to_be_visible()
    households = page.get_by_role("region", name="住户")
    await expect(households.locator(".figure")).to_have_text(
        str(figures["community"]["households"])
    )
    await expect(households).to_contain_text("3 套房屋 · 3 位成员")
    devices = page.get_by_role("region", name="设备在线")
    await expect(devices).to_contain_text(re.compile("2 台在线.共 3 台"))
    alarms = page.get_by_role("region", name="当前告警")
    await expect(alarms.locator(".figure")).to_have_text("1")
    # The charger's and the locker's figures, labelled by the integrations' own texts.
    await expect(page.get_by_role("meter", name="充电中")).to_have_attribute(
        "aria-valuetext", re.compile(r"^3 / 10")
    )
    await expect(
        page.get_by_role("region", name="快递柜").get_by_role("meter", name="已占用")
    ).to_have_attribute("aria-valuetext", re.compile(r"^12 / 48"))
    await expect(page.get_by_role("region", name="快递柜")).to_contain_text("超时未取")
    await screenshot("dashboard")

    # A new alarm moves the figures without a reload.
    web_hub.alarms.raise_alarm(
        "sos",
        "critical",
        source_entity_id=None,
        household_id=wang.household.id,
        message="SOS pressed",
    )
    await expect(alarms.locator(".figure")).to_have_text("2")
    await expect(alarms.get_by_role("list", name="告警按级别")).to_contain_text("紧急")


async def test_integrations_show_a_failure_with_its_cause_and_the_vote_that_let_one_run(
    page: Page, web_hub: Hub, integration: Callable[..., str], screenshot
) -> None:
    integration(
        "broken_meter",
        "async def async_setup(hub, config):\n"
        "    raise RuntimeError('the meter bus on COM3 does not answer')\n",
        name="Broken Meter",
    )
    integration("acme_locker", integration_type="service", funding=["market", "public"])
    web_hub.integrations.catalog.reload()
    await web_hub.integrations.setup(["broken_meter", "acme_locker"])
    proposal = await vote_in(web_hub, "acme_locker")

    await log_in(page, add_staff(web_hub, "zhou"))
    await open_page(page, "集成")
    broken = page.get_by_role("article", name="Broken Meter")
    await expect(broken).to_contain_text("失败")
    await expect(broken).to_contain_text("the meter bus on COM3 does not answer")
    # The failed one comes first.
    await expect(page.get_by_role("article").first).to_have_accessible_name("Broken Meter")
    locker = page.get_by_role("article", name="Acme Locker")
    await expect(locker).to_contain_text("允许运行")
    await expect(locker).to_contain_text(f"依据业主表决「{proposal.title}」")
    await expect(locker).to_contain_text("市场化收费")
    await expect(locker).to_contain_text("运行中")
    await screenshot("integrations")


async def test_devices_are_grouped_by_building_and_household_and_follow_their_state(
    page: Page, web_hub: Hub, screenshot
) -> None:
    wang = add_resident(web_hub, "3-1-1203", "wang")
    zhao = add_resident(web_hub, "5-2-601", "zhao")
    web_hub.community.households.update(wang.household.id, name="王家")
    web_hub.community.households.update(zhao.household.id, name="赵家")
    _, smoke = add_device(web_hub, "厨房烟感", wang.household.id, "off", domain="binary_sensor")
    add_device(web_hub, "客厅温度计", wang.household.id, "23.5", unit="°C")
    add_device(web_hub, "门禁读卡器", zhao.household.id, "unavailable")
    add_device(web_hub, "地库水泵", None, "on", domain="switch")

    await log_in(page, add_staff(web_hub, "zhou"))
    await open_page(page, "设备")
    building3 = page.get_by_role("region", name="3号楼", exact=True)
    kitchen = building3.get_by_role("region", name=re.compile("王家")).get_by_role(
        "listitem", name="厨房烟感"
    )
    await expect(kitchen).to_contain_text("在线")
    await expect(kitchen).to_contain_text("关")
    await expect(building3).to_contain_text("23.5 °C")
    reader = page.get_by_role("region", name="5号楼", exact=True).get_by_role(
        "listitem", name="门禁读卡器"
    )
    await expect(reader).to_contain_text("离线")
    await expect(page.get_by_role("region", name="公共设施")).to_contain_text("地库水泵")
    await expect(page.get_by_role("status").filter(has_text="台设备")).to_have_text(
        re.compile("^4 台设备.3 台在线$")
    )
    await screenshot("devices")

    # A state changes in the hub: the page follows, and the search text stays as typed.
    search = page.get_by_label("搜索设备、住户或地址")
    await search.fill("3号楼")
    await expect(page.get_by_role("region", name="5号楼", exact=True)).to_have_count(0)
    web_hub.states.set(smoke.entity_id, "unavailable", {"friendly_name": "厨房烟感"})
    await expect(kitchen).to_contain_text("离线")
    await expect(search).to_have_value("3号楼")
    await expect(search).to_be_focused()
    await search.fill("赵家")
    await expect(page.get_by_role("region", name="3号楼", exact=True)).to_have_count(0)
    await expect(page.get_by_role("region", name="5号楼", exact=True)).to_contain_text("门禁读卡器")
    await search.fill("没有这个设备")
    await expect(page.get_by_text("没有找到与“没有这个设备”相关的设备。")).to_be_visible()


ROSTER = (
    "楼栋,单元,房号,专有面积,姓名,身份,电话\n"
    "8,1,101,89.35,王伟,业主,13800138000\n"
    "8,1,102,76.00,李娜,业主,13900139000\n"
    "8,1,103,80.50,赵六,老板,13700137000\n"
    "8,1,101,,刘芳,家属,\n"
)


@pytest.mark.desktop
async def test_a_roster_with_a_bad_row_is_checked_then_imported_and_the_row_is_shown(
    page: Page, web_hub: Hub, screenshot
) -> None:
    await log_in(page, add_staff(web_hub, "zhou"))
    await open_page(page, "住户名册")
    await page.get_by_label("名册文件").set_input_files(
        {"name": "名册.csv", "mimeType": "text/csv", "buffer": ROSTER.encode()}
    )
    await page.get_by_role("button", name=re.compile("^先检查")).click()
    report = page.get_by_role("region", name=re.compile("^检查结果"))
    await expect(report).to_contain_text(re.compile("共 4 行.3 行可导入.1 行有问题"))
    assert len(web_hub.community.households) == 0  # a dry run changes nothing

    await report.get_by_role("button", name="确认导入").click()
    report = page.get_by_role("region", name="导入结果")
    await expect(report).to_contain_text(re.compile("已导入 3 行.1 行有问题未导入"))
    bad_row = report.get_by_role("table").last.get_by_role("row").filter(has_text="老板")
    await expect(bad_row.get_by_role("rowheader")).to_have_text("4")
    await expect(bad_row.get_by_role("cell").first).to_have_text("身份")
    await expect(bad_row).to_contain_text("'老板' is not a role")
    households = {household.name for household in web_hub.community.households}
    assert households == {"王伟家", "李娜家"}
    members = {member.name for member in web_hub.community.members}
    assert members == {"王伟", "李娜", "刘芳"}
    await screenshot("roster")


async def test_the_roster_template_is_a_roster_the_hub_reads(page: Page, web_hub: Hub) -> None:
    await log_in(page, add_staff(web_hub, "zhou"))
    await open_page(page, "住户名册")
    async with page.expect_download() as waiting:
        await page.get_by_role("link", name="下载 CSV 模板").click()
    download = await waiting.value
    assert download.suggested_filename == "住户名册模板.csv"
    await page.get_by_label("名册文件").set_input_files(await download.path())
    await page.get_by_role("button", name="导入", exact=True).click()
    await expect(page.get_by_role("region", name="导入结果")).to_contain_text("所有行都没有问题。")
    assert {unit.address for unit in web_hub.community.units} == {
        "3号楼 1单元 1203",
        "3号楼 2单元 501",
    }


async def test_an_operator_reads_the_devices_in_english(page: Page, web_hub: Hub) -> None:
    wang = add_resident(web_hub, "3-1-1203", "wang")
    add_device(web_hub, "Kitchen smoke detector", wang.household.id, "unavailable")
    await log_in(page, add_staff(web_hub, "zhou"))
    await page.get_by_label("语言").select_option("en")
    await open_page(page, "Devices")
    detector = page.get_by_role("region", name="Building 3", exact=True).get_by_role(
        "listitem", name="Kitchen smoke detector"
    )
    await expect(detector).to_contain_text("Offline")
    await expect(page.get_by_role("status").filter(has_text="Devices:")).to_have_text(
        "Devices: 1 · online: 0"
    )
    await page.get_by_label("Search devices, households or addresses").fill("nothing like it")
    await expect(page.get_by_text('No device matches "nothing like it".')).to_be_visible()
