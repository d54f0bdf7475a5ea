"""People and a browser login for the web app's tests.

``add_resident(hub, "1-1-101", "wang")`` makes a unit, its household and an owner who can
log in; ``add_staff(hub, "zhou")`` an operator; ``await log_in(page, person)`` logs in
through the login form and waits for the first page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from playwright.async_api import Page, expect

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
