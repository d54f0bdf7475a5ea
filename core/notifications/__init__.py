"""Notifications: telling people about alarms, in the web app and through channels.

Every user has a persistent notification list (:mod:`.store`), pushed to their open
WebSocket connections as it grows. Outside the web app, people are reached through
notification channels (:class:`linli.plugins.hookspecs.NotificationChannel`): the built-in
HMAC-signed webhook (:mod:`.webhook`), the model for SMS and messaging gateways, and
whatever plugins bring through the ``linli_notification_channels`` hook. A channel
delivery is retried with backoff (:mod:`.delivery`); its failure is reported back so that
the alarm ladder can move on.
"""

from .model import Address, Notification
from .notifier import Notifications, UnknownNotification

__all__ = ["Address", "Notification", "Notifications", "UnknownNotification"]
