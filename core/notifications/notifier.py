"""``hub.notifications``: users' notification lists with their push, and the channels."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING

from ..const import EVENT_HUB_STOP
from ..events import Event
from ..plugins.hookspecs import NotificationChannel
from ..registry.base import new_id
from .delivery import deliver
from .model import Address, Notification
from .store import NotificationStore

if TYPE_CHECKING:
    from ..hub import Hub

_LOGGER = logging.getLogger(__name__)

PushListener = Callable[[Notification], None]


class UnknownNotification(LookupError):
    pass


class Notifications:
    """What the hub tells people, and how."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._store = NotificationStore(hub.database)
        self._listeners: dict[str, list[PushListener]] = {}
        self._channels: dict[str, NotificationChannel] | None = None
        hub.bus.listen(EVENT_HUB_STOP, self._stop)

    # -- the web app: the list and its push ----------------------------------------------

    def notify(
        self, user_ids: Iterable[str], *, title: str, message: str, alarm_id: str | None = None
    ) -> list[Notification]:
        """Add a notification to each user's list (queued for the database at once) and
        push it to their subscribed connections."""
        now = self.hub.clock.time()
        sent = []
        for user_id in dict.fromkeys(user_ids):
            notification = Notification(
                id=new_id(),
                user_id=user_id,
                alarm_id=alarm_id,
                title=title,
                message=message,
                created_at=now,
            )
            self._store.add(notification)
            for listener in self._listeners.get(user_id, ()):
                try:
                    listener(notification)
                except Exception:
                    _LOGGER.exception("Error pushing notification %s", notification.id)
            sent.append(notification)
        return sent

    def listen(self, user_id: str, listener: PushListener) -> Callable[[], None]:
        """Call ``listener`` with each new notification of ``user_id``; returns the
        function that stops it."""
        self._listeners.setdefault(user_id, []).append(listener)

        def remove() -> None:
            listeners = self._listeners.get(user_id, [])
            if listener in listeners:
                listeners.remove(listener)
            if not listeners:
                self._listeners.pop(user_id, None)

        return remove

    async def of_user(self, user_id: str, *, unread_only: bool = False) -> list[Notification]:
        return await self._store.of_user(user_id, unread_only=unread_only)

    async def mark_read(self, notification_id: str, user_id: str) -> Notification:
        """Mark one of ``user_id``'s notifications read; another user's is unknown."""
        notification = await self._store.get(notification_id)
        if notification is None or notification.user_id != user_id:
            raise UnknownNotification(f"Notification {notification_id!r} not found")
        if notification.read_at is not None:
            return notification
        now = self.hub.clock.time()
        self._store.mark_read(notification_id, now)
        await self.hub.database.flush()
        return Notification(**{**notification.as_dict(), "read_at": now})

    # -- channels: beyond the web app ----------------------------------------------------

    @property
    def channels(self) -> dict[str, NotificationChannel]:
        """The channels by name, from the plugins (the built-in one offers the webhook when
        linli.yaml configures it), gathered the first time they are needed."""
        if self._channels is None:
            self._channels = self._gather_channels()
        return self._channels

    def _gather_channels(self) -> dict[str, NotificationChannel]:
        offered: list[tuple[str, object]] = []
        for answer in self.hub.plugins.call_each("linli_notification_channels", hub=self.hub):
            offered += [(answer.plugin, channel) for channel in answer.value or ()]
        channels: dict[str, NotificationChannel] = {}
        for plugin, channel in offered:
            if not isinstance(channel, NotificationChannel) or not isinstance(channel.name, str):
                _LOGGER.error(
                    "Plugin %s offered %r as a notification channel: it needs a name and an "
                    "async send(hub, recipient, message)",
                    plugin,
                    channel,
                )
            elif channel.name in channels:
                _LOGGER.error(
                    "Plugin %s offered a second notification channel named %r; ignored",
                    plugin,
                    channel.name,
                )
            else:
                channels[channel.name] = channel
        return channels

    async def send(
        self,
        addresses: Collection[Address],
        message: str,
        *,
        still_wanted: Callable[[], bool] = lambda: True,
    ) -> bool:
        """Send ``message`` to every address at once, each retried on failure; whether all
        got through. An address whose channel does not exist fails at once."""
        channels = self.channels
        missing = [address for address in addresses if address.channel not in channels]
        for address in missing:
            _LOGGER.error(
                "Cannot notify %s: there is no notification channel %r (channels: %s)",
                address,
                address.channel,
                ", ".join(sorted(channels)) or "none",
            )
        delivered = await asyncio.gather(
            *(
                deliver(self.hub, channels[address.channel], address, message, still_wanted)
                for address in addresses
                if address.channel in channels
            )
        )
        return not missing and all(delivered)

    async def _stop(self, _event: Event) -> None:
        """Let the channels that hold connections (a ``close`` coroutine) close them."""
        for channel in (self._channels or {}).values():
            if (close := getattr(channel, "close", None)) is not None:
                await close()
