"""What the courier locker tests share: the bank, the neighbours, the courier system."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from linli.auth.users import UserEntry
from linli.config_entries import ConfigEntry, ConfigEntryState
from linli.hub import Hub
from linli.integrations.courier_locker.const import DOMAIN
from linli.notifications.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature
from linli.testing import fire_time_changed

SECRET = "the courier system's shared secret"
ENDPOINT = "lockers"
URL = f"/connect/{ENDPOINT}/webhook"
FEE = 150  # fen per started day overdue
# Tuesday 1 December 2026, 09:00 in Shanghai: every test starts here.
START = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
BANK_DATA = {
    "name": "Lockers A",
    "endpoint": ENDPOINT,
    "secret": SECRET,
    "small": 2,  # compartments 1 and 2
    "medium": 1,  # 3
    "large": 1,  # 4
    "overdue_hours": 48,
    "overdue_fee_fen": FEE,
    "max_tries": 5,
    "expire_days": 7,
}
ZHANG_ADDRESS = "7-2-1203"
WANG_ADDRESS = "7号楼 2单元 1204"


async def add_bank(hub: Hub) -> ConfigEntry:
    """The bank "Lockers A", loaded, at :data:`START`."""
    fire_time_changed(hub, START)
    entry = await hub.config_entries.add(DOMAIN, "Lockers A", BANK_DATA, unique_id=ENDPOINT)
    assert entry.state is ConfigEntryState.loaded, entry.reason
    return entry


def signed(body: bytes, timestamp: str, secret: str = SECRET) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }


@dataclass
class Courier:
    """The vendor's courier system: it signs its messages and posts them to the hub."""

    hub: Hub
    client: TestClient

    async def send(self, message: dict[str, Any]) -> ClientResponse:
        body = orjson.dumps(message)
        headers = signed(body, str(int(self.hub.clock.time())))
        return await self.client.post(URL, data=body, headers=headers)

    async def deposit(
        self, parcel_id: str = "P-1", compartment: int = 1, recipient: str = ZHANG_ADDRESS
    ) -> ClientResponse:
        return await self.send(
            {
                "type": "deposit",
                "parcel_id": parcel_id,
                "tracking_number": f"SF{parcel_id}",
                "carrier": "顺丰",
                "recipient": recipient,
                "compartment": compartment,
            }
        )

    async def pickup(self, compartment: int, code: str) -> ClientResponse:
        return await self.send({"type": "pickup", "compartment": compartment, "code": code})

    async def door(self, compartment: int, door: str) -> ClientResponse:
        return await self.send({"type": "door", "compartment": compartment, "door": door})

    async def take_back(self, parcel_id: str) -> ClientResponse:
        return await self.send({"type": "return", "parcel_id": parcel_id})


@dataclass
class Neighbours:
    """The 张 family in 7-2-1203 and the 王 family next door, each with an owner who has
    an account, and the property office's operator."""

    hub: Hub
    users: dict[str, UserEntry] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        community, users = self.hub.community, self.hub.users
        self.zhang = community.households.create(
            "张家", community.units.create(ZHANG_ADDRESS, "89.5").id
        )
        self.wang = community.households.create(
            "王家", community.units.create(WANG_ADDRESS, "76").id
        )
        self.users["zhang"] = users.create("zhang_wei", "resident")
        self.users["wang"] = users.create("wang_fang", "resident")
        self.users["desk"] = users.create("desk", "operator")
        community.members.create(self.zhang.id, "张伟", "owner", user_id=self.users["zhang"].id)
        community.members.create(self.wang.id, "王芳", "owner", user_id=self.users["wang"].id)
        for who, user in self.users.items():
            self.tokens[who] = self.hub.http.tokens.create("test", user.id, "long_lived")[1]

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    async def told(self, who: str) -> list[tuple[str, str]]:
        """(title, message) of each notification of ``who``, oldest first."""
        notes = await self.hub.notifications.of_user(self.users[who].id)
        return [(note.title, note.message) for note in reversed(notes)]


def waiting_parcels(hub: Hub, household_id: str) -> str:
    """The entity_id of the household's waiting-parcels sensor."""
    unique_id = f"{ENDPOINT}-{household_id}-waiting_parcels"
    entity_id = hub.entities.get_entity_id("sensor", DOMAIN, unique_id)
    assert entity_id is not None
    return entity_id


def compartment(hub: Hub, number: int, platform: str = "sensor") -> str:
    """The entity_id of a compartment's sensor (or its door's binary sensor)."""
    unique_id = f"{ENDPOINT}-compartment-{number}" + ("-door" if platform != "sensor" else "")
    entity_id = hub.entities.get_entity_id(platform, DOMAIN, unique_id)
    assert entity_id is not None
    return entity_id


def code_of(hub: Hub, household_id: str, number: int) -> str:
    """The pickup code the household's sensor shows for compartment ``number``."""
    state = hub.states.get(waiting_parcels(hub, household_id))
    assert state is not None
    (parcel,) = [p for p in state.attributes["parcels"] if p["compartment"] == number]
    return parcel["pickup_code"]
