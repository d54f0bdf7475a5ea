"""Fixtures: a charging site on the hub's own server, households with cards, and charge
points (the ``ocpp`` package's client) connected over a real WebSocket."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient
from charger_helpers import CARD_A, CARD_B, CARD_C, SITE, ConnectCharger

from linli.community.households import HouseholdEntry
from linli.config_entries import ConfigEntry, ConfigEntryState
from linli.hub import Hub
from linli.integrations.ev_charger import ChargingSiteRuntime
from linli.integrations.ev_charger.const import DOMAIN
from linli.integrations.ev_charger.simulator import SimulatedChargePoint


@pytest.fixture
async def site_entry(hub: Hub) -> ConfigEntry:
    entry = await hub.config_entries.add(DOMAIN, SITE["name"], dict(SITE), unique_id="ocpp")
    assert entry.state is ConfigEntryState.loaded, entry.reason
    return entry


@pytest.fixture
def site(hub: Hub, site_entry: ConfigEntry) -> ChargingSiteRuntime:
    return hub.data[DOMAIN][site_entry.id]


@pytest.fixture
def households(hub: Hub, site: ChargingSiteRuntime) -> list[HouseholdEntry]:
    """Three households, each with a card registered for it."""
    created = [hub.community.households.create(name) for name in ("1-101", "1-102", "2-301")]
    for card, household in zip((CARD_A, CARD_B, CARD_C), created, strict=True):
        site.site.id_tags.register_card(card, household.id)
    return created


@pytest.fixture
async def connect_charger(
    hub_client_no_auth: TestClient, site: ChargingSiteRuntime
) -> AsyncIterator[ConnectCharger]:
    """``await connect_charger("CP-1")``: registered, connected and booted."""
    connected: list[SimulatedChargePoint] = []

    async def connect(charge_point_id: str, *, register: bool = True, **options: object):
        if register:
            await site.site.register(charge_point_id)
        charger = await SimulatedChargePoint.connect(
            hub_client_no_auth.session,
            str(hub_client_no_auth.make_url("/connect/ocpp")),
            charge_point_id,
            **options,
        )
        connected.append(charger)
        await charger.boot()
        return charger

    yield connect
    for charger in connected:
        await charger.close()
