"""Setting integrations up: dependencies first, concurrently where independent, and every
failure (raise, False, hang, cycle, missing dependency, missing requirement) contained."""

import asyncio
import logging
from collections.abc import Callable

import pytest

from linli.exceptions import IntegrationError
from linli.hub import Hub
from linli.loader.setup import IntegrationState
from linli.plugins import PluginManager
from linli.testing.plugin import HubFactory

Integration = Callable[..., str]

# Records the order of setups in hub.data["set_up"].
RECORDING = """\
    async def async_setup(hub, config):
        hub.data.setdefault("set_up", []).append(__name__)
        return True
"""

loaded = IntegrationState.loaded
failed = IntegrationState.failed


async def test_dependencies_are_set_up_first(integration: Integration, hub: Hub) -> None:
    integration("broker", RECORDING)
    integration("wallbox", RECORDING, dependencies=["broker", "billing"])
    integration("billing", RECORDING, dependencies=["broker"])

    states = await hub.integrations.setup(["wallbox"])

    assert states == {"wallbox": loaded, "broker": loaded, "billing": loaded}
    assert hub.data["set_up"] == ["broker", "billing", "wallbox"]
    assert hub.integrations.loaded == {"broker", "billing", "wallbox"}


async def test_after_dependencies_wait_only_when_set_up_too(
    integration: Integration, hub: Hub
) -> None:
    integration("mdns", RECORDING)
    integration("acme_locker", RECORDING, after_dependencies=["mdns", "recorder"])

    await hub.integrations.setup(["acme_locker", "mdns"])

    assert hub.data["set_up"] == ["mdns", "acme_locker"]
    assert hub.integrations.state("recorder") is IntegrationState.not_loaded


async def test_the_hub_sets_up_what_linli_yaml_configures_with_its_options(
    integration: Integration, hub_factory: HubFactory, plugins: PluginManager
) -> None:
    integration(
        "parking",
        """\
        async def async_setup(hub, config):
            hub.data["parking"] = config
            return True
        """,
    )
    integration("gate", "async def async_setup(hub, config):\n    return False\n")

    hub = await hub_factory(plugins=plugins, integrations={"parking": {"spaces": 120}, "gate": {}})

    assert hub.data["parking"] == {"spaces": 120}
    assert hub.integrations.state("parking") is loaded
    assert hub.integrations.failures == {"gate": "setup returned False instead of True"}


async def test_dependency_cycle_is_refused_naming_it(integration: Integration, hub: Hub) -> None:
    integration("access_control", RECORDING, dependencies=["intercom"])
    integration("intercom", RECORDING, dependencies=["access_control"])
    integration("smoke_alarm", RECORDING)

    states = await hub.integrations.setup(["access_control", "smoke_alarm"])

    assert states == {"access_control": failed, "smoke_alarm": loaded, "intercom": failed}
    cycle = "dependency cycle: access_control → intercom → access_control"
    assert hub.integrations.failures == {"access_control": cycle, "intercom": cycle}


async def test_missing_dependency_is_named(integration: Integration, hub: Hub) -> None:
    integration("wallbox", RECORDING, dependencies=["broker"])

    assert await hub.integrations.setup(["wallbox"]) == {"wallbox": failed}
    assert hub.integrations.failures == {
        "wallbox": "wallbox depends on broker, which is not installed"
    }


async def test_unknown_or_broken_integration_is_named(integration: Integration, hub: Hub) -> None:
    integration("acme_locker", integration_type="gadget")

    await hub.integrations.setup(["parking", "acme_locker"])

    assert hub.integrations.failures["parking"] == "parking is not installed"
    assert hub.integrations.failures["acme_locker"].startswith("acme_locker cannot be used: /")
    assert "field 'integration_type'" in hub.integrations.failures["acme_locker"]


async def test_unsatisfied_requirements_are_named(integration: Integration, hub: Hub) -> None:
    integration("old_sdk", RECORDING, requirements=["pluggy==0.1.0"])
    integration("no_sdk", RECORDING, requirements=["linli-test-absent-sdk==2.1.0"])
    integration("windows_only", RECORDING, requirements=["pluggy==0.1.0; sys_platform == 'x'"])

    await hub.integrations.setup(["old_sdk", "no_sdk", "windows_only"])

    assert hub.integrations.failures == {
        "old_sdk": "old_sdk needs pluggy==0.1.0, but 1.7.0 is installed",
        "no_sdk": "no_sdk needs linli-test-absent-sdk==2.1.0, which is not installed "
        "(pip install 'linli-test-absent-sdk==2.1.0')",
    }
    assert hub.integrations.loaded == {"windows_only"}
    assert hub.data["set_up"] == ["windows_only"]


