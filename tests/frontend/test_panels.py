"""A vendor's plugin adds a page to the web app: it is in the navigation and opens in the
app's frame, talking to the API through the app's own client."""

from pathlib import Path

import pytest
from browser_helpers import add_staff, log_in
from playwright.async_api import Page, expect

from linli.hub import Hub
from linli.plugins import FrontendPanel, PluginManager, hookimpl

PANEL = """
import { hub } from "/frontend/lib/hub.js";

customElements.define("lockers-panel", class extends HTMLElement {
  async connectedCallback() {
    const info = await hub.api.get("/api/");
    this.innerHTML = `<h1>快递柜管理</h1><p>${info.name}</p>`;
  }
});
"""


class LockerPanels:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @hookimpl
    def linli_frontend_panels(self) -> list[FrontendPanel]:
        return [FrontendPanel("lockers", "快递柜管理", "mdi:locker", self.folder, "panel.js")]


@pytest.fixture
def plugins(plugins: PluginManager, tmp_path: Path) -> PluginManager:
    folder = tmp_path / "acme_panel"
    folder.mkdir()
    (folder / "panel.js").write_text(PANEL, encoding="utf-8")
    plugins.register(LockerPanels(folder), name="acme")
    return plugins


async def test_a_plugins_panel_opens_from_the_navigation(page: Page, web_hub: Hub) -> None:
    await log_in(page, add_staff(web_hub, "zhou"))
    link = page.get_by_role("navigation").get_by_role("link", name="快递柜管理")
    await link.click()
    await expect(page.get_by_role("heading", name="快递柜管理")).to_be_visible()
    await expect(page.locator("lockers-panel")).to_contain_text(web_hub.config.name)
    await expect(link).to_have_attribute("aria-current", "page")
