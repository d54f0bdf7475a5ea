"""The gate: a device or service integration runs only when the owners voted it in, and
stops when they vote it out."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from linli.config_entries import ConfigEntryState
from linli.hub import Hub
from linli.plugins import PluginManager
from linli.testing.governance import Owner, add_owners, decide, hold_vote, vote, vote_in
from linli.testing.plugin import HubFactory

pytestmark = pytest.mark.votes_required

LOCKER = """
async def async_setup_entry(hub, entry):
    hub.data.setdefault("parcel_box", set()).add(entry.id)
    return True

async def async_unload_entry(hub, entry):
    hub.data["parcel_box"].discard(entry.id)
    return True
"""
NOT_VOTED_IN = (
    "Integration parcel_box has not been voted in: it needs a passed proposal to enable it "
    "(matter: common_parts_business)"
)


@pytest.fixture
def locker(integration: Callable[..., str]) -> str:
    """A device integration: courier lockers a vendor puts on common ground."""
    return integration("parcel_box", LOCKER)


@pytest.fixture
def owners(hub: Hub) -> list[Owner]:
    return add_owners(hub, ["88.5", "102", "130.25"])


def running(hub: Hub) -> set[str]:
    return hub.data.get("parcel_box", set())


async def test_an_integration_is_set_up_only_once_voted_in(
    hub: Hub, locker: str, owners: list[Owner]
) -> None:
    entry = await hub.config_entries.add(locker, "东门快递柜", {})
    assert entry.state is ConfigEntryState.not_loaded
    assert entry.reason == NOT_VOTED_IN
    assert running(hub) == set()

    proposal = hub.governance.propose(
        title="Courier lockers at the east gate",
        matter="common_parts_business",
        domain=locker,
        action="enable",
        funding_model="market",
        closes_at=hub.clock.time() + 3600,
    )
    assert hub.governance.refusal(locker).startswith(
        "Integration parcel_box has not been voted in yet: the proposal 'Courier lockers "
        "at the east gate' to enable it is open for votes until "
    )
    vote(hub, proposal, owners, "agree")
    await decide(hub, proposal)

    assert entry.state is ConfigEntryState.loaded
    assert entry.reason is None
    assert running(hub) == {entry.id}


async def test_a_rejected_proposal_lets_nothing_run(
    hub: Hub, locker: str, owners: list[Owner]
) -> None:
    entry = await hub.config_entries.add(locker, "东门快递柜", {})
    proposal = hub.governance.propose(
        title="Courier lockers",
        matter="common_parts_business",
        domain=locker,
        action="enable",
        closes_at=hub.clock.time() + 3600,
    )
    vote(hub, proposal, owners[:2], "agree")
    vote(hub, proposal, owners[2:], "disagree")  # 2 of 3 owners: under 3/4
    assert (await decide(hub, proposal)).status == "rejected"
    assert not hub.governance.may_run(locker)
    assert entry.state is ConfigEntryState.not_loaded
    assert running(hub) == set()


async def test_a_passed_disable_proposal_unloads_the_entries(
    hub: Hub, locker: str, owners: list[Owner]
) -> None:
    await vote_in(hub, locker, owners)
    first = await hub.config_entries.add(locker, "东门快递柜", {})
    second = await hub.config_entries.add(locker, "西门快递柜", {})
    assert running(hub) == {first.id, second.id}

    kept = await hold_vote(hub, owners, "disagree", domain=locker, action="disable")
    assert kept.status == "rejected"
    assert running(hub) == {first.id, second.id}

    await vote_in(hub, locker, owners, action="disable")
    assert running(hub) == set()
    for entry in (first, second):
        assert entry.state is ConfigEntryState.not_loaded
        assert entry.reason.startswith(
            "Integration parcel_box was voted out: the proposal 'Disable parcel_box' to "
            "disable it passed on "
        )
    third = await hub.config_entries.add(locker, "北门快递柜", {})
    assert third.state is ConfigEntryState.not_loaded

    await vote_in(hub, locker, owners)  # the latest passed proposal wins
    assert running(hub) == {first.id, second.id, third.id}


async def test_system_integrations_need_no_vote(hub: Hub, integration: Callable[..., str]) -> None:
    integration(
        "mqtt_bridge",
        "async def async_setup_entry(hub, entry):\n    return True\n",
        integration_type="system",
    )
    entry = await hub.config_entries.add("mqtt_bridge", "Broker", {})
    assert entry.state is ConfigEntryState.loaded
    assert hub.governance.may_run("mqtt_bridge")


async def test_the_gate_holds_across_restarts(
    hub_factory: HubFactory, plugins: PluginManager, locker: str
) -> None:
    hub = await hub_factory(plugins=plugins, votes_required=True)
    hub.clock.travel_to(datetime.now(UTC) - timedelta(hours=3))
    owners = add_owners(hub, ["88.5", "102"])
    await vote_in(hub, locker, owners)
    entry = await hub.config_entries.add(locker, "东门快递柜", {})
    assert entry.state is ConfigEntryState.loaded

    async def restart(old: Hub) -> Hub:
        await old.stop()
        return await hub_factory(
            config_dir=old.config.config_dir, plugins=plugins, votes_required=True
        )

    hub = await restart(hub)
    assert hub.config_entries.require(entry.id).state is ConfigEntryState.loaded

    # Voted out by a deadline that passes while the hub is down.
    hub.clock.travel_to(datetime.now(UTC) - timedelta(hours=1))
    proposal = hub.governance.propose(
        title="Remove the lockers",
        matter="common_parts_business",
        domain=locker,
        action="disable",
        closes_at=hub.clock.time() + 1800,
    )
    vote(hub, proposal, owners, "agree")
    hub = await restart(hub)
    assert hub.governance.proposals.require(proposal.id).status == "passed"
    restarted = hub.config_entries.require(entry.id)
    assert restarted.state is ConfigEntryState.not_loaded
    assert restarted.reason.startswith("Integration parcel_box was voted out")
    assert running(hub) == set()


async def test_linli_yaml_sets_up_system_integrations_at_start_and_device_ones_once_voted_in(
    hub_factory: HubFactory,
    plugins: PluginManager,
    integration: Callable[..., str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    setup = "async def async_setup(hub, config):\n    hub.data['{0}'] = config\n    return True\n"
    integration("intercom", setup.format("intercom"))
    integration("broker", setup.format("broker"), integration_type="system")
    configured = {"intercom": {"floors": 33}, "broker": {"port": 1884}}

    hub = await hub_factory(plugins=plugins, votes_required=True, integrations=configured)

    assert hub.data["broker"] == {"port": 1884}
    assert "intercom" not in hub.data
    assert hub.integrations.state("intercom") == "not_loaded"
    assert (
        "Not setting up intercom from linli.yaml: Integration intercom has not been voted in"
        in (caplog.text)
    )

    await vote_in(hub, "intercom", add_owners(hub, ["88.5", "102"]))
    await hub.stop()
    hub = await hub_factory(
        config_dir=hub.config.config_dir,
        plugins=plugins,
        votes_required=True,
        integrations=configured,
    )
    assert hub.data["intercom"] == {"floors": 33}
