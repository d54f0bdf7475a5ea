"""Adding a device through its integration's config flow, in the browser: a smoke detector
on the hub's own MQTT broker (a field out of range told next to it, then the detector on the
home page, live), a wristband server whose port is taken (the integration's own words next
to the field), and a flow of two steps in English."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import aiomqtt
import pytest
from browser_helpers import add_resident, log_in
from home_helpers import snap, wait_for
from playwright.async_api import Page, expect

from linli.config_entries import ConfigEntryState
from linli.hub import Hub
from linli.plugins import PluginManager
from linli.testing.plugin import HubFactory
from linli.testing.processes import free_port

TOPIC = "zigbee2mqtt/kitchen_smoke"

DOORBELL_FLOW = """
import voluptuous as vol

from linli.config_entries import ConfigFlow
from linli.flows import Select


class DoorbellFlow(ConfigFlow):
    async def async_step_user(self, user_input=None):
        if user_input is not None:
            self.chime = user_input["chime"]
            return await self.async_step_name()
        schema = vol.Schema({vol.Required("chime", default="ding"): Select(["ding", "birds"])})
        return self.show_form("user", schema, last_step=False)

    async def async_step_name(self, user_input=None):
        if user_input is not None:
            if user_input["name"].strip().lower() == "door":
                return self.show_form("name", self._schema(), errors={"base": "too_plain"})
            return self.create_entry(user_input["name"], {"chime": self.chime, **user_input})
        return self.show_form("name", self._schema(), last_step=True)

    def _schema(self):
        return vol.Schema(
            {vol.Required("name"): str, vol.Optional("loud", default=False): bool}
        )
"""
DOORBELL_TEXTS = {
    "name": "Doorbell",
    "config": {
        "step": {
            "user": {
                "title": "Choose the chime",
                "data": {"chime": "Chime"},
            },
            "name": {
                "title": "Name the doorbell",
                "description": "The name shows on your home page.",
                "data": {"name": "Name", "loud": "Ring loudly"},
            },
        },
        "error": {"too_plain": "Give it a name you will recognise."},
    },
    "selector": {"chime": {"options": {"ding": "Ding-dong", "birds": "Birdsong"}}},
}


@pytest.fixture
def doorbell(
    integration: Callable[..., str], write_files: Callable[..., None], packages_dir: Path
) -> str:
    """A device integration whose flow has two steps (a choice, then a name)."""
    integration(
        "doorbell", "async def async_setup_entry(hub, entry):\n    return True\n", config_flow=True
    )
    zh = {**DOORBELL_TEXTS, "name": "门铃"}
    write_files(
        packages_dir,
        {
            "doorbell/config_flow.py": DOORBELL_FLOW,
            "doorbell/translations/en.json": DOORBELL_TEXTS,
            "doorbell/translations/zh-Hans.json": zh,
        },
    )
    return "doorbell"


@pytest.fixture
def broker_port() -> int:
    return free_port()


@pytest.fixture
async def web_hub(
    hub_factory: HubFactory, plugins: PluginManager, broker_port: int, doorbell: str
) -> Hub:
    """The frontend's hub, with the mqtt integration running its embedded broker (as a hub
    whose linli.yaml names no broker does): the smoke detectors report through it."""
    hub = await hub_factory(
        plugins=plugins,
        http_host="127.0.0.1",
        http_port=free_port(),
        integrations={"mqtt": {"host": "127.0.0.1", "port": broker_port}},
    )
    (entry,) = hub.config_entries.entries("mqtt")
    await wait_for(lambda: entry.state is ConfigEntryState.loaded)
    await hub.http.start()
    return hub


@pytest.fixture
async def detector(broker_port: int, web_hub: Hub) -> AsyncIterator[aiomqtt.Client]:
    """The smoke detector's zigbee2mqtt, on the hub's broker."""
    async with aiomqtt.Client("127.0.0.1", broker_port, identifier="kitchen-smoke") as client:
        yield client


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port another program listens on."""
    with socket.socket() as other:
        other.bind(("", 0))
        other.listen()
        yield other.getsockname()[1]


