"""My home: a resident's devices by room with live states, the switch and lock she may use,
a sensor's link to its history; another household's devices never shown; the empty home;
someone in two households choosing one; a refused control told in a toast; a 360 px phone.
A sensor's history: heart rate over a day, energy over a month."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import add_resident, log_in
from home_helpers import (
    add_home_kit,
    add_wristband_sensor,
    compile_statistics_since,
    home_kit_device,
    home_kit_entity,
    install_home_kit,
    put_in_room,
    record_readings,
    rooms,
    snap,
    wait_for,
)
from playwright.async_api import Page, expect

from linli.hub import Hub

SMALL_PHONE = {"width": 360, "height": 740}


@pytest.fixture
def home_kit(
    integration: Callable[..., str], write_files: Callable[..., None], packages_dir: Path
) -> str:
    return install_home_kit(integration, write_files, packages_dir)


async def test_a_resident_sees_her_devices_by_room_live_and_turns_on_a_lamp(
    page: Page, web_hub: Hub, home_kit: str, screenshot: Any
) -> None:
    wang = add_resident(web_hub, "1-1-101", "wang", name="王阿姨")
    await add_home_kit(
        web_hub,
        wang.household.id,
        plugs=["台灯"],
        locks=["入户门"],
        bells=["门口"],
        thermometers=["客厅温度计"],
    )
    living, bedroom = rooms(web_hub, "1栋 1单元 101", "客厅", "卧室")
    put_in_room(web_hub, living, "客厅温度计", "入户门", "门口")
    put_in_room(web_hub, bedroom, "台灯")
    # The neighbours' lock is in the same hub, and never on her page.
    zhao = add_resident(web_hub, "1-1-102", "zhao")
    await add_home_kit(web_hub, zhao.household.id, locks=["赵家大门"])

    await log_in(page, wang)
    living_room = page.get_by_role("region", name="客厅", exact=True)
    bedroom_region = page.get_by_role("region", name="卧室")
    await expect(living_room.get_by_role("heading", name="客厅", exact=True)).to_be_visible()
    lamp = bedroom_region.get_by_role("article", name="台灯")
    await expect(lamp.get_by_text("插座")).to_be_visible()  # the integration's Chinese name
    thermometer = living_room.get_by_role("article", name="客厅温度计")
    await expect(thermometer).to_contain_text("21.5 °C")
    await expect(living_room.get_by_role("article", name="入户门")).to_contain_text("已上锁")
    await expect(page.get_by_text("赵家大门")).to_have_count(0)

    # The hub measures a new temperature: the page shows it without reloading.
    web_hub.data["home_kit"]["客厅温度计"]._attr_native_value = 26.5
    web_hub.data["home_kit"]["客厅温度计"].write_state()
    await expect(thermometer).to_contain_text("26.5 °C")

    switch = lamp.get_by_role("switch", name="插座")
    await expect(switch).to_have_attribute("aria-checked", "false")
    await switch.click()
    lamp_id = home_kit_entity(web_hub, "switch", "台灯")
    await wait_for(lambda: web_hub.states.get(lamp_id).state == "on")
    await expect(switch).to_have_attribute("aria-checked", "true")
    await expect(lamp).to_contain_text("已开启")

    await snap(page, screenshot, "home")

    door = living_room.get_by_role("article", name="入户门")
    await door.get_by_role("button", name="打开门锁").click()
    door_id = home_kit_entity(web_hub, "lock", "入户门")
    await wait_for(lambda: web_hub.states.get(door_id).state == "unlocked")
    await expect(door).to_contain_text("未上锁")

    await living_room.get_by_role("button", name="按一下门铃").click()
    await wait_for(lambda: web_hub.data["home_kit"]["门口"].rung == 1)
    await expect(page.locator("#toast")).to_contain_text("已按下")

    # Her thermometer links to its history.
    link = thermometer.get_by_role("link", name=re.compile("温度"))
    sensor_id = home_kit_entity(web_hub, "sensor", "客厅温度计")
    await expect(link).to_have_attribute("href", f"#/entity/{sensor_id}")

    # The hub turns the lamp off by itself: the switch follows.
    await web_hub.services.call("switch", "turn_off", {"entity_id": lamp_id}, blocking=True)
    await expect(switch).to_have_attribute("aria-checked", "false")


async def test_an_empty_home_offers_to_add_a_device_and_fits_a_360_pixel_phone(
    page: Page, web_hub: Hub, home_kit: str
) -> None:
    li = add_resident(web_hub, "2-1-301", "li", name="李大爷")
    await page.set_viewport_size(SMALL_PHONE)
    await log_in(page, li)
    await expect(page.get_by_text("您家里还没有设备")).to_be_visible()
    await page.get_by_role("link", name="添加第一个设备").click()
    await expect(page).to_have_url(re.compile("#/add-device$"))
    await expect(page.get_by_role("heading", name="添加设备")).to_be_visible()

    # With devices, the home still fits the narrow screen.
    await add_home_kit(
        web_hub,
        li.household.id,
        plugs=["一个名字很长很长的厨房电热水壶插座"],
        thermometers=["阳台"],
    )
    await page.get_by_role("link", name="返回我的家").click()
    await expect(page.get_by_role("switch", name="插座")).to_be_visible()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= SMALL_PHONE["width"], width


async def test_someone_in_two_households_chooses_which_home_to_see(
    page: Page, web_hub: Hub, home_kit: str
) -> None:
    chen = add_resident(web_hub, "3-1-101", "chen", name="陈先生")
    mother = add_resident(web_hub, "3-1-102", "chen_mother")
    web_hub.community.members.create(mother.household.id, "陈先生", "family", user_id=chen.user.id)
    await add_home_kit(web_hub, chen.household.id, plugs=["书房台灯"])
    await add_home_kit(web_hub, mother.household.id, locks=["妈妈家门"])

    await log_in(page, chen)
    picker = page.get_by_label("家庭")
    await picker.select_option(label=chen.household.name)
    await expect(page.get_by_role("article", name="书房台灯")).to_be_visible()
    await expect(page.get_by_role("article", name="妈妈家门")).to_have_count(0)
    await picker.select_option(label=mother.household.name)
    await expect(page.get_by_role("article", name="妈妈家门")).to_be_visible()
    await expect(page.get_by_role("article", name="书房台灯")).to_have_count(0)

    await page.reload()  # the choice is kept
    await expect(page.get_by_role("article", name="妈妈家门")).to_be_visible()


async def test_a_caregiver_sees_grandmas_plug_and_is_told_she_may_not_switch_it(
    page: Page, web_hub: Hub, home_kit: str
) -> None:
    zhang = add_resident(web_hub, "4-1-101", "zhang", name="张伟")
    household = zhang.household
    grandma = web_hub.community.members.create(household.id, "张奶奶", "family")
    carer = add_resident(web_hub, "4-1-202", "carer", name="李护工")
    web_hub.community.members.create(
        household.id,
        "李护工",
        "caregiver",
        user_id=carer.user.id,
        cares_for=frozenset({grandma.id}),
    )
    await add_home_kit(web_hub, household.id, plugs=["奶奶的电热毯"], locks=["张家大门"])
    blanket = home_kit_device(web_hub, "奶奶的电热毯")
    web_hub.consent.assign(blanket.id, grandma.id, zhang.user.id)
    plug_id = home_kit_entity(web_hub, "switch", "奶奶的电热毯")

    await log_in(page, carer)
    await page.get_by_label("家庭").select_option(label=household.name)
    card = page.get_by_role("article", name="奶奶的电热毯")
    await expect(card).to_be_visible()
    await expect(page.get_by_role("article", name="张家大门")).to_have_count(0)
    await card.get_by_role("switch", name="插座").click()
    await expect(page.locator("#toast")).to_contain_text("无法操作")
    await expect(page.locator("#toast")).to_contain_text("您没有权限")
    assert web_hub.states.get(plug_id).state == "off"


@pytest.mark.desktop
async def test_the_home_in_english(page: Page, web_hub: Hub, home_kit: str) -> None:
    sun = add_resident(web_hub, "5-1-101", "sun")
    await add_home_kit(web_hub, sun.household.id, locks=["Front door"])
    await log_in(page, sun)
    await page.get_by_label("语言").select_option("en")
    card = page.get_by_role("article", name="Front door")
    await expect(card).to_contain_text("Door lock")
    await expect(card).to_contain_text("Locked")
    await expect(card.get_by_role("button", name="Unlock Door lock")).to_be_visible()
    await expect(page.get_by_role("link", name="Add a device")).to_be_visible()


HEART_RATE = {
    "unit_of_measurement": "bpm",
    "device_class": "heart_rate",
    "state_class": "measurement",
}
ENERGY = {"unit_of_measurement": "kWh", "device_class": "energy", "state_class": "total_increasing"}


async def test_grandmas_heart_rate_over_a_day_is_drawn(
    page: Page, web_hub: Hub, screenshot: Any
) -> None:
    zhang = add_resident(web_hub, "6-1-101", "zhang", name="张伟")
    heart = add_wristband_sensor(
        web_hub, zhang.household.id, "864120001", "heart_rate", "bpm", device_class="heart_rate"
    )
    now = web_hub.clock.now()
    readings = [
        (now - timedelta(hours=23, minutes=50) + timedelta(minutes=30 * i), 60 + (i * 7) % 31)
        for i in range(47)
    ]
    readings.append((now - timedelta(minutes=5), 75))
    record_readings(web_hub, heart, readings, HEART_RATE)
    low = min(value for _, value in readings)
    high = max(value for _, value in readings)

    await log_in(page, zhang)
    await page.get_by_role("link", name=re.compile("心率")).click()
    await expect(page.get_by_role("heading", name="心率", level=1)).to_be_visible()
    await expect(page.locator(".current-state")).to_have_text("75 次/分")
    chart = page.get_by_role("img", name=re.compile("心率"))
    await expect(chart).to_have_attribute(
        "aria-label", re.compile(f"最低 {low} 次/分.最高 {high} 次/分.最新 75 次/分")
    )
    await expect(page.locator("history-chart .axis-unit")).to_have_text("次/分")
    assert await page.locator("history-chart .dot").count() == len(readings) + 1  # and the latest
    await expect(page.get_by_role("link", name="最近一天")).to_have_attribute(
        "aria-current", "page"
    )
    await snap(page, screenshot, "history")

    # A new reading: the state on the page changes at once.
    web_hub.states.set(heart, "88", HEART_RATE)
    await expect(page.locator(".current-state")).to_have_text("88 次/分")


async def test_energy_over_a_month_is_drawn_as_daily_use(page: Page, web_hub: Hub) -> None:
    wu = add_resident(web_hub, "6-1-102", "wu")
    meter = add_wristband_sensor(
        web_hub, wu.household.id, "meter", "energy", "kWh", original_name="电表"
    )
    now = web_hub.clock.now()
    first = now - timedelta(days=28)
    total = 1000.0
    readings = []
    for day in range(28):
        readings.append((first + timedelta(days=day), total))
        total += 5 + day % 4
    record_readings(web_hub, meter, readings, ENERGY)
    await compile_statistics_since(web_hub, first)
    used = readings[-1][1] - readings[0][1]

    await log_in(page, wu, path=f"/#/entity/{meter}?range=month")
    chart = page.get_by_role("img", name=re.compile("最近 30 天"))
    await expect(chart).to_have_attribute("aria-label", re.compile(f"合计 {used:g} kWh"))
    assert await page.locator("history-chart .bar").count() >= 27

    await expect(page.get_by_role("heading", name="电表", level=1)).to_be_visible()

    # Over a day: the readings; no new one today, so the one held since yesterday.
    await page.get_by_role("link", name="最近一天").click()
    latest = page.get_by_role("img", name=re.compile("最近 24 小时"))
    await expect(latest).to_have_attribute("aria-label", re.compile(f"最新 {total - 8:,g} kWh"))
