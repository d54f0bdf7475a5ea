"""Config flows: a resident's form becomes a config entry; options, discovery, migration."""

from pathlib import Path

import pytest

from linli.config_entries import ConfigEntryState, EntrySource
from linli.exceptions import UnknownHandler
from linli.flows import FlowContext, FlowResultType
from linli.hub import Hub

WRISTBAND = """
async def async_setup_entry(hub, entry):
    hub.data.setdefault("setups", []).append(dict(entry.options))
    return True

async def async_unload_entry(hub, entry):
    return True

async def async_migrate_entry(hub, entry):
    if entry.version == 1:
        hub.config_entries.update(
            entry, data={"imei": entry.data["serial"]}, version=2, minor_version=1
        )
    return True
"""

WRISTBAND_FLOW = """
import voluptuous as vol

from linli.config_entries import ConfigFlow, OptionsFlow


class WristbandFlow(ConfigFlow):
    VERSION = 2

    async def async_step_user(self, user_input=None):
        if user_input is None:
            return self.show_form(
                "user",
                vol.Schema({vol.Required("imei"): str, vol.Optional("interval", default=60): int}),
            )
        await self.async_set_unique_id(user_input["imei"])
        self.abort_if_unique_id_configured()
        self.household_id = "7-2-1203"
        return self.create_entry(f"手环 {user_input['imei'][-4:]}", user_input)

    async def async_step_zeroconf(self, discovery_info):
        await self.async_set_unique_id(discovery_info["imei"])
        self.abort_if_unique_id_configured()
        self.discovered = discovery_info
        return self.show_form("confirm")

    async def async_step_confirm(self, user_input=None):
        if user_input is None:
            return self.show_form("confirm")
        return self.create_entry("发现的手环", {"imei": self.discovered["imei"], "interval": 60})

    @staticmethod
    def options_flow(entry):
        return WristbandOptions(entry)


class WristbandOptions(OptionsFlow):
    async def async_step_options(self, user_input=None):
        if user_input is None:
            return self.show_form("options", vol.Schema({vol.Required("heart_rate_limit"): int}))
        return self.create_entry("", user_input)
"""


@pytest.fixture
def wristband(integration, write_files, packages_dir: Path) -> str:
    integration("wristband", WRISTBAND, config_flow=True)
    write_files(packages_dir, {"wristband/config_flow.py": WRISTBAND_FLOW})
    return "wristband"


async def test_a_resident_adds_a_wristband_through_its_form(hub: Hub, wristband: str) -> None:
    flows = hub.config_entries.flow
    form = await flows.init(wristband, context=FlowContext(user_id="resident-1203"))
    assert form.type is FlowResultType.form
    assert [field["name"] for field in form.data_schema] == ["imei", "interval"]

    again = await flows.configure(
        form.flow_id, {"imei": "860000000001234", "interval": "often"}, user_id="resident-1203"
    )
    assert again.type is FlowResultType.form
    assert set(again.errors) == {"interval"}

    done = await flows.configure(
        form.flow_id, {"imei": "860000000001234", "interval": 30}, user_id="resident-1203"
    )
    assert done.type is FlowResultType.create_entry
    entry = done.result
    assert entry.title == "手环 1234"
    assert entry.data == {"imei": "860000000001234", "interval": 30}
    assert (entry.unique_id, entry.household_id, entry.version) == (
        "860000000001234",
        "7-2-1203",
        2,
    )
    assert entry.source == EntrySource.user
    assert entry.state is ConfigEntryState.loaded
    assert flows.progress("resident-1203") == []


async def test_the_same_wristband_cannot_be_added_twice(hub: Hub, wristband: str) -> None:
    flows = hub.config_entries.flow
    for _ in range(2):
        form = await flows.init(wristband, context=FlowContext(user_id="u1"))
        result = await flows.configure(form.flow_id, {"imei": "860000000001234"}, user_id="u1")
    assert result.type is FlowResultType.abort
    assert result.reason == "already_configured"
    assert len(hub.config_entries.entries(wristband)) == 1


async def test_a_discovered_wristband_is_confirmed_into_an_entry(hub: Hub, wristband: str) -> None:
    flows = hub.config_entries.flow
    context = FlowContext(source="zeroconf", discovery_info={"imei": "860000000009999"})
    confirm = await flows.init(wristband, context=context)
    assert confirm.step_id == "confirm"

    done = await flows.configure(confirm.flow_id, {}, user_id="operator-1")
    assert done.result.source == "zeroconf"
    assert done.result.unique_id == "860000000009999"


async def test_options_flow_changes_options_and_reloads(hub: Hub, wristband: str) -> None:
    entry = await hub.config_entries.add(wristband, "手环", {"imei": "1"}, version=2, unique_id="1")
    form = await hub.config_entries.options.init(entry.id, context=FlowContext(user_id="u1"))
    done = await hub.config_entries.options.configure(
        form.flow_id, {"heart_rate_limit": 120}, user_id="u1"
    )

    assert done.type is FlowResultType.create_entry
    assert entry.options == {"heart_rate_limit": 120}
    assert hub.data["setups"] == [{}, {"heart_rate_limit": 120}]  # reloaded with them


async def test_an_old_entry_is_migrated_before_setup(hub: Hub, wristband: str) -> None:
    entry = hub.config_entries.create(wristband, "旧手环", {"serial": "8600"}, version=1)
    assert await hub.config_entries.setup(entry.id)
    assert entry.version == 2
    assert entry.data == {"imei": "8600"}


async def test_an_entry_newer_than_the_integration_is_not_set_up(hub: Hub, wristband: str) -> None:
    entry = hub.config_entries.create(wristband, "新手环", {"imei": "1"}, version=3)
    assert not await hub.config_entries.setup(entry.id)
    assert entry.state is ConfigEntryState.migration_error
    assert "newer than the installed integration's 2.1" in entry.reason


async def test_integration_without_a_flow_has_no_form(hub: Hub, integration) -> None:
    integration("plain", "")
    with pytest.raises(UnknownHandler, match="plain"):
        await hub.config_entries.flow.init("plain", context=FlowContext())
    with pytest.raises(UnknownHandler, match="no such config entry"):
        await hub.config_entries.options.init("nope", context=FlowContext())


async def test_a_broken_config_flow_module_fails_the_entry_not_the_start(
    hub: Hub, integration, write_files, packages_dir: Path
) -> None:
    integration(
        "no_flow_class",
        "async def async_setup_entry(hub, entry):\n    return True\n",
        config_flow=True,
    )
    write_files(packages_dir, {"no_flow_class/config_flow.py": "STEPS = []\n"})
    entry = hub.config_entries.create("no_flow_class", "坏的集成", {})

    assert not await hub.config_entries.setup(entry.id)
    assert entry.state is ConfigEntryState.migration_error
    assert "must define exactly one ConfigFlow subclass, found 0" in entry.reason
