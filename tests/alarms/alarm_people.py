"""The people of the alarm tests: the 张 family, grandma's SOS button, their caregiver, the
neighbours and the security desk; and a notification channel that records what it is sent."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from linli.alarms import Alarm
from linli.config import AlarmsConfig, ExternalContact
from linli.hub import Hub
from linli.notifications import Notification
from linli.plugins import hookimpl

SOS_BUTTON = "binary_sensor.grandma_sos"

#: The ladder's last step reaches the pager of the district's emergency centre; members are
#: paged at their phone numbers too.
ALARMS = AlarmsConfig(
    external=(ExternalContact("pager", "district-110"),), phone_channels=("pager",)
)


class RecordingChannel:
    """A notification channel that keeps what it is sent; fails while ``failing``."""

    name = "pager"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.failing = False
        self.attempts = 0

    async def send(self, hub: Hub, recipient: str, message: str) -> None:
        self.attempts += 1
        if self.failing:
            raise ConnectionError("the pager gateway is down")
        self.sent.append((recipient, message))


class ChannelPlugin:
    def __init__(self, channel: Any) -> None:
        self.channel = channel

    @hookimpl
    def linli_notification_channels(self, hub: Hub) -> list[Any]:
        return [self.channel]


@dataclass
class Family:
    """Grandma (no account, a phone), her son and his wife, her caregiver daughter who
    lives elsewhere, the 王 neighbours and the security desk."""

    hub: Hub

    def __post_init__(self) -> None:
        community, users = self.hub.community, self.hub.users
        self.household = community.households.create("张家")
        self.son = users.create("zhang_wei", "resident")
        self.wife = users.create("li_na", "resident")
        self.daughter = users.create("zhang_li", "resident")
        self.neighbour = users.create("wang_fang", "resident")
        self.guard = users.create("bao_an", "operator")
        self.grandma = community.members.create(
            self.household.id, "张奶奶", "family", phone="13800000001"
        )
        community.members.create(self.household.id, "张伟", "owner", user_id=self.son.id)
        community.members.create(self.household.id, "李娜", "family", user_id=self.wife.id)
        community.members.create(
            self.household.id,
            "张丽",
            "caregiver",
            user_id=self.daughter.id,
            cares_for=frozenset({self.grandma.id}),
        )
        self.neighbours = community.households.create("王家")
        community.members.create(self.neighbours.id, "王芳", "owner", user_id=self.neighbour.id)
        entry = self.hub.entities.get_or_create(
            "binary_sensor",
            "test",
            "grandma-sos",
            suggested_object_id="grandma_sos",
            household_id=self.household.id,
        )
        assert entry.entity_id == SOS_BUTTON
        self.hub.consent.assign(SOS_BUTTON, self.grandma.id, self.son.id)

    def sos(self, message: str = "张奶奶按了紧急呼叫") -> Alarm:
        return self.hub.alarms.raise_alarm(
            "sos", "critical", source_entity_id=SOS_BUTTON, household_id=None, message=message
        )

    async def told(self, *users: Any) -> list[list[Notification]]:
        """Each user's notification list, oldest first."""
        await self.hub.block_till_done()
        return [list(reversed(await self.hub.notifications.of_user(user.id))) for user in users]


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Let the loop run until ``condition()`` holds (a channel's attempt that is on its way)."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.001)
