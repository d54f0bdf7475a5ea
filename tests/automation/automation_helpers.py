"""A small home for automations to act on: switches whose service writes their state with
the caller's context (as real entities do), and a record of every call."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from linli.hub import Hub
from linli.services import ServiceCall


@dataclass
class Switches:
    """``switch.*`` states set by the ``switch.turn_on``/``turn_off``/``toggle`` services."""

    hub: Hub
    calls: list[ServiceCall] = field(default_factory=list)

    def __post_init__(self) -> None:
        for service in ("turn_on", "turn_off", "toggle"):
            self.hub.services.register("switch", service, self._handle)

    async def _handle(self, call: ServiceCall) -> None:
        self.calls.append(call)
        ids = call.data["entity_id"]
        for entity_id in ids if isinstance(ids, list) else [ids]:
            old = self.hub.states.get(entity_id)
            on = {"turn_on": True, "turn_off": False}.get(
                call.service, old is None or old.state != "on"
            )
            self.hub.states.set(entity_id, "on" if on else "off", context=call.context)

    def add(self, *entity_ids: str, state: str = "off") -> None:
        for entity_id in entity_ids:
            self.hub.states.set(entity_id, state)

    def state(self, entity_id: str) -> str:
        found = self.hub.states.get(entity_id)
        assert found is not None, entity_id
        return found.state

    @property
    def called(self) -> list[tuple[str, str]]:
        """(service, entity ids joined by commas) of each call."""
        return [(call.service, _ids(call.data["entity_id"])) for call in self.calls]


def _ids(value: Any) -> str:
    return value if isinstance(value, str) else ",".join(value)


@dataclass
class Neighbours:
    """张家, whose owner has an account, and 王家 next door."""

    hub: Hub

    def __post_init__(self) -> None:
        community = self.hub.community
        self.zhang = community.households.create("张家")
        self.wang = community.households.create("王家")
        self.owner = self.hub.users.create("zhang_owner", "resident")
        self.membership = community.members.create(
            self.zhang.id, "张伟", "owner", user_id=self.owner.id
        )

    def switch(self, household_id: str, object_id: str) -> str:
        """A switch of the household's, ``switch.<object_id>`` (off); returns its device's id."""
        device = self.hub.devices.get_or_create(
            identifiers=[("test", object_id)], household_id=household_id
        )
        self.hub.entities.get_or_create(
            "switch", "test", object_id, suggested_object_id=object_id, device_id=device.id
        )
        self.hub.states.set(f"switch.{object_id}", "off")
        return device.id
