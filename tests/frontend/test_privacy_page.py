"""Privacy consent: an owner gives consent for her mother's health data, sees it, withdraws
it, and downloads the household's data; the hub's consent registry agrees each time."""

import json
import re

from browser_helpers import add_resident, log_in
from playwright.async_api import Page, expect

from linli.hub import Hub


async def test_consent_is_given_shown_and_withdrawn_as_the_hub_records_it(
    page: Page, web_hub: Hub, screenshot
) -> None:
    wang = add_resident(web_hub, "3-1-502", "wang", name="王芳")
    grandma = web_hub.community.members.create(wang.household.id, "王奶奶", "family")
    consents = web_hub.consent

    await log_in(page, wang)
    await page.get_by_role("navigation").get_by_role("link", name="隐私授权").click()
    card = page.locator(".consent-member", has_text="王奶奶")
    health = card.locator(".consent-category", has_text="健康数据")
    await expect(health).to_contain_text(re.compile("未授权.不会采集王奶奶的健康数据"))
    await expect(health).to_contain_text("老人手环")  # what collects it
    await expect(card).to_contain_text("可以查看其数据的人")

    # Giving: asked first; cancelling changes nothing.
    give = card.get_by_role("button", name="授权采集王奶奶的健康数据")
    await give.click()
    dialog = page.get_by_role("dialog", name="确认授权")
    await expect(dialog).to_contain_text("所有服务将开始采集王奶奶的健康数据")
    await dialog.get_by_role("button", name="取消").click()
    await expect(dialog).to_have_count(0)
    assert not consents.consents.of_member(grandma.id)

    await give.click()
    await page.get_by_role("dialog").get_by_role("button", name="确认授权").click()
    await expect(health.locator(".consent-status.on")).to_contain_text("已授权")
    await expect(health).to_contain_text("范围")
    await expect(health).to_contain_text("所有服务")
    await expect(health).to_contain_text("由您以监护人身份授权")
    await expect(page.locator("#toast")).to_contain_text("已授权采集王奶奶的健康数据")
    (consent,) = consents.consents.of_member(grandma.id)
    assert (consent.category, consent.scope, consent.active) == ("health", "all", True)
    assert consent.given_by == wang.user.id
    assert consents.has_consent(grandma.id, "health", "elderly_wristband")
    # Location data is another consent: still not given.
    location = card.locator(".consent-category", has_text="位置数据")
    await expect(location).to_contain_text("未授权")
    assert not consents.has_consent(grandma.id, "location", "elderly_wristband")
    await screenshot("privacy")

    # Withdrawing: confirmed, then shown at once, and the hub stops collecting.
    await card.get_by_role("button", name="撤回王奶奶的健康数据授权").click()
    dialog = page.get_by_role("dialog", name="确认撤回授权")
    await expect(dialog).to_contain_text("删除已保存的记录")
    await dialog.get_by_role("button", name="确认撤回").click()
    await expect(health).to_contain_text(re.compile("未授权.不会采集王奶奶的健康数据"))
    await expect(health.get_by_text(re.compile("已撤回的授权"))).to_be_visible()
    assert not consents.consents.get(consent.id).active
    assert not consents.has_consent(grandma.id, "health", "elderly_wristband")

    # The household's data, downloaded: the consent and its withdrawal are in it.
    async with page.expect_download() as waiting:
        await page.get_by_role("button", name=re.compile("的数据$")).click()
    download = await waiting.value
    document = json.loads((await download.path()).read_text(encoding="utf-8"))
    assert document["format"] == "linli.household_export"
    assert download.suggested_filename == f"household-{wang.household.id}.json"
    (exported,) = document["consents"]["consents"]
    assert (exported["id"], exported["withdrawn_by"]) == (consent.id, wang.user.id)


async def test_the_privacy_page_in_english(page: Page, web_hub: Hub) -> None:
    wang = add_resident(web_hub, "3-1-502", "wang", name="Wang Fang")
    web_hub.community.members.create(wang.household.id, "Grandma Wang", "family")
    await log_in(page, wang)
    await page.get_by_label("语言").select_option("en")
    await page.get_by_role("navigation").get_by_role("link", name="Privacy consent").click()
    card = page.locator(".consent-member", has_text="Grandma Wang")
    await card.get_by_role(
        "button", name="Give consent to collect Grandma Wang's Health data"
    ).click()
    await page.get_by_role("dialog").get_by_role("button", name="Give consent").click()
    await expect(card.locator(".consent-status.on")).to_contain_text("Consent given")
    await expect(card).to_contain_text("given by you as guardian")
