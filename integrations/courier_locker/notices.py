"""What the bank tells a parcel's household and the property office, in the hub's language
(``language:`` in linli.yaml), with times in the community's time zone.

The words are the ``notifications`` of ``translations/<language>.json``: per notice a
``title`` and a ``message``, and the ``sentences`` added to a message when they apply (the
fee's terms…), joined by the language's ``sentence_separator``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from linli.auth.users import Role
from linli.community.households import MemberRole
from linli.metering.usage import format_fen

from .const import DOMAIN

if TYPE_CHECKING:
    from linli.hub import Hub

    from .model import Parcel


class Notices:
    """The notifications of one bank."""

    def __init__(self, hub: Hub, bank: str) -> None:
        self._hub = hub
        translations = hub.integrations.catalog.require(DOMAIN).translations(hub.config.language)
        self._texts: dict[str, Any] = translations["notifications"]
        self._zone = ZoneInfo(hub.config.time_zone)
        self._bank = bank

    def to_household(self, parcel: Parcel, key: str, *extra: str, **fields: object) -> None:
        """Tell the parcel's household (its members with an account, not caregivers who
        live elsewhere) notice ``key``, followed by the ``extra`` sentences."""
        assert parcel.household_id is not None
        members = self._hub.community.members.members_of(parcel.household_id)
        users = [m.user_id for m in members if m.user_id and m.role is not MemberRole.caregiver]
        self._send(users, parcel, key, extra, fields)

    def to_desk(self, parcel: Parcel, key: str, **fields: object) -> None:
        """Tell the property office (every operator) notice ``key``."""
        desk = [u.id for u in self._hub.users if u.role is Role.operator and not u.disabled]
        self._send(desk, parcel, key, (), fields)

    def sentence(self, key: str, **fields: object) -> str:
        return self._texts["sentences"][key].format(**{"bank": self._bank, **fields})

    def about(self, parcel: Parcel) -> dict[str, object]:
        """The fields every text about a parcel may use."""
        return {
            "bank": self._bank,
            "carrier": parcel.carrier,
            "tracking": parcel.tracking_number,
            "compartment": parcel.compartment,
        }

    def time(self, timestamp: float) -> str:
        return datetime.fromtimestamp(timestamp, self._zone).strftime("%Y-%m-%d %H:%M")

    @staticmethod
    def fee(fen: int) -> str:
        return f"¥{format_fen(fen)}"

    def _send(
        self,
        user_ids: list[str],
        parcel: Parcel,
        key: str,
        extra: tuple[str, ...],
        fields: dict[str, object],
    ) -> None:
        notice = self._texts[key]
        message = notice["message"].format(**self.about(parcel), **fields)
        message = self._texts["sentence_separator"].join([message, *extra])
        title = notice["title"].format(bank=self._bank)
        self._hub.notifications.notify(user_ids, title=title, message=message)
