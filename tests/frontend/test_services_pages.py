"""The service pages: rating a service, the monthly statement and the operator's CSV,
parcels waiting with their pickup codes, and charging from the phone."""

import asyncio
import csv
import io
import re

import aiohttp
import pytest
from browser_helpers import add_resident, add_staff, log_in, new_page
from community_helpers import (
    add_bank,
    add_site,
    connect_charger,
    deposit,
    pickup_code,
    this_month,
)
from playwright.async_api import Browser, Page, expect

from linli.hub import Hub
from linli.integrations.ev_charger.id_tags import app_tag
from linli.metering import Month


async def open_page(page: Page, name: str) -> None:
    await page.get_by_role("navigation").get_by_role("link", name=name).click()


# -- ratings ------------------------------------------------------------------------------


async def test_a_resident_rates_the_lockers_and_the_average_shows(
    page: Page, web_hub: Hub, screenshot
) -> None:
    await add_bank(web_hub)
    await log_in(page, add_resident(web_hub, "7-2-1203", "zhang", name="张伟"))
    await open_page(page, "服务评价")
    lockers = page.locator("service-rating-card", has_text="快递柜")
    await expect(lockers.get_by_role("heading", name="快递柜")).to_be_visible()
    await expect(lockers).to_contain_text("还没有评价")
    await expect(lockers).to_contain_text("市场化收费")

    await lockers.get_by_role("button", name="提交评价").click()  # no stars picked yet
    await expect(lockers.get_by_role("alert").first).to_contain_text("请先选择星级")
    await lockers.get_by_label("4 星").check()
    await lockers.get_by_label("留言").fill("取件很方便")
    await lockers.get_by_role("button", name="提交评价").click()
    await expect(lockers.get_by_role("img", name=re.compile("平均 4 星"))).to_be_visible()
    await expect(lockers).to_contain_text("共 1 条评价")
    summary = web_hub.governance.ratings.summary("courier_locker")
    assert (summary.count, summary.total) == (1, 4)
    (rating,) = web_hub.governance.ratings.registry.of_service("courier_locker")
    assert rating.comment == "取件很方便"
    await screenshot("ratings")

    # A service her household does not use: the hub's refusal, in Chinese.
    chargers = page.locator("service-rating-card", has_text="电动汽车充电桩")
    await chargers.get_by_label("2 星").check()
    await chargers.get_by_role("button", name="提交评价").click()
    await expect(chargers.get_by_role("alert").last).to_contain_text(
        "只有使用这项服务的住户才能评价"
    )
    assert web_hub.governance.ratings.summary("ev_charger").count == 0


# -- bills --------------------------------------------------------------------------------


async def record_usage(hub: Hub, household_id: str) -> None:
    """A charging session and a parcel's overdue fee, this month."""
    for item, description, quantity, unit, price in (
        ("energy", "地下车库 1 号枪充电", 12_345, "kWh", 120),
        ("service_fee", "充电服务费", 1000, "session", 200),
    ):
        await hub.metering.record(
            household_id=household_id,
            domain="ev_charger",
            item=item,
            description=description,
            quantity_milli=quantity,
            unit=unit,
            unit_price_fen=price,
            reference="session-1",
        )
    await hub.metering.record(
        household_id=household_id,
        domain="courier_locker",
        item="overdue_fee",
        description="Lockers A 顺丰快递超时 1 天",
        quantity_milli=1000,
        unit="day",
        unit_price_fen=150,
        reference="P-1",
    )


async def test_a_residents_statement_shows_the_lines_and_the_total_recorded(
    page: Page, web_hub: Hub, screenshot
) -> None:
    chen = add_resident(web_hub, "1-1-101", "chen", name="陈先生")
    await record_usage(web_hub, chen.household.id)
    month = Month.parse(this_month(web_hub))
    statement = await web_hub.metering.statement(chen.household.id, month)
    assert statement.total_fen == 1481 + 200 + 150

    await log_in(page, chen)
    await open_page(page, "账单")
    await expect(page.get_by_label("月份")).to_have_value(this_month(web_hub))
    bill = page.locator(".bill")
    await expect(bill.locator("[data-total]")).to_have_text("¥18.31")
    await expect(bill).to_contain_text("地下车库 1 号枪充电")
    await expect(bill).to_contain_text("12.345 千瓦时")
    await expect(bill).to_contain_text("¥1.20/千瓦时")
    await expect(bill).to_contain_text("¥14.81")
    await expect(bill.locator(".bill-services")).to_contain_text("电动汽车充电桩")
    await expect(bill.locator(".bill-services")).to_contain_text("¥16.81")
    await expect(bill.locator(".bill-services")).to_contain_text("¥1.50")
    await screenshot("bills")

    # The month before: nothing.
    year, month = map(int, this_month(web_hub).split("-"))
    year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    await page.get_by_label("月份").fill(f"{year}-{month:02d}")
    await expect(page.get_by_text(f"{year}年{month}月没有账单")).to_be_visible()


