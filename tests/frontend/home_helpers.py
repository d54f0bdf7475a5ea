"""What the resident's pages are tested with: a small smart-home integration (a plug, a
door lock, a doorbell, a thermometer; each its own device, named in Chinese and English),
rooms to put them in, and waiting for the hub.

``install_home_kit(integration, write_files, packages_dir)`` writes the package ``home_kit``;
``await add_home_kit(hub, household_id, plugs=["台灯"], ...)`` adds an entry of it for a
household; ``home_kit_entity(hub, "switch", "台灯")`` is the entity_id of one of them and
``home_kit_device(hub, "台灯")`` its device; the entities themselves are in
``hub.data["home_kit"]`` by name.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from playwright.async_api import Page

from linli.config_entries import ConfigEntry, ConfigEntryState
from linli.hub import Hub
from linli.recorder import statistics
from linli.registry.areas import AreaEntry
from linli.registry.devices import DeviceEntry
from linli.testing.time_travel import fire_time_changed

DOMAIN = "home_kit"
PLATFORMS = {"plugs": "switch", "locks": "lock", "bells": "button", "thermometers": "sensor"}

INIT = """
async def async_setup_entry(hub, entry):
    await hub.config_entries.forward_entry_setups(entry, ["switch", "lock", "button", "sensor"])
    return True

async def async_unload_entry(hub, entry):
    return True
"""

COMMON = """
def device(name):
    return {"identifiers": {("home_kit", name)}, "name": name, "manufacturer": "Home Kit"}

def keep(hub, name, entity):
    hub.data.setdefault("home_kit", {})[name] = entity
"""

FILES: dict[str, str | dict[str, Any]] = {
    "home_kit/common.py": COMMON,
    "home_kit/switch.py": """
from linli.entities.switch import SwitchEntity
from .common import device, keep

class Plug(SwitchEntity):
    _attr_should_poll = False
    _attr_has_entity_name = True
    _attr_translation_key = "plug"
    _attr_name = "Plug"
    _attr_is_on = False

    def __init__(self, name):
        self._attr_unique_id = f"{name}-plug"
        self._attr_device_info = device(name)

    async def async_turn_on(self):
        self._attr_is_on = True

    async def async_turn_off(self):
        self._attr_is_on = False

async def async_setup_entry(hub, entry, add_entities):
    plugs = {name: Plug(name) for name in entry.data.get("plugs", [])}
    for name, plug in plugs.items():
        keep(hub, name, plug)
    await add_entities(list(plugs.values()))
""",
    "home_kit/lock.py": """
from linli.entities.lock import LockEntity
from .common import device, keep

class Door(LockEntity):
    _attr_should_poll = False
    _attr_has_entity_name = True
    _attr_translation_key = "door"
    _attr_name = "Door"
    _attr_is_locked = True

    def __init__(self, name):
        self._attr_unique_id = f"{name}-door"
        self._attr_device_info = device(name)

    async def async_lock(self):
        self._attr_is_locked = True

    async def async_unlock(self):
        self._attr_is_locked = False

async def async_setup_entry(hub, entry, add_entities):
    locks = {name: Door(name) for name in entry.data.get("locks", [])}
    for name, lock in locks.items():
        keep(hub, name, lock)
    await add_entities(list(locks.values()))
""",
    "home_kit/button.py": """
from linli.entities.button import ButtonEntity
from .common import device, keep

class Bell(ButtonEntity):
    _attr_has_entity_name = True
    _attr_translation_key = "bell"
    _attr_name = "Bell"

    def __init__(self, name):
        self._attr_unique_id = f"{name}-bell"
        self._attr_device_info = device(name)
        self.rung = 0

    async def async_press(self):
        self.rung += 1

async def async_setup_entry(hub, entry, add_entities):
    bells = {name: Bell(name) for name in entry.data.get("bells", [])}
    for name, bell in bells.items():
        keep(hub, name, bell)
    await add_entities(list(bells.values()))
""",
    "home_kit/sensor.py": """
from linli.entities.sensor import SensorEntity
from .common import device, keep

class Thermometer(SensorEntity):
    _attr_should_poll = False
    _attr_has_entity_name = True
    _attr_translation_key = "temperature"
    _attr_name = "Temperature"
    _attr_device_class = "temperature"
    _attr_unit_of_measurement = "°C"
    _attr_state_class = "measurement"
    _attr_native_value = 21.5

    def __init__(self, name):
        self._attr_unique_id = f"{name}-temperature"
        self._attr_device_info = device(name)

async def async_setup_entry(hub, entry, add_entities):
    sensors = {name: Thermometer(name) for name in entry.data.get("thermometers", [])}
    for name, sensor in sensors.items():
        keep(hub, name, sensor)
    await add_entities(list(sensors.values()))
