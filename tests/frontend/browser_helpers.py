"""People and a browser login for the web app's tests.

``add_resident(hub, "1-1-101", "wang")`` makes a unit, its household and an owner who can
log in; ``add_staff(hub, "zhou")`` an operator; ``await log_in(page, person)`` logs in
through the login form and waits for the first page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from playwright.async_api import Browser, ConsoleMessage, Page, expect

from linli.auth.passwords import hash_password
from linli.auth.users import UserEntry
from linli.community.households import HouseholdEntry
from linli.community.units import UnitEntry

if TYPE_CHECKING:
    from linli.hub import Hub

PASSWORD = "linli-邻里-2026"
PHONE = {"width": 390, "height": 844}  # a phone held upright, in CSS pixels
DESKTOP = {"width": 1440, "height": 900}


@dataclass(frozen=True, slots=True)
class Person:
    """Someone who logs in: their account, and for a resident their household and unit."""

    user: UserEntry
    password: str = PASSWORD
    household: HouseholdEntry | None = None
    unit: UnitEntry | None = None

    @property
    def username(self) -> str:
        return self.user.username


def add_resident(
    hub: Hub,
    address: str,
    username: str,
    *,
    name: str | None = None,
    area: str = "89.35",
    role: str = "resident",
) -> Person:
    """An owner of the unit at ``address`` (made with its household if new) who can log in."""
    community = hub.community
    unit = community.units.get_by_address(address) or community.units.create(address, area)
    household = next((h for h in community.households if h.unit_id == unit.id), None)
    if household is None:
        household = community.households.create(unit.address, unit.id)
    user = hub.users.create(username, role, name=name, password_hash=hash_password(PASSWORD))
    community.members.create(household.id, user.name, "owner", user_id=user.id)
    return Person(user, household=household, unit=unit)


def add_staff(
    hub: Hub, username: str, *, name: str | None = None, role: str = "operator"
) -> Person:
    """A member of the property office (or an admin) who can log in."""
    user = hub.users.create(username, role, name=name, password_hash=hash_password(PASSWORD))
    return Person(user)


async def log_in(page: Page, person: Person, *, path: str = "/") -> None:
    """Open the app and log in as ``person`` through the form; wait for the navigation."""
    await page.goto(path)
    form = page.locator("login-form")
    await form.locator("input[name=username]").fill(person.username)
    await form.locator("input[name=password]").fill(person.password)
    await form.get_by_role("button").click()
    await expect(page.get_by_role("navigation")).to_be_visible()


def _is_problem(message: ConsoleMessage) -> bool:
    """A console error, but for the browser's note of a 4xx answer: the API refusing a
    request is something the app shows, not a fault."""
    if message.type != "error":
        return False
    return "the server responded with a status of 4" not in message.text


async def new_page(
    browser: Browser, hub: Hub, viewport: dict[str, int] = PHONE
) -> tuple[Page, list[str]]:
    """A page of ``hub``'s web app in a fresh browser profile, and the list the app's
    errors and uncaught exceptions go to (a test asserts it stays empty)."""
    context = await browser.new_context(
        base_url=f"http://127.0.0.1:{hub.http.port}", viewport=viewport, locale="zh-CN"
    )
    context.set_default_timeout(10_000)
    page = await context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console: {m.text}") if _is_problem(m) else None)
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    return page, problems
