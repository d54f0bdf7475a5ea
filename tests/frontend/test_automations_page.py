"""The automations page: a resident adds "no sign of life" from a blueprint for her mother's
watch (only her household's sensors offered), is told beside the field what is wrong, turns
it off and on, runs it by hand and reads the run in words; the property office at its desk
sees the community's automation of automations.yaml as read-only, runs it, and deletes one
made through the API."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import add_resident, add_staff, log_in
from home_helpers import add_home_kit, add_wristband_sensor, install_home_kit, snap, wait_for
from playwright.async_api import Page, expect

from linli.automation.automation import Automation
from linli.hub import Hub
from linli.plugins import PluginManager
from linli.testing.plugin import HubFactory
from linli.testing.processes import free_port

# The blueprint's name in the app's Chinese.
NO_SIGN_OF_LIFE = "老人长时间没有活动，请志愿者探访"  # noqa: RUF001
AUTOMATIONS_YAML = """
- id: night_patrol
  alias: 夜间巡逻提醒
  triggers:
    - trigger: event
      event_type: patrol_due
  actions:
    - event: patrol_reminded
"""


@pytest.fixture
async def web_hub(hub_factory: HubFactory, plugins: PluginManager, tmp_path: Path) -> Hub:
    """The web app's hub, with the community's automation written in automations.yaml."""
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "automations.yaml").write_text(AUTOMATIONS_YAML, encoding="utf-8")
    hub = await hub_factory(
        config_dir=config_dir, plugins=plugins, http_host="127.0.0.1", http_port=free_port()
    )
    await hub.http.start()
    return hub


@pytest.fixture
def home_kit(
    integration: Callable[..., str], write_files: Callable[..., None], packages_dir: Path
) -> str:
    return install_home_kit(integration, write_files, packages_dir)


def made_here(hub: Hub) -> list[Automation]:
    """The automations made through the API (not those of automations.yaml)."""
    return [automation for automation in hub.automations if automation.source == "api"]


async def open_automations(page: Page) -> None:
    await page.get_by_role("navigation").get_by_role("link", name="自动化").click()
    await expect(page.get_by_role("heading", name="自动化", level=1)).to_be_visible()


async def test_a_resident_adds_no_sign_of_life_turns_it_off_and_on_and_reads_a_run(
    page: Page, web_hub: Hub, home_kit: str, screenshot: Any
) -> None:
    wang = add_resident(web_hub, "1-1-101", "wang", name="王阿姨")
    steps = add_wristband_sensor(web_hub, wang.household.id, "w1", "steps", "steps")
    web_hub.states.set(steps, "1200", {"unit_of_measurement": "steps"})
    await add_home_kit(web_hub, wang.household.id, plugs=["台灯"])  # not a sensor
    zhao = add_resident(web_hub, "1-1-102", "zhao")
    neighbours = add_wristband_sensor(web_hub, zhao.household.id, "w2", "steps", "steps")

    await log_in(page, wang)
    await open_automations(page)
    await expect(page.get_by_text("还没有自动化")).to_be_visible()
    await expect(page.get_by_text("夜间巡逻提醒")).to_have_count(0)  # the community's

    await page.get_by_role("link", name="从模板添加").click()
    await expect(page.get_by_role("heading", name="选择模板")).to_be_visible()
    await expect(page.get_by_role("link", name="有人来自动开灯")).to_be_visible()
    await page.get_by_role("link", name=NO_SIGN_OF_LIFE).click()

    form = page.locator("automation-blueprint-form")
    await expect(form.get_by_role("heading", level=2)).to_contain_text(NO_SIGN_OF_LIFE)
    await expect(form.get_by_label("名称")).to_have_value(NO_SIGN_OF_LIFE)
    sensor = form.get_by_label("用什么判断老人在活动")
    await expect(sensor.locator("option")).to_have_text(["请选择", "Wristband w1 · 步数"])
    assert neighbours not in await sensor.inner_html()
    hours = form.get_by_label("多少小时没有活动")
    await expect(hours).to_have_value("6")  # the blueprint's default
    await expect(form).to_contain_text("可填 1 到 48 小时")

    # Nothing chosen: said beside the field, before asking the hub.
    await form.get_by_role("button", name="添加自动化").click()
    sensor_field = form.locator("[data-field=sign_of_life]")
    await expect(sensor_field.get_by_role("alert")).to_have_text("请填写这一项")
    await expect(sensor).to_be_focused()

    # Too many hours: the hub refuses the input, and the page says so beside it.
    await sensor.select_option(steps)
    await hours.fill("100")
    await form.get_by_label("名称").fill("外婆的探访提醒")
    await form.get_by_role("button", name="添加自动化").click()
    hours_field = form.locator("[data-field=hours]")
    await expect(hours_field.get_by_role("alert")).to_have_text("不能大于 48 小时")
    await expect(hours).to_have_attribute("aria-invalid", "true")
    await expect(sensor_field.get_by_role("alert")).to_be_hidden()
    assert not made_here(web_hub)
    await snap(page, screenshot, "automation_form")

    await hours.fill("12")
    await expect(hours_field.get_by_role("alert")).to_be_hidden()
    await form.get_by_role("button", name="添加自动化").click()
    await expect(page.locator("#toast")).to_have_text("已添加“外婆的探访提醒”")
    row = page.get_by_role("article", name="外婆的探访提醒")
    await expect(row).to_contain_text("还没有运行过")
    (automation,) = made_here(web_hub)
    assert automation.household_id == wang.household.id
    assert automation.owner_id == wang.user.id
    assert automation.raw["use_blueprint"] == {
        "path": "linli/no_sign_of_life.yaml",
        "input": {"sign_of_life": steps, "hours": 12},
    }

    switch = row.get_by_role("switch", name="启用“外婆的探访提醒”")
    await expect(switch).to_have_attribute("aria-checked", "true")
    await switch.click()
    await expect(switch).to_have_attribute("aria-checked", "false")
    await expect(switch).to_be_focused()
    assert not automation.enabled
    await switch.click()
    await expect(switch).to_have_attribute("aria-checked", "true")
    assert web_hub.automations.get(automation.id).enabled

    await row.get_by_role("button", name="立即运行“外婆的探访提醒”").click()
    runs = row.get_by_role("region", name="“外婆的探访提醒”的运行记录")
    run = runs.locator("automation-trace").first
    await expect(run.locator("[data-part=ended]")).to_have_text("已完成")
    await expect(run.locator("[data-part=trigger]")).to_have_text("您手动运行")
    await expect(run.locator("[data-part=duration]")).to_have_text("不到 1 秒")
    steps_run = run.get_by_role("listitem")
    await expect(steps_run).to_have_count(4)  # the blueprint's condition, then two actions
    await expect(steps_run).to_contain_text(["第 1 步", "第 2 步", "第 3 步", "第 4 步"])
    # An alarm for the household; the desk, with nobody on duty, tells no one.
    await expect(steps_run).to_contain_text(["发出告警：探访任务", "发送通知「探访任务」"])  # noqa: RUF001
    await expect(steps_run.nth(3)).to_contain_text("0 人收到")
    await expect(row.locator("[data-part=last-run]")).to_contain_text("已完成")
    alarm = await wait_for(lambda: web_hub.alarms.active(wang.household.id))
    assert alarm[0].alarm_type == "check_in"
    await snap(page, screenshot, "automations")

    # Closed and opened again: the runs are read from the hub.
    runs_button = row.get_by_role("button", name="“外婆的探访提醒”的运行记录")
    await runs_button.click()
    await expect(runs).to_be_hidden()
    await runs_button.click()
    await expect(runs.locator("automation-trace")).to_have_count(1)


@pytest.mark.desktop
async def test_the_office_sees_the_yaml_automation_read_only_and_deletes_its_own(
    page: Page, web_hub: Hub, screenshot: Any
) -> None:
    zhou = add_staff(web_hub, "zhou", name="周经理")
    own = web_hub.automations.create(
        {
            "alias": "紧急求助升级",
            "use_blueprint": {"path": "linli/sos_escalation.yaml", "input": {"wait_minutes": 3}},
        },
        owner_id=zhou.user.id,
    )

    await log_in(page, zhou)
    await open_automations(page)
    patrol = page.get_by_role("article", name="夜间巡逻提醒")
    await expect(patrol).to_contain_text("全社区")
    await expect(patrol.locator("[data-part=read-only]")).to_contain_text("automations.yaml")
    await expect(patrol.get_by_role("button", name="删除“夜间巡逻提醒”")).to_have_count(0)

    await patrol.get_by_role("button", name="立即运行“夜间巡逻提醒”").click()
    run = patrol.locator("automation-trace").first
    await expect(run.locator("[data-part=ended]")).to_have_text("已完成")
    await expect(run.get_by_role("listitem")).to_contain_text(["发出事件"])
    await expect(run.get_by_role("listitem")).to_have_count(1)
    await snap(page, screenshot, "automations_desk")

    sos = page.get_by_role("article", name="紧急求助升级")
    await expect(sos.locator("[data-part=read-only]")).to_have_count(0)
    await sos.get_by_role("button", name="删除“紧急求助升级”").click()
    dialog = page.get_by_role("dialog", name="删除自动化")
    await dialog.get_by_role("button", name="删除").click()
    await expect(sos).to_have_count(0)
    await expect(page.locator("#toast")).to_have_text("已删除“紧急求助升级”")
    assert web_hub.automations.get(own.id) is None
    assert web_hub.automations.get("night_patrol") is not None
