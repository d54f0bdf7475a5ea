"""Fixtures: a hub listening for watches on a free port, a simulated watch, a family."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from wristband_helpers import CENTER, SILENCE_MINUTES, WATCH_ID, Family

from linli.config_entries import ConfigEntry, ConfigEntryState
from linli.hub import Hub
from linli.integrations.elderly_wristband.const import DOMAIN
from linli.integrations.elderly_wristband.simulator import SimulatedWatch
from linli.testing.processes import free_port


@pytest.fixture
async def wristbands(hub: Hub) -> ConfigEntry:
    """A loaded entry: the hub listens for watches on a free port."""
    port = free_port()
    entry = await hub.config_entries.add(
        DOMAIN,
        "Wristbands",
        {
            "port": port,
            "latitude": CENTER[0],
            "longitude": CENTER[1],
            "radius": 500,
            "silence_minutes": SILENCE_MINUTES,
        },
        unique_id=str(port),  # as the form sets it
    )
    assert entry.state is ConfigEntryState.loaded, entry.reason
    return entry


@pytest.fixture
async def watch(wristbands: ConfigEntry) -> AsyncIterator[SimulatedWatch]:
    """Watch 8800000015 (vendor 3G), connected to the hub."""
    async with SimulatedWatch(WATCH_ID, wristbands.data["port"]) as simulated:
        yield simulated


@pytest.fixture
def family(hub: Hub) -> Family:
    return Family(hub)