async def test_failing_setups_are_contained(
    integration: Integration, hub: Hub, caplog: pytest.LogCaptureFixture
) -> None:
    integration(
        "raises",
        """\
        async def async_setup(hub, config):
            raise ConnectionRefusedError("broker 10.0.0.5:1883 refused")
        """,
    )
    integration("returns_false", "async def async_setup(hub, config):\n    return False\n")
    integration(
        "hangs",
        """\
        import asyncio

        async def async_setup(hub, config):
            await asyncio.sleep(3600)
        """,
    )
    integration("smoke_alarm", RECORDING)
    hub.integrations.timeout = 0.1

    with caplog.at_level(logging.ERROR, logger="linli.loader"):
        states = await hub.integrations.setup(["raises", "returns_false", "hangs", "smoke_alarm"])

    assert states == {
        "raises": failed,
        "returns_false": failed,
        "hangs": failed,
        "smoke_alarm": loaded,
    }
    assert hub.integrations.failures == {
        "raises": "setup raised ConnectionRefusedError: broker 10.0.0.5:1883 refused",
        "returns_false": "setup returned False instead of True",
        "hangs": "setup did not finish within 0.1 seconds",
    }
    assert "Integration raises failed to set up: setup raised" in caplog.text
    assert "Integration hangs failed to set up: setup did not finish" in caplog.text


async def test_dependents_of_a_failed_integration_fail(integration: Integration, hub: Hub) -> None:
    integration("broker", "async def async_setup(hub, config):\n    return False\n")
    integration("wallbox", RECORDING, dependencies=["broker"])
    integration("wallbox_billing", RECORDING, dependencies=["wallbox"])
    integration("smoke_alarm", RECORDING)

    states = await hub.integrations.setup(["wallbox_billing", "smoke_alarm"])

    assert states == {
        "wallbox_billing": failed,
        "smoke_alarm": loaded,
        "wallbox": failed,
        "broker": failed,
    }
    assert hub.integrations.failures["wallbox"] == "dependency broker failed"
    assert hub.integrations.failures["wallbox_billing"] == "dependency wallbox failed"
    assert hub.data["set_up"] == ["smoke_alarm"]


async def test_independent_setups_run_concurrently(integration: Integration, hub: Hub) -> None:
    # Each setup lets the other one go on, then waits for the other to let it go on:
    # one after the other, the first would wait forever (here: time out).
    rendezvous = """\
        import asyncio

        async def async_setup(hub, config):
            mine, other = hub.data["rendezvous"][__name__]
            other.set()
            await mine.wait()
            return True
    """
    integration("gate_north", rendezvous)
    integration("gate_south", rendezvous)
    north, south = asyncio.Event(), asyncio.Event()
    hub.data["rendezvous"] = {"gate_north": (north, south), "gate_south": (south, north)}
    hub.integrations.timeout = 1.0

    states = await hub.integrations.setup(["gate_north", "gate_south"])

    assert states == {"gate_north": loaded, "gate_south": loaded}


async def test_concurrent_setup_calls_share_one_setup(integration: Integration, hub: Hub) -> None:
    integration("broker", RECORDING)
    integration("wallbox", RECORDING, dependencies=["broker"])
    integration("parcel_lockers", RECORDING, dependencies=["broker"])

    await asyncio.gather(
        hub.integrations.setup(["wallbox"]), hub.integrations.setup(["parcel_lockers"])
    )

    assert hub.data["set_up"].count("broker") == 1
    assert hub.integrations.loaded == {"broker", "wallbox", "parcel_lockers"}


async def test_failed_integration_is_tried_again(integration: Integration, hub: Hub) -> None:
    integration(
        "weather",
        """\
        async def async_setup(hub, config):
            hub.data["attempts"] = hub.data.get("attempts", 0) + 1
            return hub.data["attempts"] > 1
        """,
    )

    assert await hub.integrations.setup(["weather"]) == {"weather": failed}
    assert await hub.integrations.setup(["weather"]) == {"weather": loaded}
    assert "weather" not in hub.integrations.failures


async def test_unload(integration: Integration, hub: Hub) -> None:
    integration("broker", RECORDING)
    integration(
        "wallbox",
        RECORDING
        + """\
    async def async_unload(hub):
        hub.data["unloaded"] = True
        return True
""",
        dependencies=["broker"],
    )
    await hub.integrations.setup(["wallbox"])

    expected = "broker cannot be unloaded: wallbox depend on it"
    with pytest.raises(IntegrationError, match=expected):
        await hub.integrations.unload("broker")
    assert await hub.integrations.unload("wallbox") is True
    assert hub.data["unloaded"] is True
    assert hub.integrations.state("wallbox") is IntegrationState.not_loaded
    assert await hub.integrations.unload("broker") is True
    with pytest.raises(IntegrationError, match="broker cannot be unloaded: it is not_loaded"):
        await hub.integrations.unload("broker")


async def test_failing_unload_is_recorded(integration: Integration, hub: Hub) -> None:
    integration(
        "parking",
        RECORDING
        + """\
    async def async_unload(hub):
        raise OSError("barrier controller offline")
""",
    )
    await hub.integrations.setup(["parking"])

    assert await hub.integrations.unload("parking") is False
    assert hub.integrations.state("parking") is IntegrationState.failed_unload
    assert hub.integrations.failures == {
        "parking": "unload raised OSError: barrier controller offline"
    }
