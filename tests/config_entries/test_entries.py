"""Config entries: set up, retried, failed, migrated, unloaded and removed — for real.

Each test writes a real integration package (tests/conftest.py) whose module does what a
vendor's would: set up from the entry, forward to an entity platform, fail in some way.
"""

from datetime import timedelta
from pathlib import Path

import pytest

from linli.config_entries import ConfigEntryState
from linli.config_entries.manager import retry_delay
from linli.exceptions import ConfigEntryError
from linli.hub import Hub
from linli.plugins import PluginManager
from linli.testing import fire_time_changed
from linli.testing.plugin import HubFactory
from linli.toolkit.operator import configured_entries, summarise

LOCKER_BANK = """
from linli.exceptions import ConfigEntryNotReady

async def async_setup_entry(hub, entry):
    if entry.data.get("offline_tries", 0) > hub.data.setdefault("tries", 0):
        hub.data["tries"] += 1
        raise ConfigEntryNotReady(f"locker bank at {entry.data['host']} does not answer")
    await hub.config_entries.forward_entry_setups(entry, ["sensor"])
    return True

async def async_unload_entry(hub, entry):
    return True
"""

LOCKER_SENSOR = """
from linli.entities.sensor import SensorEntity

class FreeCompartments(SensorEntity):
    _attr_should_poll = False

    def __init__(self, entry):
        self._attr_unique_id = f"{entry.data['host']}-free"
        self._attr_name = "Free compartments"
        self._attr_native_value = 12
        self._attr_device_info = {
            "identifiers": {("locker_bank", entry.data["host"])},
            "manufacturer": "Acme",
            "model": "Bank 24",
            "name": "Locker bank " + entry.data["host"],
        }

async def async_setup_entry(hub, entry, add_entities):
    await add_entities([FreeCompartments(entry)])
"""


@pytest.fixture
def locker_bank(integration, write_files, packages_dir: Path) -> str:
    integration("locker_bank", LOCKER_BANK)
    write_files(packages_dir, {"locker_bank/sensor.py": LOCKER_SENSOR})
    return "locker_bank"


def sensor_states(hub: Hub) -> list[str]:
    return [state.entity_id for state in hub.states.all("sensor")]


async def test_entry_sets_up_its_entities_and_unloads_them(hub: Hub, locker_bank: str) -> None:
    entry = await hub.config_entries.add(locker_bank, "东门快递柜", {"host": "10.0.0.7"})

    assert entry.state is ConfigEntryState.loaded
    (entity_id,) = sensor_states(hub)
    assert hub.states.get(entity_id).state == "12"
    (device,) = hub.devices
    assert device.config_entry_ids == {entry.id}

    assert await hub.config_entries.unload(entry.id)
    assert entry.state is ConfigEntryState.not_loaded
    assert sensor_states(hub) == []
    assert len(hub.entities) == 1  # unloading keeps the registry entry

    assert await hub.config_entries.reload(entry.id)
    assert sensor_states(hub) == [entity_id]


async def test_removing_an_entry_removes_its_devices_and_entities(
    hub: Hub, locker_bank: str
) -> None:
    entry = await hub.config_entries.add(locker_bank, "东门快递柜", {"host": "10.0.0.7"})
    await hub.config_entries.remove(entry.id)

    assert hub.config_entries.get(entry.id) is None
    assert sensor_states(hub) == []
    assert list(hub.entities) == []
    assert list(hub.devices) == []


async def test_entries_survive_a_restart_and_are_set_up_again(
    hub_factory: HubFactory, plugins: PluginManager, locker_bank: str, tmp_path: Path
) -> None:
    first = await hub_factory(config_dir=tmp_path / "estate", plugins=plugins)
    entry = await first.config_entries.add(
        locker_bank, "东门快递柜", {"host": "10.0.0.7"}, household_id="7-2-1203"
    )
    entity_ids = sensor_states(first)
    await first.stop()

    second = await hub_factory(config_dir=tmp_path / "estate", plugins=plugins)
    again = second.config_entries.require(entry.id)
    assert (again.title, again.data, again.household_id) == (
        "东门快递柜",
        {"host": "10.0.0.7"},
        "7-2-1203",
    )
    assert again.state is ConfigEntryState.loaded
    assert sensor_states(second) == entity_ids


async def test_not_ready_is_retried_with_growing_delays(hub: Hub, locker_bank: str) -> None:
    entry = await hub.config_entries.add(
        locker_bank, "东门快递柜", {"host": "10.0.0.7", "offline_tries": 2}
    )
    assert entry.state is ConfigEntryState.setup_retry
    assert entry.reason == "locker bank at 10.0.0.7 does not answer; retrying in 5 s"

    fire_time_changed(hub, timedelta(seconds=5))
    await hub.block_till_done()
    assert entry.state is ConfigEntryState.setup_retry
    assert entry.reason.endswith("retrying in 10 s")

    fire_time_changed(hub, timedelta(seconds=9))
    await hub.block_till_done()
    assert entry.state is ConfigEntryState.setup_retry
    fire_time_changed(hub, timedelta(seconds=1))
    await hub.block_till_done()
    assert entry.state is ConfigEntryState.loaded
    assert entry.reason is None


def test_retry_delays_double_up_to_ten_minutes() -> None:
    assert [retry_delay(tries) for tries in (1, 2, 3, 4, 8, 20)] == [5, 10, 20, 40, 600, 600]


