"""What the mqtt integration keeps on the hub (``hub.data["mqtt"]``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .bad_input import BadInput
from .client import MqttNotConnected, Payload
from .subscriptions import Subscriptions

if TYPE_CHECKING:
    import voluptuous as vol

    from linli.entities import Entity
    from linli.hub import Hub

    from .broker import EmbeddedBroker
    from .client import MqttClient
    from .entity import MqttEntity
    from .zigbee2mqtt import Zigbee2Mqtt

AddEntities = Callable[[Iterable["Entity"]], Awaitable[None]]


@dataclass(frozen=True)
class DiscoveryKey:
    """Which entity a discovery topic configures: ``<component>/[<node_id>/]<object_id>``."""

    component: str
    node_id: str | None
    object_id: str

    def __str__(self) -> str:
        node = f"{self.node_id}/" if self.node_id else ""
        return f"{self.component}/{node}{self.object_id}"


EntityFactory = Callable[["MqttData", dict[str, Any], DiscoveryKey], "MqttEntity"]


@dataclass(frozen=True)
class DiscoverablePlatform:
    """How one component's discovery configs become entities of that platform."""

    schema: vol.Schema
    factory: EntityFactory
    add_entities: AddEntities


@dataclass(eq=False)
class MqttData:
    """The subscriptions (hub-wide, kept across reconnects and reloads) and, while the
    config entry is loaded, its client, broker and discoverable platforms."""

    hub: Hub
    bad_input: BadInput
    subscriptions: Subscriptions
    client: MqttClient | None = None
    broker: EmbeddedBroker | None = None
    zigbee2mqtt: Zigbee2Mqtt | None = None
    platforms: dict[str, DiscoverablePlatform] = field(default_factory=dict)
    # The integration's own entities that show the connection: written again when it changes.
    status_entities: list[Entity] = field(default_factory=list)

    @classmethod
    def create(cls, hub: Hub) -> MqttData:
        bad_input = BadInput()
        return cls(hub, bad_input, Subscriptions(hub, bad_input))

    @property
    def connected(self) -> bool:
        return self.client is not None and self.client.connected

    async def publish(
        self, topic: str, payload: Payload, qos: int = 0, retain: bool = False
    ) -> None:
        """Publish through the entry's client; MqttNotConnected without a connection."""
        if self.client is None:
            raise MqttNotConnected(f"cannot publish to {topic}: no MQTT broker is set up")
        await self.client.publish(topic, payload, qos, retain)