async def test_a_resident_adds_a_smoke_detector_after_fixing_a_field(
    page: Page, web_hub: Hub, detector: aiomqtt.Client, screenshot: Any
) -> None:
    wang = add_resident(web_hub, "1-1-101", "wang", name="王阿姨")
    await log_in(page, wang)
    await expect(page.get_by_text("您家里还没有设备")).to_be_visible()
    await page.get_by_role("link", name="添加设备").first.click()

    choices = page.locator(".integration-choices")
    await expect(choices.get_by_role("button", name="老人手环")).to_be_visible()
    await expect(choices.get_by_role("button", name="MQTT")).to_have_count(0)  # not a device
    await choices.get_by_role("button", name="烟雾、燃气和漏水探测器").click()

    form = page.get_by_role("form", name="添加探测器")
    await expect(form).to_contain_text("zigbee2mqtt/kitchen_smoke")  # the step's description
    await form.get_by_label("状态主题").fill(TOPIC)
    await form.get_by_label("名称").fill("厨房烟感")
    interval = form.get_by_label(re.compile("至少每隔多久上报"))
    await interval.fill("100")
    await form.get_by_role("button", name="提交").click()

    # The hub refuses the interval: the words sit under that field, and what was typed stays.
    error = page.locator("[data-field=report_interval] .field-error")
    await expect(error).to_have_text("不能大于 72")
    await expect(interval).to_have_attribute("aria-invalid", "true")
    await expect(interval).to_be_focused()
    await expect(form.get_by_label("名称")).to_have_value("厨房烟感")
    await snap(page, screenshot, "add-device")
    await interval.fill("12")
    await expect(error).to_be_hidden()
    await form.get_by_role("button", name="提交").click()

    await expect(page.get_by_role("heading", name="添加成功")).to_be_visible()
    await expect(page.get_by_text("“厨房烟感”已添加到您家。")).to_be_visible()
    (entry,) = web_hub.config_entries.entries("smoke_detector")
    assert (entry.household_id, entry.data["report_interval"]) == (wang.household.id, 12)

    await page.get_by_role("link", name="回到我的家").click()
    card = page.get_by_role("article", name="厨房烟感")
    await expect(card.get_by_text("烟雾", exact=True)).to_be_visible()
    await detector.publish(TOPIC, json.dumps({"smoke": False, "battery": 87}), qos=1)
    await expect(card).to_contain_text("87 %")
    await expect(card).to_contain_text("正常")


async def test_the_integrations_own_words_for_a_field_error(
    page: Page, web_hub: Hub, taken_port: int
) -> None:
    li = add_resident(web_hub, "1-1-102", "li")
    await log_in(page, li, path="/#/add-device")
    await page.get_by_role("button", name="老人手环").click()
    form = page.get_by_role("form", name="接入老人手环")
    port = form.get_by_label("TCP 端口")
    await port.fill(str(taken_port))
    await form.get_by_label("小区中心纬度").fill("31.2304")
    await form.get_by_label("小区中心经度").fill("121.4737")
    await form.get_by_role("button", name="提交").click()
    error = page.locator("[data-field=port] .field-error")
    await expect(error).to_have_text("已有其他程序在监听此端口。")
    await expect(port).to_be_focused()

    free = free_port()
    await port.fill(str(free))
    await form.get_by_role("button", name="提交").click()
    await expect(page.get_by_role("heading", name="添加成功")).to_be_visible()
    (entry,) = web_hub.config_entries.entries("elderly_wristband")
    assert entry.data["port"] == free
    assert entry.household_id == li.household.id


@pytest.mark.desktop
async def test_a_flow_of_two_steps_in_english(page: Page, web_hub: Hub, doorbell: str) -> None:
    sun = add_resident(web_hub, "1-1-103", "sun")
    await log_in(page, sun)
    await page.get_by_label("语言").select_option("en")
    await page.get_by_role("link", name="Add a device").click()
    await page.get_by_role("button", name="Doorbell").click()

    first = page.get_by_role("form", name="Choose the chime")
    await expect(first.get_by_label("Chime")).to_have_value("0")  # the default, Ding-dong
    await first.get_by_label("Chime").select_option(label="Birdsong")
    await first.get_by_role("button", name="Next").click()

    second = page.get_by_role("form", name="Name the doorbell")
    await expect(second).to_contain_text("The name shows on your home page.")
    await second.get_by_role("button", name="Submit").click()
    await expect(second.locator("[data-field=name] .field-error")).to_have_text(
        "Please fill this in"
    )
    await second.get_by_label("Name").fill("door")
    await second.get_by_label("Ring loudly").check()
    await second.get_by_role("button", name="Submit").click()
    await expect(second.get_by_role("alert").filter(has_text="recognise")).to_be_visible()

    await second.get_by_label("Name").fill("Front door")
    await second.get_by_role("button", name="Submit").click()
    await expect(page.get_by_text("“Front door” is now in your home.")).to_be_visible()
    (entry,) = web_hub.config_entries.entries("doorbell")
    assert entry.data == {"chime": "birds", "name": "Front door", "loud": True}


async def test_cancelling_a_flow_ends_it_in_the_hub(page: Page, web_hub: Hub) -> None:
    zhou = add_resident(web_hub, "1-1-104", "zhou")
    await log_in(page, zhou, path="/#/add-device")
    await page.get_by_role("button", name="门铃").click()
    await expect(page.get_by_role("form")).to_be_visible()
    assert len(web_hub.config_entries.flow.progress(zhou.user.id)) == 1
    await page.get_by_role("button", name="取消").click()
    await expect(page.get_by_role("button", name="门铃")).to_be_visible()
    await wait_for(lambda: not web_hub.config_entries.flow.progress(zhou.user.id))