async def test_unloading_a_retrying_entry_cancels_its_retry(hub: Hub, locker_bank: str) -> None:
    hub_timers = hub.scheduler.pending  # the recorder's purge and statistics
    entry = await hub.config_entries.add(
        locker_bank, "东门快递柜", {"host": "10.0.0.7", "offline_tries": 5}
    )
    assert await hub.config_entries.unload(entry.id)
    assert entry.state is ConfigEntryState.not_loaded
    assert hub.scheduler.pending == hub_timers


@pytest.mark.parametrize(
    ("code", "state", "reason"),
    [
        (
            "async def async_setup_entry(hub, entry):\n    raise KeyError('serial')\n",
            ConfigEntryState.setup_error,
            "KeyError: 'serial'",
        ),
        (
            "async def async_setup_entry(hub, entry):\n    return False\n",
            ConfigEntryState.setup_error,
            "the integration reported failure",
        ),
        (
            "from linli.exceptions import ConfigEntryError\n"
            "async def async_setup_entry(hub, entry):\n"
            "    raise ConfigEntryError('the API key was refused')\n",
            ConfigEntryState.setup_error,
            "the API key was refused",
        ),
        (
            "import asyncio\nasync def async_setup_entry(hub, entry):\n"
            "    await asyncio.sleep(3600)\n",
            ConfigEntryState.setup_retry,
            "setup did not finish within 0.05 s; retrying in 5 s",
        ),
    ],
)
async def test_a_failing_entry_is_marked_with_its_cause_and_others_run_on(
    hub: Hub, locker_bank: str, integration, code: str, state: ConfigEntryState, reason: str
) -> None:
    integration("broken_gate", code)
    hub.config_entries.setup_timeout = 0.05
    broken = await hub.config_entries.add("broken_gate", "南门道闸", {})
    working = await hub.config_entries.add(locker_bank, "东门快递柜", {"host": "10.0.0.7"})

    assert broken.state is state
    assert broken.reason == reason
    assert working.state is ConfigEntryState.loaded
    await hub.config_entries.unload(broken.id)


async def test_an_entry_of_a_missing_or_failed_integration(hub: Hub, integration) -> None:
    integration(
        "needs_mqtt",
        "async def async_setup_entry(hub, entry):\n    return True\n",
        dependencies=["mqtt_broker_x"],
    )
    orphan = await hub.config_entries.add("uninstalled_vendor", "旧门禁", {})
    assert orphan.state is ConfigEntryState.setup_error
    assert "uninstalled_vendor is not installed" in orphan.reason

    dependent = await hub.config_entries.add("needs_mqtt", "烟感网关", {})
    assert dependent.state is ConfigEntryState.setup_error
    assert dependent.reason.startswith("integration failed:")
    assert "mqtt_broker_x" in dependent.reason


async def test_failed_unload_is_reported(hub: Hub, integration) -> None:
    integration(
        "sticky",
        "async def async_setup_entry(hub, entry):\n    return True\n"
        "async def async_unload_entry(hub, entry):\n    raise RuntimeError('port busy')\n",
    )
    entry = await hub.config_entries.add("sticky", "充电桩", {})
    assert not await hub.config_entries.unload(entry.id)
    assert entry.state is ConfigEntryState.failed_unload
    assert entry.reason == "RuntimeError: port busy"
    with pytest.raises(ConfigEntryError, match="it is failed_unload"):
        await hub.config_entries.setup(entry.id)


async def test_unload_callbacks_run_when_the_entry_unloads(hub: Hub, integration) -> None:
    integration(
        "listener",
        "async def async_setup_entry(hub, entry):\n"
        "    hub.config_entries.on_unload(entry, hub.bus.listen('sos', lambda e: None))\n"
        "    return True\n"
        "async def async_unload_entry(hub, entry):\n    return True\n",
    )
    entry = await hub.config_entries.add("listener", "SOS", {})
    assert hub.bus.listener_counts().get("sos") == 1
    await hub.config_entries.unload(entry.id)
    assert "sos" not in hub.bus.listener_counts()


async def test_update_refuses_unknown_fields(hub: Hub, locker_bank: str) -> None:
    entry = hub.config_entries.create(locker_bank, "东门快递柜", {"host": "10.0.0.7"})
    hub.config_entries.update(entry, title="东门快递柜 A")
    assert entry.title == "东门快递柜 A"
    with pytest.raises(ValueError, match="Cannot change domain of locker_bank entry"):
        hub.config_entries.update(entry, domain="other")


async def test_the_state_of_each_entry_is_recorded_for_offline_tools(
    hub_factory: HubFactory, plugins: PluginManager, locker_bank: str, integration, tmp_path: Path
) -> None:
    integration(
        "broken_gate",
        "from linli.exceptions import ConfigEntryError\n"
        "async def async_setup_entry(hub, entry):\n"
        "    raise ConfigEntryError('the API key was refused')\n",
    )
    folder = tmp_path / "estate"
    folder.mkdir()
    (folder / "linli.yaml").write_text("community:\n  name: 幸福小区\n", encoding="utf-8")
    hub = await hub_factory(config_dir=folder, plugins=plugins)
    await hub.config_entries.add(locker_bank, "东门快递柜", {"host": "10.0.0.7"})
    await hub.config_entries.add("broken_gate", "南门道闸", {})
    await hub.block_till_done()

    running = configured_entries(folder)
    assert summarise(running[locker_bank]) == "1 entry: 1 loaded"
    assert summarise(running["broken_gate"]) == "1 entry: 1 setup_error (the API key was refused)"

    await hub.stop()
    assert summarise(configured_entries(folder)[locker_bank]) == "1 entry: 1 not_loaded"
