"""Fixtures: a loaded bank, the neighbours, and the courier system posting to the hub."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient
from locker_helpers import Courier, Neighbours, add_bank

from linli.config_entries import ConfigEntry
from linli.hub import Hub


@pytest.fixture
def neighbours(hub: Hub) -> Neighbours:
    return Neighbours(hub)


@pytest.fixture
async def bank(hub: Hub, neighbours: Neighbours) -> ConfigEntry:
    return await add_bank(hub)


@pytest.fixture
def courier(hub: Hub, hub_client_no_auth: TestClient) -> Courier:
    return Courier(hub, hub_client_no_auth)
