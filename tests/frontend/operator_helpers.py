"""What the operator pages' tests seed in the hub: devices with an entity and its state, and
the way to a page of the app.

``add_device(hub, "厨房烟感", household_id, "off")`` registers a device of the ``test``
platform with one entity whose state is ``"off"`` (``"unavailable"``: the device is
offline); ``await open_page(page, "告警台")`` follows the navigation's link.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from playwright.async_api import Page, expect

from linli.registry.devices import DeviceEntry
from linli.registry.entities import EntityEntry

if TYPE_CHECKING:
    from linli.hub import Hub


def add_device(
    hub: Hub,
    name: str,
    household_id: str | None,
    state: str,
    *,
    domain: str = "sensor",
    entity_name: str | None = None,
    unit: str | None = None,
) -> tuple[DeviceEntry, EntityEntry]:
    """A device of the ``test`` platform with one entity in ``state``."""
    key = uuid.uuid4().hex
    device = hub.devices.get_or_create(
        identifiers={("test", key)},
        name=name,
        household_id=household_id,
        manufacturer="Acme",
        model="T-1",
    )
    entity = hub.entities.get_or_create(
        domain, "test", key, device_id=device.id, unit_of_measurement=unit
    )
    attributes = {"friendly_name": entity_name or name}
    if unit is not None:
        attributes["unit_of_measurement"] = unit
    hub.states.set(entity.entity_id, state, attributes)
    return device, entity


async def open_page(page: Page, link: str) -> None:
    """Follow the navigation's link named ``link`` and wait until it is the current page."""
    navigation = page.get_by_role("navigation")
    await navigation.get_by_role("link", name=link, exact=True).click()
    await expect(navigation.get_by_role("link", name=link, exact=True)).to_have_attribute(
        "aria-current", "page"
    )
