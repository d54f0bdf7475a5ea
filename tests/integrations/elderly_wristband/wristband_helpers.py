"""What the wristband tests share: the watch, the community's geofence, the family."""

from __future__ import annotations

from dataclasses import dataclass

from linli.config_entries import ConfigEntry
from linli.hub import Hub
from linli.integrations.elderly_wristband import WristbandSite
from linli.integrations.elderly_wristband.const import DOMAIN

WATCH_ID = "8800000015"
CENTER = (31.2304, 121.4737)  # the community's geofence: 500 m around this point
INSIDE = (31.2310, 121.4740)  # about 70 m from the centre
OUTSIDE = (31.2500, 121.4737)  # about 2.2 km north
SILENCE_MINUTES = 60


def site_of(hub: Hub, entry: ConfigEntry) -> WristbandSite:
    return hub.data[DOMAIN][entry.id]


@dataclass
class Family:
    """The 张 household: grandma wears the watch, her son (an owner) acts for her."""

    hub: Hub

    def __post_init__(self) -> None:
        community = self.hub.community
        self.household = community.households.create("张家")
        self.son_user = self.hub.users.create("zhang_wei", "resident")
        community.members.create(self.household.id, "张伟", "owner", user_id=self.son_user.id)
        self.grandma = community.members.create(self.household.id, "张奶奶", "family")

    def owns(self, device_id: str = WATCH_ID) -> str:
        """The watch joins the household and grandma wears it; returns its device id."""
        device = self.hub.devices.get_by_identifier(DOMAIN, device_id)
        assert device is not None
        self.hub.devices.update(device.id, household_id=self.household.id)
        self.hub.consent.assign(device.id, self.grandma.id, self.son_user.id)
        return device.id

    def consents(self, *categories: str) -> None:
        for category in categories:
            self.hub.consent.give(self.grandma.id, category, DOMAIN, self.son_user.id)
