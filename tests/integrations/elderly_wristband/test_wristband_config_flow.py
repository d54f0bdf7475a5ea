"""The forms: a watch server on a port with the community's geofence, and its options."""

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from wristband_helpers import CENTER, INSIDE, WATCH_ID, site_of

import linli.integrations.elderly_wristband as integration
from linli.config_entries import ConfigEntry, ConfigEntryState
from linli.flows import FlowContext, FlowResult, FlowResultType
from linli.hub import Hub
from linli.integrations.elderly_wristband.const import DOMAIN
from linli.integrations.elderly_wristband.simulator import SimulatedWatch
from linli.testing.processes import free_port
from linli.toolkit.check import check_package

OPERATOR = "operator-1"


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port another program listens on."""
    with socket.socket() as other:
        other.bind(("", 0))
        other.listen()
        yield other.getsockname()[1]


async def add(hub: Hub, port: int) -> FlowResult:
    flows = hub.config_entries.flow
    form = await flows.init(DOMAIN, context=FlowContext(user_id=OPERATOR))
    assert form.step_id == "user"
    assert [(f["name"], f.get("default")) for f in form.data_schema] == [
        ("port", 8001),
        ("latitude", None),
        ("longitude", None),
        ("radius", 500),
        ("silence_minutes", 60),
    ]
    answers = {"port": port, "latitude": CENTER[0], "longitude": CENTER[1]}
    return await flows.configure(form.flow_id, answers, user_id=OPERATOR)


async def test_the_form_starts_a_server_for_the_watches(hub: Hub) -> None:
    port = free_port()
    done = await add(hub, port)

    assert done.type is FlowResultType.create_entry
    entry = done.result
    assert (entry.title, entry.unique_id, entry.state) == (
        f"Wristbands on port {port}",
        str(port),
        ConfigEntryState.loaded,
    )
    assert entry.data == {
        "port": port,
        "latitude": CENTER[0],
        "longitude": CENTER[1],
        "radius": 500,
        "silence_minutes": 60,
    }
    async with SimulatedWatch(WATCH_ID, port) as watch:
        assert (await watch.link()).content == b"LK"


async def test_a_port_another_program_listens_on_is_a_form_error(hub: Hub, taken_port: int) -> None:
    result = await add(hub, taken_port)
    assert result.type is FlowResultType.form
    assert result.errors == {"port": "port_in_use"}


async def test_the_same_port_cannot_be_added_twice(hub: Hub, wristbands: ConfigEntry) -> None:
    again = await add(hub, wristbands.data["port"])
    assert (again.type, again.reason) == (FlowResultType.abort, "already_configured")


async def test_a_port_taken_at_start_is_retried(hub: Hub, taken_port: int) -> None:
    entry = await hub.config_entries.add(
        DOMAIN,
        "Wristbands",
        {"port": taken_port, "latitude": 0, "longitude": 0, "radius": 500, "silence_minutes": 60},
    )
    assert entry.state is ConfigEntryState.setup_retry
    assert f"Cannot listen for watches on port {taken_port}" in entry.reason
    assert DOMAIN not in hub.data or entry.id not in hub.data[DOMAIN]


async def test_the_options_change_the_geofence_and_keep_the_households_choices(
    hub: Hub, wristbands: ConfigEntry
) -> None:
    async with SimulatedWatch(WATCH_ID, wristbands.data["port"]) as watch:
        await watch.link()
    site_of(hub, wristbands).settings.set_geofence_alarm(WATCH_ID, True)

    options = hub.config_entries.options
    form = await options.init(wristbands.id, context=FlowContext(user_id=OPERATOR))
    assert [(f["name"], f["default"]) for f in form.data_schema] == [
        ("latitude", CENTER[0]),
        ("longitude", CENTER[1]),
        ("radius", 500),
        ("silence_minutes", 60),
    ]
    answers = {"latitude": INSIDE[0], "longitude": INSIDE[1], "radius": 800, "silence_minutes": 30}
    done = await options.configure(form.flow_id, answers, user_id=OPERATOR)

    assert done.type is FlowResultType.create_entry
    assert wristbands.options == {**answers, "geofence_watches": [WATCH_ID]}
    assert wristbands.state is ConfigEntryState.loaded  # reloaded with them
    settings = site_of(hub, wristbands).settings
    assert settings.silence_period.total_seconds() == 30 * 60
    assert settings.geofence_alarm(WATCH_ID)


async def test_the_integration_passes_the_checker_and_speaks_chinese(hub: Hub) -> None:
    problems = check_package(Path(integration.__file__).parent)
    assert [str(p) for p in problems if p.field != "version"] == []  # built in: no version
    translations = hub.integrations.catalog.require(DOMAIN).translations()
    assert translations["name"] == "老人手环"
    assert translations["entity"]["binary_sensor"]["sos"]["name"] == "SOS 求救"
