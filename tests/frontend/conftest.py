"""Fixtures of the web app's tests: a hub serving on a free port and a page of the Debian
Chromium driven by Playwright, as a phone unless a test asks for a desktop.

Without Chromium the tests are skipped, except with ``CI=true``, where they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import DESKTOP, PHONE, new_page
from playwright.async_api import Browser, Page, async_playwright

from linli.hub import Hub
from linli.plugins import PluginManager
from linli.testing.plugin import HubFactory
from linli.testing.processes import free_port

# As the machine's own check runs it: no first-run pages, no calls home (refused here).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Where the README's screenshots go: LINLI_SCREENSHOTS=docs/screenshots pytest tests/frontend
SCREENSHOTS_ENV = "LINLI_SCREENSHOTS"


def chromium_path() -> str:
    found = os.environ.get("LINLI_CHROMIUM") or shutil.which("chromium")
    if found:
        return found
    message = "Chromium is not installed: apt-get install chromium (or set LINLI_CHROMIUM)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
async def web_hub(hub_factory: HubFactory, plugins: PluginManager) -> Hub:
    """A started hub serving the web app and the API on a free port of 127.0.0.1 (a fixed
    one, so that a test can stop serving and serve again at the same address)."""
    hub = await hub_factory(plugins=plugins, http_host="127.0.0.1", http_port=free_port())
    await hub.http.start()
    return hub


@pytest.fixture
async def browser(web_hub: Hub) -> AsyncIterator[Browser]:
    """Chromium, closed before the hub stops (the hub's check for leftovers runs last)."""
    executable = chromium_path()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


@pytest.fixture
async def page(
    browser: Browser, web_hub: Hub, request: pytest.FixtureRequest
) -> AsyncIterator[Page]:
    """A page of the web app in a phone-sized window (``@pytest.mark.desktop``: a desktop's),
    in a fresh browser profile. The test fails if the app logs an error or throws."""
    viewport = DESKTOP if request.node.get_closest_marker("desktop") else PHONE
    page, problems = await new_page(browser, web_hub, viewport)
    yield page
    await page.context.close()
    assert not problems, "The web app logged errors:\n" + "\n".join(problems)


@pytest.fixture
def screenshot(page: Page, tmp_path: Path) -> Any:
    """``await screenshot("dashboard")``: the page as ``dashboard.png``, in the folder
    ``$LINLI_SCREENSHOTS`` names (the README's: docs/screenshots), else a temporary one."""
    folder = Path(os.environ.get(SCREENSHOTS_ENV) or tmp_path)

    async def save(name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        await page.evaluate("window.scrollTo(0, 0)")
        await page.screenshot(path=folder / f"{name}.png", full_page=True)

    return save
