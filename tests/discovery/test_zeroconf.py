"""Discovery over real zeroconf on loopback: the hub announces itself, and a locker that
announces ``_acme-locker._tcp.local.`` is offered for setup through its integration's flow.

Names carry a random token, so that test runs sharing this host's loopback (multicast
reaches every process on it) do not see each other's devices.
"""

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from zeroconf import DNSQuestionType, ServiceStateChange
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

from linli import __version__
from linli.discovery.zeroconf import HUB_SERVICE_TYPE, close_zeroconf
from linli.flows import FlowProgress
from linli.hub import Hub

LOOPBACK = ["127.0.0.1"]
LOCKER_TYPE = "_acme-locker._tcp.local."
# Multicast answers: on a shared loopback a unicast answer reaches just one of the
# processes listening on port 5353, not necessarily the one that asked.
QM = DNSQuestionType.QM

ACME_LOCKER = """
async def async_setup_entry(hub, entry):
    return True

async def async_unload_entry(hub, entry):
    return True
"""

ACME_LOCKER_FLOW = """
from linli.config_entries import ConfigFlow


class AcmeLockerFlow(ConfigFlow):
    async def async_step_zeroconf(self, discovery_info):
        self.hub.data.setdefault("acme_steps", []).append(discovery_info)
        await self.async_set_unique_id(discovery_info["properties"]["serial"])
        self.abort_if_unique_id_configured()
        self.discovered = discovery_info
        return self.show_form("confirm", description_placeholders={"name": discovery_info["name"]})

    async def async_step_confirm(self, user_input=None):
        if user_input is None:
            return self.show_form("confirm")
        found = self.discovered
        title = f"快递柜 {found['properties']['serial']}"
        return self.create_entry(title, {"host": found["host"], "port": found["port"]})
"""

FAULTY_FLOW = """
from linli.config_entries import ConfigFlow


class FaultyFlow(ConfigFlow):
    async def async_step_zeroconf(self, discovery_info):
        raise RuntimeError("firmware table missing")
"""


async def until(condition: Callable[[], Any], timeout: float = 5.0) -> Any:
    """Poll ``condition`` until it returns something true; return that."""

    async def poll() -> Any:
        while not (value := condition()):
            await asyncio.sleep(0.02)
        return value

    return await asyncio.wait_for(poll(), timeout)


class Locker:
    """A locker on the network: its own zeroconf instance announcing one service."""

    def __init__(self, aiozc: AsyncZeroconf) -> None:
        self.aiozc = aiozc
        self.token = uuid.uuid4().hex[:6]
        self.name = f"Acme Locker 7号楼 {self.token}.{LOCKER_TYPE}"
        self.serial = f"AL-7-{self.token}"

    def info(self, **properties: str) -> AsyncServiceInfo:
        return AsyncServiceInfo(
            LOCKER_TYPE,
            self.name,
            port=8080,
            properties={"serial": self.serial, "model": "AL-200", **properties},
            server=f"acme-{self.token}.local.",
            parsed_addresses=["127.0.0.1"],
        )

    async def announce(self, **properties: str) -> None:
        """Announce at once: the locker's own probing for its name is not under test."""
        info = self.info(**properties)
        await (await self.aiozc.async_register_service(info, cooperating_responders=True))

    async def change(self, **properties: str) -> None:
        await (await self.aiozc.async_update_service(self.info(**properties)))


@pytest.fixture
async def locker() -> AsyncIterator[Locker]:
    aiozc = AsyncZeroconf(interfaces=LOOPBACK)
    yield Locker(aiozc)
    await close_zeroconf(aiozc)


@pytest.fixture
def acme_locker(integration, write_files, packages_dir: Path) -> str:
    integration("acme_locker", ACME_LOCKER, config_flow=True, zeroconf=[LOCKER_TYPE])
    write_files(packages_dir, {"acme_locker/config_flow.py": ACME_LOCKER_FLOW})
    return "acme_locker"


def offers(hub: Hub, locker: Locker) -> list[FlowProgress]:
    """Flows in progress for this locker."""
    return [
        flow
        for flow in hub.config_entries.flow.progress()
        if (flow.context.discovery_info or {}).get("name") == locker.name
    ]


def steps(hub: Hub, locker: Locker) -> list[dict[str, Any]]:
    """The discovery infos the acme_locker flow was started with for this locker."""
    return [info for info in hub.data.get("acme_steps", []) if info["name"] == locker.name]


