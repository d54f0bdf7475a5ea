"""The alarm console: an alarm raised in the hub appears live, above the less severe ones,
announced; the operator acknowledges, comments and clears it, and the hub agrees."""

import re

import pytest
from browser_helpers import add_resident, add_staff, log_in
from operator_helpers import open_page
from playwright.async_api import Page, expect

from linli.alarms.model import AlarmState
from linli.hub import Hub


@pytest.mark.desktop
async def test_a_new_critical_alarm_comes_first_and_is_acknowledged_commented_and_cleared(
    page: Page, web_hub: Hub, screenshot
) -> None:
    wang = add_resident(web_hub, "3-1-1203", "wang", name="王阿姨")
    li = add_resident(web_hub, "3-1-1204", "li", name="李师傅")
    web_hub.alarms.raise_alarm(
        "no_sign_of_life",
        "major",
        source_entity_id=None,
        household_id=li.household.id,
        message="No sign of life for 6 hours",
    )
    await log_in(page, add_staff(web_hub, "zhou", name="周经理"))
    await open_page(page, "告警台")
    alarms = page.get_by_role("list", name="告警列表")
    rows = alarms.locator("> [role=listitem]")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("长时间无活动")
    await expect(rows.first).to_contain_text("3号楼 1单元 1204")

    sos = web_hub.alarms.raise_alarm(
        "sos",
        "critical",
        source_entity_id=None,
        household_id=wang.household.id,
        message="SOS button pressed",
    )
    await expect(rows).to_have_count(2)
    row = rows.first
    await expect(row).to_contain_text("SOS 紧急呼叫")
    await expect(row).to_contain_text("紧急")
    await expect(row).to_contain_text("3号楼 1单元 1203")
    await expect(row).to_contain_text("未确认")
    # Step 0 of the ladder: the household has been told, the caregivers come next.
    await expect(row).to_contain_text(re.compile(r"已通知.住户.第 1 级"))
    await expect(row).to_contain_text(re.compile(r"若无人确认.*通知照护人"))
    await expect(rows.nth(1)).to_contain_text("长时间无活动")
    await expect(page.get_by_role("alert").filter(has_text="SOS")).to_contain_text("新的紧急告警")
    await screenshot("alarm-console")

    await row.get_by_role("button", name="确认", exact=True).click()
    await expect(row).to_contain_text("已确认")
    await expect(row.get_by_role("button", name="确认", exact=True)).to_have_count(0)
    assert web_hub.alarms.get(sos.id).state is AlarmState.active_acknowledged
    assert web_hub.alarms.get(sos.id).acknowledged_by is not None

    await row.get_by_label("新备注").fill("已电话联系王阿姨, 保安正在前往")
    await row.get_by_role("button", name="添加备注").click()
    await expect(row.get_by_role("list")).to_contain_text("已电话联系王阿姨, 保安正在前往")
    await expect(row.get_by_label("新备注")).to_have_value("")
    assert [c.text for c in web_hub.alarms.get(sos.id).comments] == [
        "已电话联系王阿姨, 保安正在前往"
    ]

    await row.get_by_role("button", name="清除").click()
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("长时间无活动")
    closed = await web_hub.alarms.fetch(sos.id)
    assert closed is not None
    assert closed.state is AlarmState.cleared_acknowledged

    # The closed alarm is among the recently closed ones, with its comment.
    await page.get_by_label("状态").select_option(label="最近关闭的")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("SOS 紧急呼叫")
    await expect(rows.first).to_contain_text("已电话联系王阿姨, 保安正在前往")