""",
    "home_kit/translations/zh-Hans.json": {
        "name": "智能家居",
        "entity": {
            "switch": {"plug": {"name": "插座"}},
            "lock": {"door": {"name": "门锁"}},
            "button": {"bell": {"name": "门铃"}},
            "sensor": {"temperature": {"name": "温度"}},
        },
    },
    "home_kit/translations/en.json": {
        "name": "Home kit",
        "entity": {
            "switch": {"plug": {"name": "Plug"}},
            "lock": {"door": {"name": "Door lock"}},
            "button": {"bell": {"name": "Doorbell"}},
            "sensor": {"temperature": {"name": "Temperature"}},
        },
    },
}


def install_home_kit(
    integration: Callable[..., str],
    write_files: Callable[[Path, dict[str, str | dict[str, Any]]], None],
    packages_dir: Path,
) -> str:
    """Write and contribute the ``home_kit`` integration (a device integration, no flow)."""
    integration(DOMAIN, INIT)
    write_files(packages_dir, FILES)
    return DOMAIN


async def add_home_kit(
    hub: Hub, household_id: str | None, title: str = "智能家居", **things: list[str]
) -> ConfigEntry:
    """An entry of home_kit for ``household_id`` (None: the community) with the named
    ``plugs``, ``locks``, ``bells`` and ``thermometers``."""
    unknown = set(things) - set(PLATFORMS)
    assert not unknown, f"home_kit has no {unknown}"
    entry = await hub.config_entries.add(DOMAIN, title, things, household_id=household_id)
    assert entry.state is ConfigEntryState.loaded, (entry.state, entry.reason)
    await hub.block_till_done()
    return entry


def home_kit_entity(hub: Hub, platform: str, name: str) -> str:
    """The entity_id of the home_kit entity of ``platform`` on the device ``name``."""
    suffix = {"switch": "plug", "lock": "door", "button": "bell", "sensor": "temperature"}
    entity_id = hub.entities.get_entity_id(platform, DOMAIN, f"{name}-{suffix[platform]}")
    assert entity_id is not None, f"no home_kit {platform} on {name}"
    return entity_id


def home_kit_device(hub: Hub, name: str) -> DeviceEntry:
    device = hub.devices.get_by_identifier(DOMAIN, name)
    assert device is not None, f"no home_kit device {name}"
    return device


def put_in_room(hub: Hub, room: AreaEntry, *device_names: str) -> None:
    for name in device_names:
        hub.devices.update(home_kit_device(hub, name).id, area_id=room.id)


def rooms(hub: Hub, address: str, *names: str) -> list[AreaEntry]:
    """Rooms of the flat at ``address`` (its areas, made if missing)."""
    flat = hub.areas.get_or_create_address(address)
    return [
        hub.areas.get_by_name(name, flat.id) or hub.areas.create(name, "common", flat.id)
        for name in names
    ]


async def wait_for(condition: Callable[[], Any], timeout: float = 10.0) -> Any:
    """Poll ``condition`` until it is truthy; fail after ``timeout`` seconds."""
    async with asyncio.timeout(timeout):
        while not (result := condition()):
            await asyncio.sleep(0.02)
    return result


async def snap(page: Page, screenshot: Callable[[str], Awaitable[None]], name: str) -> None:
    """The whole page from its top (a sticky header mid-page looks broken in a full shot),
    without a passing toast over it."""
    await page.evaluate(
        "window.scrollTo(0, 0); document.querySelector('#toast')?.classList.add('hidden')"
    )
    await screenshot(name)


def add_wristband_sensor(
    hub: Hub, household_id: str, watch: str, key: str, unit: str | None, **fields: Any
) -> str:
    """A registered sensor of an elderly wristband (its device and entity, as the
    integration registers them) for ``household_id``; returns its entity_id."""
    device = hub.devices.get_or_create(
        identifiers={("elderly_wristband", watch)},
        name=f"Wristband {watch}",
        household_id=household_id,
    )
    entry = hub.entities.get_or_create(
        "sensor",
        "elderly_wristband",
        f"{watch}-{key}",
        suggested_object_id=f"wristband_{watch}_{key}",
        device_id=device.id,
        household_id=household_id,
        unit_of_measurement=unit,
        **fields,
    )
    return entry.entity_id


def record_readings(
    hub: Hub, entity_id: str, readings: list[tuple[datetime, float]], attributes: dict[str, Any]
) -> None:
    """Write ``readings`` (times in the past, oldest first) as the entity's states, the
    hub's clock moved to each one's time; then the clock comes back to now."""
    for when, value in readings:
        fire_time_changed(hub, when)
        hub.states.set(entity_id, str(value), attributes)
    fire_time_changed(hub, datetime.now(UTC))


async def compile_statistics_since(hub: Hub, since: datetime) -> None:
    """The recorder's hourly statistics of every hour from ``since`` until now (a hub that
    ran all along would have compiled them at each hour's end)."""
    await hub.recorder.flush()
    now = hub.clock.time()
    first = since.timestamp() - since.timestamp() % statistics.HOUR
    hours = [first + index * statistics.HOUR for index in range(int((now - first) // 3600))]
    found = statistics.candidates(hub)
    await hub.recorder.run(
        lambda session: sum(statistics.compile_hour(session, found, hour, now) for hour in hours)
    )
