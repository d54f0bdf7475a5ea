"""The embedded broker: MQTT for a community that has none installed (amqtt, pure Python).

It listens on the entry's port (1883 unless configured) and, when the entry names a
username, accepts only clients that log in with it; otherwise any client may connect. A
community that outgrows it points the entry at Mosquitto or a cluster instead.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from typing import Any

from amqtt.broker import Broker
from amqtt.errors import BrokerError
from amqtt.plugins.base import BaseAuthPlugin
from amqtt.session import Session

_LOGGER = logging.getLogger(__name__)
# amqtt's session state machine logs every client's every state change at INFO.
logging.getLogger("transitions").setLevel(logging.WARNING)


class BrokerStartError(Exception):
    """The embedded broker could not listen (the port is taken, the address is wrong)."""


def _text(value: str | bytes | None) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value or ""


class EntryCredentialsAuth(BaseAuthPlugin):
    """amqtt plugin: a client must log in with the one username and password configured."""

    @dataclass
    class Config:
        username: str = ""
        password: str = ""

    async def authenticate(self, *, session: Session) -> bool:
        config = self.context.config
        username_ok = hmac.compare_digest(_text(session.username), config.username)
        password_ok = hmac.compare_digest(_text(session.password), config.password)
        if not (username_ok and password_ok):
            _LOGGER.warning(
                "Embedded MQTT broker refused client %s: wrong username or password",
                session.client_id,
            )
        return username_ok and password_ok


def broker_config(
    host: str, port: int, username: str | None = None, password: str | None = None
) -> dict[str, Any]:
    """amqtt's configuration: one TCP listener and the authentication the entry asks for."""
    if username:
        auth: dict[str, Any] = {
            f"{__name__}.EntryCredentialsAuth": {"username": username, "password": password or ""}
        }
    else:
        auth = {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}}
    return {"listeners": {"default": {"type": "tcp", "bind": f"{host}:{port}"}}, "plugins": auth}


class EmbeddedBroker:
    """One amqtt broker, started and stopped with the mqtt config entry."""

    def __init__(
        self, host: str, port: int, username: str | None = None, password: str | None = None
    ) -> None:
        self.host = host
        self.port = port
        self._config = broker_config(host, port, username, password)
        self._broker: Broker | None = None

    @property
    def running(self) -> bool:
        return self._broker is not None

    async def start(self) -> None:
        """Listen on host:port; raises BrokerStartError saying why it cannot."""
        broker = Broker(self._config)
        try:
            await broker.start()
        except (BrokerError, OSError) as error:
            cause = error.__cause__ or error
            raise BrokerStartError(
                f"the embedded MQTT broker cannot listen on {self.host}:{self.port}: {cause}"
            ) from error
        self._broker = broker
        _LOGGER.info("Embedded MQTT broker listening on %s:%d", self.host, self.port)

    async def stop(self) -> None:
        """Close the listener and every client connection."""
        broker, self._broker = self._broker, None
        if broker is not None:
            await broker.shutdown()
            _LOGGER.info("Embedded MQTT broker on %s:%d stopped", self.host, self.port)