async def test_the_hub_announces_itself(hub: Hub) -> None:
    await hub.discovery.start(interfaces=LOOPBACK)
    name = await until(lambda: hub.discovery.announced_name)
    assert name.startswith("测试小区")
    assert name.endswith(f".{HUB_SERVICE_TYPE}")

    phone = AsyncZeroconf(interfaces=LOOPBACK)
    try:
        info = await phone.async_get_service_info(HUB_SERVICE_TYPE, name, question_type=QM)
        assert info is not None
        assert info.port == hub.config.http_port
        assert info.decoded_properties == {"version": __version__, "name": "测试小区"}
        assert info.parsed_addresses() == ["127.0.0.1"]

        changes: list[ServiceStateChange] = []

        def on_change(
            zeroconf: Any, service_type: str, name: str, state_change: ServiceStateChange
        ) -> None:
            if name == info.name:
                changes.append(state_change)

        async with AsyncServiceBrowser(
            phone.zeroconf, [HUB_SERVICE_TYPE], handlers=[on_change], question_type=QM
        ):
            await until(lambda: ServiceStateChange.Added in changes)
            await hub.discovery.stop()  # says goodbye
            await until(lambda: ServiceStateChange.Removed in changes)
    finally:
        await close_zeroconf(phone)
    assert not hub.discovery.running


async def test_a_discovered_locker_is_offered_and_confirmed(
    acme_locker: str, hub: Hub, locker: Locker
) -> None:
    await hub.discovery.start(interfaces=LOOPBACK)
    await locker.announce()

    [offer] = await until(lambda: offers(hub, locker))
    assert offer.handler == acme_locker
    assert offer.step_id == "confirm"
    assert offer.context.source == "zeroconf"
    assert offer.context.user_id is None  # anyone of the operators may take it
    assert offer.context.unique_id == locker.serial
    assert offer.context.discovery_info == {
        "type": LOCKER_TYPE,
        "name": locker.name,
        "host": "127.0.0.1",
        "addresses": ["127.0.0.1"],
        "port": 8080,
        "properties": {"serial": locker.serial, "model": "AL-200"},
        "hostname": f"acme-{locker.token}.local.",
    }

    done = await hub.config_entries.flow.configure(offer.flow_id, {}, user_id="operator-1")
    entry = done.result
    assert entry.domain == acme_locker
    assert entry.source == "zeroconf"
    assert entry.unique_id == locker.serial
    assert entry.data == {"host": "127.0.0.1", "port": 8080}
    assert offers(hub, locker) == []


async def test_a_locker_seen_again_gets_no_second_flow(
    acme_locker: str, hub: Hub, locker: Locker
) -> None:
    await hub.discovery.start(interfaces=LOOPBACK)
    await locker.announce()
    [offer] = await until(lambda: offers(hub, locker))

    # Reported again unchanged (zeroconf does so when records come in separate packets):
    # no flow is even started.
    hub.discovery._on_service(
        zeroconf=None,
        service_type=LOCKER_TYPE,
        name=locker.name,
        state_change=ServiceStateChange.Updated,
    )
    await hub.block_till_done()
    assert len(steps(hub, locker)) == 1

    # Its TXT record changes: a flow starts and aborts, the first one is still in progress.
    await locker.change(firmware="2.1")
    await until(lambda: len(steps(hub, locker)) == 2)
    await hub.block_till_done()
    assert offers(hub, locker) == [offer]

    # Once configured, a changed locker is not offered again.
    await hub.config_entries.flow.configure(offer.flow_id, {}, user_id="operator-1")
    await locker.change(firmware="2.2")
    await until(lambda: len(steps(hub, locker)) == 3)
    await hub.block_till_done()
    assert offers(hub, locker) == []
    assert len(hub.config_entries.entries(acme_locker)) == 1


async def test_a_failing_flow_does_not_stop_discovery(
    acme_locker: str,
    integration,
    write_files,
    packages_dir: Path,
    hub: Hub,
    locker: Locker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Both come before acme_locker: their failures happen first.
    integration("acme_faulty", "", config_flow=True, zeroconf=[LOCKER_TYPE])
    write_files(packages_dir, {"acme_faulty/config_flow.py": FAULTY_FLOW})
    integration("acme_display", "", zeroconf=[LOCKER_TYPE])  # no config flow
    caplog.set_level(logging.WARNING, logger="linli.discovery")

    await hub.discovery.start(interfaces=LOOPBACK)
    await locker.announce()

    [offer] = await until(lambda: offers(hub, locker))
    assert offer.handler == acme_locker
    failed = [
        record
        for record in caplog.records
        if record.name == "linli.discovery.zeroconf" and locker.name in record.getMessage()
    ]
    assert [(record.levelname, record.getMessage().split(":")[0]) for record in failed] == [
        ("WARNING", f"Found {locker.name} for integration acme_display, but"),
        ("ERROR", f"Discovery flow of integration acme_faulty for {locker.name} failed"),
    ]
    assert "firmware table missing" in caplog.text

    await hub.stop()  # hub_stop stops discovery too
    assert not hub.discovery.running
