"""What the community and service pages' tests share: a courier locker bank and its
courier system posting signed messages, a charging site and a simulated charge point on
the hub's own server, and the month it is in the community.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import aiohttp
import orjson

from linli.config_entries import ConfigEntry, ConfigEntryState
from linli.integrations.ev_charger.simulator import SimulatedChargePoint
from linli.notifications.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature

if TYPE_CHECKING:
    from linli.hub import Hub

LOCKER_SECRET = "the courier system's shared secret"
LOCKER_ENDPOINT = "lockers"
BANK = {
    "name": "Lockers A",
    "endpoint": LOCKER_ENDPOINT,
    "secret": LOCKER_SECRET,
    "small": 2,
    "medium": 1,
    "large": 1,
    "overdue_hours": 48,
    "overdue_fee_fen": 150,
    "max_tries": 5,
    "expire_days": 7,
}
SITE = {
    "name": "地下车库充电站",
    "endpoint": "ocpp",
    "supply_limit_kw": 11.0,
    "connector_max_kw": 7.0,
    "tariff_fen_per_kwh": 120,
    "service_fee_fen": 200,
    "idle_fee_fen_per_minute": 10,
    "idle_grace_minutes": 30,
    "auto_register": False,
    "password": "",
}


def base_url(hub: Hub) -> str:
    return f"http://127.0.0.1:{hub.http.port}"


def this_month(hub: Hub) -> str:
    """The month it is now in the community's time zone, as ``2026-11``."""
    return f"{datetime.now(ZoneInfo(hub.config.time_zone)):%Y-%m}"


async def add_bank(hub: Hub) -> ConfigEntry:
    """The courier locker bank "Lockers A", loaded (for the whole community)."""
    entry = await hub.config_entries.add(
        "courier_locker", BANK["name"], dict(BANK), unique_id=LOCKER_ENDPOINT
    )
    assert entry.state is ConfigEntryState.loaded, entry.reason
    return entry


async def deposit(hub: Hub, recipient: str, *, parcel_id: str = "P-1", compartment: int = 1) -> Any:
    """The courier system reports a parcel in a compartment: a signed webhook over HTTP."""
    body = orjson.dumps(
        {
            "type": "deposit",
            "parcel_id": parcel_id,
            "tracking_number": f"SF{parcel_id}",
            "carrier": "顺丰",
            "recipient": recipient,
            "compartment": compartment,
        }
    )
    timestamp = str(int(hub.clock.time()))
    headers = {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(LOCKER_SECRET, timestamp, body),
    }
    async with aiohttp.ClientSession() as session:
        url = f"{base_url(hub)}/connect/{LOCKER_ENDPOINT}/webhook"
        async with session.post(url, data=body, headers=headers) as answer:
            assert answer.status == 201, await answer.text()
            return await answer.json()


def pickup_code(hub: Hub, household_id: str) -> str:
    """The pickup code the household's waiting-parcels sensor shows (its only parcel)."""
    unique_id = f"{LOCKER_ENDPOINT}-{household_id}-waiting_parcels"
    entity_id = hub.entities.get_entity_id("sensor", "courier_locker", unique_id)
    assert entity_id is not None
    (parcel,) = hub.states.get(entity_id).attributes["parcels"]
    return parcel["pickup_code"]


async def add_site(hub: Hub) -> ConfigEntry:
    """The charging site, loaded, with the charge point CP-1 registered."""
    entry = await hub.config_entries.add("ev_charger", SITE["name"], dict(SITE), unique_id="ocpp")
    assert entry.state is ConfigEntryState.loaded, entry.reason
    await hub.data["ev_charger"][entry.id].site.register("CP-1")
    return entry


async def connect_charger(
    hub: Hub, session: aiohttp.ClientSession, charge_point_id: str = "CP-1"
) -> SimulatedChargePoint:
    """A simulated charge point connected to the hub's server over a real WebSocket, booted."""
    charger = await SimulatedChargePoint.connect(
        session, f"{base_url(hub)}/connect/{SITE['endpoint']}", charge_point_id
    )
    await charger.boot()
    return charger
