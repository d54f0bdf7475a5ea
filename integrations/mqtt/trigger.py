"""The ``mqtt`` trigger of automations: a message on a topic (a filter: ``+``, ``#``),
optionally with exactly this payload. Registered when the integration's code loads; it
needs the integration set up on the hub."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import voluptuous as vol

from linli.automation.triggers import Fire, TriggerScope, Unsubscribe
from linli.exceptions import IntegrationError

from .const import DOMAIN
from .subscriptions import DEFAULT_ENCODING, ReceivedMessage

if TYPE_CHECKING:
    from linli.hub import Hub

FIELDS: Final = {
    vol.Required("topic"): vol.All(str, vol.Length(min=1)),
    vol.Optional("payload"): vol.Coerce(str),
    vol.Optional("qos", default=0): vol.In([0, 1, 2]),
}


def attach(hub: Hub, config: dict[str, Any], fire: Fire, _scope: TriggerScope) -> Unsubscribe:
    wanted = config.get("payload")

    def received(message: ReceivedMessage) -> None:
        if wanted is not None and message.payload != wanted:
            return
        fire(
            {
                "platform": "mqtt",
                "id": config.get("id", ""),
                "description": f"mqtt topic {message.topic}",
                "topic": message.topic,
                "payload": message.payload,
                "qos": message.qos,
            },
            None,
        )

    data = hub.data.get(DOMAIN)
    if data is None:
        raise IntegrationError("An mqtt trigger needs the mqtt integration set up")
    subscriptions = data.subscriptions
    return subscriptions.add(config["topic"], received, config["qos"], DEFAULT_ENCODING)
