"""The household's alarms, live: raised in the hub, shown at once (the most severe first),
acknowledged on the page and in the hub, moved to the recent ones; calling back; another
household's alarms never shown."""

from __future__ import annotations

import re
from typing import Any

from browser_helpers import add_resident, log_in
from home_helpers import snap, wait_for
from playwright.async_api import Page, expect

from linli.hub import Hub


async def test_an_alarm_arrives_live_and_is_acknowledged(
    page: Page, web_hub: Hub, screenshot: Any
) -> None:
    wang = add_resident(web_hub, "1-1-101", "wang", name="王伟")
    web_hub.community.members.create(wang.household.id, "王奶奶", "family", phone="13800138000")
    zhao = add_resident(web_hub, "1-1-102", "zhao")
    alarms = web_hub.alarms

    await log_in(page, wang, path="/#/alarms")
    open_list = page.get_by_role("region", name=re.compile("需要处理"))
    await expect(open_list.get_by_text("没有需要处理的告警")).to_be_visible()

    alarms.raise_alarm(
        "detector_silent",
        "warning",
        source_entity_id=None,
        household_id=wang.household.id,
        message="Kitchen smoke has sent nothing for 24 hours: check its battery",
    )
    smoke = alarms.raise_alarm(
        "smoke",
        "critical",
        source_entity_id=None,
        household_id=wang.household.id,
        message="Kitchen smoke: smoke detected",
    )
    alarms.raise_alarm(  # the neighbours': never on her page
        "water_leak", "major", source_entity_id=None, household_id=zhao.household.id, message="x"
    )

    cards = open_list.get_by_role("article")
    await expect(cards).to_have_count(2)
    first = cards.first
    await expect(first.get_by_role("heading", name="烟雾报警")).to_be_visible()  # critical first
    await expect(first).to_contain_text("紧急")
    await expect(first).to_contain_text("Kitchen smoke: smoke detected")
    await expect(first).to_contain_text(re.compile("告警中.待确认"))
    await expect(cards.nth(1)).to_contain_text("探测器长时间未上报")
    await expect(page.get_by_text("漏水报警")).to_have_count(0)
    call = first.get_by_role("link", name=re.compile("致电王奶奶"))
    await expect(call).to_have_attribute("href", "tel:13800138000")
    await expect(page.locator("#toast")).to_contain_text("新告警")
    await snap(page, screenshot, "alarms")

    await first.get_by_role("button", name=re.compile("确认收到告警.烟雾报警")).click()
    await expect(page.locator("#toast")).to_contain_text("已确认收到")
    recent = page.get_by_role("region", name="最近处理过的")
    handled = recent.get_by_role("article", name="烟雾报警")
    await expect(handled).to_contain_text(re.compile("告警中.已确认"))
    await expect(handled).to_contain_text("您已于")
    await expect(handled.get_by_role("button")).to_have_count(0)
    await expect(cards).to_have_count(1)
    await wait_for(lambda: alarms.get(smoke.id).state == "active_acknowledged")
    assert alarms.get(smoke.id).acknowledged_by == wang.user.id

    # The detector reports the smoke gone: the alarm is closed, and says so.
    alarms.clear(smoke.id, comment="the detector reports the condition over")
    await expect(handled).to_contain_text("已处理完毕")
    await expect(handled).to_contain_text("设备已于")


async def test_without_a_phone_the_page_says_so_and_fits_a_small_phone(
    page: Page, web_hub: Hub
) -> None:
    li = add_resident(web_hub, "2-1-101", "li", name="李大爷")
    web_hub.alarms.raise_alarm(
        "sos",
        "critical",
        source_entity_id=None,
        household_id=li.household.id,
        message="Wristband 864120001 SOS: the wearer pressed the SOS button",
    )
    await page.set_viewport_size({"width": 360, "height": 740})
    await log_in(page, li, path="/#/alarms")
    card = page.get_by_role("article", name="SOS 紧急求救")
    await expect(card).to_contain_text("家里没有登记电话号码")
    await expect(card.get_by_role("link")).to_have_count(0)
    await expect(page.get_by_role("region", name="最近处理过的")).to_contain_text(
        "最近没有处理过的告警"
    )
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width


async def test_the_alarms_in_english(page: Page, web_hub: Hub) -> None:
    sun = add_resident(web_hub, "3-1-101", "sun")
    web_hub.alarms.raise_alarm(
        "fall", "critical", source_entity_id=None, household_id=sun.household.id, message="Fall"
    )
    await log_in(page, sun, path="/#/alarms")
    await page.get_by_label("语言").select_option("en")
    card = page.get_by_role("article", name="Fall detected")
    await expect(card).to_contain_text("Critical")
    await card.get_by_role("button", name="Acknowledge the alarm: Fall detected").click()
    recent = page.get_by_role("region", name="Recently handled")
    await expect(recent.get_by_role("article", name="Fall detected")).to_contain_text(
        "Acknowledged by you"
    )
