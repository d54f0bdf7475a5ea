"""Who may charge: residents' RFID cards and app accounts, each mapped to a household.

An operator registers a card (its id tag, as the charger reads it) for a household; a card
charges at every site of the hub (``hub.data[ID_TAGS]``, loaded with the first site). A
resident starting a session from the app uses their household's app tag, ``APP`` and the
start of the household's id (OCPP 1.6 id tags are at most 20 characters). Any other tag
is refused.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from linli.storage.integration_data import IntegrationData

from .const import DOMAIN

if TYPE_CHECKING:
    from linli.hub import Hub

KIND: Final = "id_tag"
ID_TAGS: Final = f"{DOMAIN}.id_tags"  # the hub's IdTags, in hub.data
APP_PREFIX: Final = "APP"
ID_TAG_LENGTH: Final = 20
_ID_TAG: Final = re.compile(r"^[\x21-\x7e]{1,20}$")  # printable ASCII, no spaces


class IdTagError(ValueError):
    """A card cannot be registered; the message says why."""


def app_tag(household_id: str) -> str:
    return APP_PREFIX + household_id[: ID_TAG_LENGTH - len(APP_PREFIX)]


class IdTags:
    """id tag → household, for cards; app tags are worked out from the household."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._data = IntegrationData(hub, DOMAIN)
        self._cards: dict[str, str] = {}

    async def load(self) -> None:
        self._cards = {
            tag: record["household_id"] for tag, record in (await self._data.load(KIND)).items()
        }

    def household_of(self, id_tag: str) -> str | None:
        """The household charging with ``id_tag``; None: refuse it."""
        if (household_id := self._cards.get(id_tag)) is not None:
            return household_id if self.hub.community.households.get(household_id) else None
        if id_tag.startswith(APP_PREFIX):
            prefix = id_tag[len(APP_PREFIX) :]
            matches = [h.id for h in self.hub.community.households if h.id.startswith(prefix)]
            return matches[0] if len(matches) == 1 and prefix else None
        return None

    def register_card(self, id_tag: str, household_id: str) -> None:
        if not _ID_TAG.match(id_tag):
            raise IdTagError(
                f"{id_tag!r} is not an id tag: 1 to {ID_TAG_LENGTH} printable ASCII characters"
            )
        if id_tag.startswith(APP_PREFIX):
            raise IdTagError(f"Id tags starting with {APP_PREFIX} are the app's")
        if self.hub.community.households.get(household_id) is None:
            raise IdTagError(f"No household {household_id!r}")
        self._cards[id_tag] = household_id
        self._data.save(KIND, id_tag, {"household_id": household_id})

    def remove_card(self, id_tag: str) -> bool:
        if self._cards.pop(id_tag, None) is None:
            return False
        self._data.remove(KIND, id_tag)
        return True
