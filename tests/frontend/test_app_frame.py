"""The app's frame: logging in and out, the language, the navigation of each role, the
connection coming back after the hub restarts, and a login that ends mid-task."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from browser_helpers import PASSWORD, add_resident, add_staff, log_in
from playwright.async_api import Page, expect

from linli.hub import Hub


async def test_a_wrong_password_is_refused_in_chinese_and_the_right_one_opens_the_home(
    page: Page, web_hub: Hub
) -> None:
    wang = add_resident(web_hub, "1-1-101", "wang", name="王阿姨")
    await page.goto("/")
    await page.get_by_label("账号").fill("wang")
    await page.get_by_label("密码", exact=True).fill("not-her-password")
    await page.get_by_role("button", name="登录").click()
    await expect(page.get_by_role("alert")).to_contain_text("账号或密码不正确")

    await page.get_by_label("密码", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    navigation = page.get_by_role("navigation", name="主菜单")
    await expect(navigation.get_by_role("link", name="我的家")).to_have_attribute(
        "aria-current", "page"
    )
    await expect(page.get_by_text(wang.user.name)).to_be_visible()
    # A resident's menu has no operator pages.
    await expect(navigation.get_by_role("link", name="告警台")).to_have_count(0)


async def test_an_operator_lands_on_the_dashboard_and_can_switch_to_english(
    page: Page, web_hub: Hub
) -> None:
    await log_in(page, add_staff(web_hub, "zhou", name="周经理"))
    navigation = page.get_by_role("navigation")
    await expect(navigation.get_by_role("link", name="数字驾驶舱")).to_have_attribute(
        "aria-current", "page"
    )
    await page.get_by_label("语言").select_option("en")
    await expect(navigation.get_by_role("link", name="Dashboard")).to_be_visible()
    await expect(page.locator("html")).to_have_attribute("lang", "en")

    await page.reload()  # the choice is kept
    await expect(
        page.get_by_role("navigation").get_by_role("link", name="Alarm console")
    ).to_be_visible()


async def test_logging_out_returns_to_the_login_and_the_token_no_longer_works(
    page: Page, web_hub: Hub
) -> None:
    await log_in(page, add_resident(web_hub, "1-1-102", "li"))
    token = await page.evaluate("JSON.parse(localStorage.getItem('linli.tokens')).access_token")
    await page.get_by_role("button", name="退出登录").click()
    await expect(page.get_by_role("button", name="登录")).to_be_visible()
    answer = await page.request.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.status == 401


async def test_the_app_reconnects_by_itself_when_the_hub_stops_serving_and_comes_back(
    page: Page, web_hub: Hub
) -> None:
    await log_in(page, add_resident(web_hub, "1-1-103", "zhao"))
    status = page.locator("#connection")
    await expect(status).to_have_text("已连接")
    # The home page has loaded (an empty home says so), so no request is under way.
    await expect(page.get_by_text("还没有设备")).to_be_visible()
    await web_hub.http.stop()
    await expect(status).to_contain_text("连接中断")
    await web_hub.http.start()
    await expect(status).to_have_text("已连接", timeout=15_000)


async def test_an_ended_login_asks_for_the_password_and_keeps_what_was_typed(
    page: Page, web_hub: Hub
) -> None:
    zhou = add_staff(web_hub, "zhou", name="周经理")
    await log_in(page, zhou)
    await page.get_by_role("navigation").get_by_role("link", name="社区议事").click()
    await page.get_by_text("发起新的表决").click()
    await page.get_by_label("标题").fill("更换单元门禁")
    await page.get_by_label("表决事项").select_option("other")
    deadline = datetime.now(ZoneInfo(web_hub.config.time_zone)) + timedelta(days=7)
    await page.get_by_label("截止时间").fill(f"{deadline:%Y-%m-%dT20:00}")
    # Meanwhile her login ends (its refresh token expired, or an admin ended it).
    web_hub.http.tokens.end_logins(zhou.user.id)
    await page.get_by_role("button", name="发起表决").click()

    dialog = page.get_by_role("dialog")
    await expect(dialog).to_contain_text("登录已过期")
    assert not list(web_hub.governance.proposals)
    await dialog.get_by_label("密码", exact=True).fill(PASSWORD)
    await dialog.get_by_role("button", name="登录").click()
    await expect(dialog).to_have_count(0)
    # The request she made goes on with what she typed: nothing to type again.
    card = page.locator("community-proposal-card", has_text="更换单元门禁")
    await expect(card).to_be_visible()
    (proposal,) = web_hub.governance.proposals
    assert (proposal.title, proposal.created_by) == ("更换单元门禁", zhou.user.id)
