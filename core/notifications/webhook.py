"""The webhook channel: a signed JSON POST to a gateway that forwards it (SMS, messaging).

The body is ``{"recipient", "message", "hub", "sent_at"}``. The request carries
``X-Linli-Timestamp`` (epoch seconds) and ``X-Linli-Signature: sha256=<hex>``, the
HMAC-SHA256 with the shared secret of ``<timestamp>.<body>``; a gateway recomputes it
(:func:`verify` does, for a gateway written in Python) and refuses a request whose
signature differs or whose timestamp is too old to be anything but a replay. Any answer
but 2xx is a failed delivery.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING, Final

import aiohttp
import orjson

if TYPE_CHECKING:
    from ..config import WebhookConfig
    from ..hub import Hub

SIGNATURE_HEADER: Final = "X-Linli-Signature"
TIMESTAMP_HEADER: Final = "X-Linli-Timestamp"
REQUEST_TIMEOUT: Final = 10.0  # seconds for one delivery attempt
REPLAY_WINDOW: Final = 300.0  # seconds a receiver accepts a signed request for


class DeliveryError(Exception):
    """A gateway did not take a notification."""


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Linli-Signature`` value of ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def verify(secret: str, timestamp: str, body: bytes, signed: str, *, now: float) -> bool:
    """Whether a received request is genuine and recent (what a gateway checks)."""
    try:
        age = now - float(timestamp)
    except ValueError:
        return False
    expected = signature(secret, timestamp, body)
    return abs(age) <= REPLAY_WINDOW and hmac.compare_digest(expected, signed)


class WebhookChannel:
    """POSTs each notification to the configured URL, signed with the shared secret."""

    name = "webhook"

    def __init__(self, settings: WebhookConfig) -> None:
        self._url = settings.url
        self._secret = settings.secret
        self._session: aiohttp.ClientSession | None = None

    async def send(self, hub: Hub, recipient: str, message: str) -> None:
        now = hub.clock.time()
        body = orjson.dumps(
            {"recipient": recipient, "message": message, "hub": hub.config.name, "sent_at": now}
        )
        timestamp = str(int(now))
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature(self._secret, timestamp, body),
        }
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
            )
        try:
            async with self._session.post(self._url, data=body, headers=headers) as response:
                if not 200 <= response.status < 300:
                    raise DeliveryError(f"the webhook {self._url} answered {response.status}")
        except (aiohttp.ClientError, TimeoutError) as error:
            reason = str(error) or type(error).__name__
            raise DeliveryError(f"cannot reach the webhook {self._url}: {reason}") from error

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