@pytest.mark.desktop
async def test_an_operator_sees_every_statement_and_downloads_the_csv(
    page: Page, web_hub: Hub
) -> None:
    chen = add_resident(web_hub, "1-1-101", "chen")
    await record_usage(web_hub, chen.household.id)
    await log_in(page, add_staff(web_hub, "zhou", name="周经理"))
    await open_page(page, "账单")
    row = page.get_by_role("row", name=re.compile(chen.household.name))
    await expect(row).to_contain_text("¥18.31")
    async with page.expect_download() as waiting:
        await page.get_by_role("button", name="下载本月用量明细").click()
    download = await waiting.value
    assert download.suggested_filename == f"usage-{this_month(web_hub)}.csv"
    text = (await download.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["item"], r["amount_fen"]) for r in rows] == [
        ("energy", "1481"),
        ("service_fee", "200"),
        ("overdue_fee", "150"),
    ]
    assert {r["household"] for r in rows} == {chen.household.name}
    assert rows[0]["description"] == "地下车库 1 号枪充电"


# -- parcels ------------------------------------------------------------------------------


async def test_a_deposited_parcel_shows_its_code_to_its_household_only(
    page: Page, web_hub: Hub, screenshot
) -> None:
    await add_bank(web_hub)
    zhang = add_resident(web_hub, "7-2-1203", "zhang", name="张伟")
    wang = add_resident(web_hub, "7-2-1204", "wang", name="王芳")
    await log_in(page, zhang)
    await open_page(page, "快递")
    await expect(page.get_by_text("没有待取的快递")).to_be_visible()

    # The courier puts a parcel in compartment 3 for 7-2-1203: it appears while she looks.
    await deposit(web_hub, "7-2-1203", compartment=3)
    code = pickup_code(web_hub, zhang.household.id)
    parcel = page.locator(".parcel")
    await expect(parcel.locator(".pickup-digits")).to_have_text(code)
    await expect(parcel.get_by_role("heading")).to_have_text("Lockers A 3 号格口")
    await expect(parcel).to_contain_text("SFP-1")
    await expect(parcel).to_contain_text("顺丰")
    await expect(parcel).to_contain_text("免费保管至")
    await screenshot("parcels")

    await page.get_by_role("button", name="退出登录").click()
    await expect(page.get_by_role("button", name="登录", exact=True)).to_be_visible()
    await log_in(page, wang)
    await open_page(page, "快递")
    await expect(page.get_by_text("没有待取的快递")).to_be_visible()
    await expect(page.get_by_text(code)).to_have_count(0)


# -- charging -----------------------------------------------------------------------------


async def test_a_resident_starts_charging_from_the_phone_and_stops_it(
    page: Page, browser: Browser, web_hub: Hub, screenshot
) -> None:
    await add_site(web_hub)
    li = add_resident(web_hub, "2-1-301", "li", name="李先生")
    async with aiohttp.ClientSession() as session:
        charger = await connect_charger(web_hub, session)
        try:
            await log_in(page, li)
            await open_page(page, "充电")
            connector = page.locator(".connector", has_text="CP-1")
            await expect(connector.get_by_role("heading")).to_have_text("充电桩 CP-1 1 号枪")
            await expect(connector).to_contain_text("空闲")

            await connector.get_by_role("button", name="开始充电").click()
            number, tag = await asyncio.wait_for(charger.remote_starts.get(), 10)
            assert (number, tag) == (1, app_tag(li.household.id))
            await expect(page.locator("#toast")).to_contain_text("已通知充电桩开始充电")
            await charger.start_session(1, tag)
            await charger.charge(1, 600)
            await expect(connector.locator(".badge[data-status]")).to_have_text("充电中")
            await expect(connector).to_contain_text("您的充电")
            await expect(connector).to_contain_text("本次电量")
            await screenshot("charging")
            # The hub, not this browser, knows whose session it is: after a reload it is
            # still hers, and her neighbour sees the connector in use with no stop button.
            await page.reload()
            await expect(connector).to_contain_text("您的充电")
            neighbour, problems = await new_page(browser, web_hub)
            await log_in(neighbour, add_resident(web_hub, "2-1-302", "zhang"))
            await open_page(neighbour, "充电")
            theirs = neighbour.locator(".connector", has_text="CP-1")
            await expect(theirs).to_contain_text("正在使用")
            await expect(theirs.get_by_role("button", name="停止充电")).to_have_count(0)
            await neighbour.context.close()
            assert not problems

            await connector.get_by_role("button", name="停止充电").click()
            await expect(page.locator("#toast")).to_contain_text("已通知充电桩停止充电")
            await charger.stop_session(1)
            await expect(connector.locator(".badge[data-status]")).to_contain_text("充电结束")
            await expect(connector.get_by_role("button", name="停止充电")).to_have_count(0)
        finally:
            await charger.close()


@pytest.mark.desktop
async def test_an_operator_sees_the_connectors_and_the_sites_power_against_its_limit(
    page: Page, web_hub: Hub
) -> None:
    await add_site(web_hub)
    async with aiohttp.ClientSession() as session:
        charger = await connect_charger(web_hub, session)
        try:
            await log_in(page, add_staff(web_hub, "zhou"))
            await open_page(page, "充电")
            site = page.locator(".charging-site")
            await expect(site.get_by_role("heading")).to_have_text("地下车库充电站")
            await expect(site).to_contain_text("供电上限 11 千瓦")
            connector = page.locator(".connector", has_text="CP-1")
            await expect(connector).to_contain_text("空闲")
            await expect(connector.get_by_role("button", name="开始充电")).to_have_count(0)
        finally:
            await charger.close()
