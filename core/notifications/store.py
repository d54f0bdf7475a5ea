"""Users' notification lists in the database."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..storage.alarms_schema import notifications
from .model import Notification

if TYPE_CHECKING:
    from ..storage.database import Database

LIST_LIMIT: Final = 200  # the newest notifications a list shows


class NotificationStore:
    def __init__(self, database: Database) -> None:
        self._database = database

    def add(self, notification: Notification) -> None:
        row = notification.as_dict()
        self._database.write(
            lambda session: session.execute(sa.insert(notifications), row),
            f"notification {notification.id} for user {notification.user_id}",
        )

    def mark_read(self, notification_id: str, at: float) -> None:
        query = (
            sa.update(notifications)
            .where(notifications.c.id == notification_id, notifications.c.read_at.is_(None))
            .values(read_at=at)
        )
        self._database.write(
            lambda session: session.execute(query), f"notification {notification_id}"
        )

    async def get(self, notification_id: str) -> Notification | None:
        query = sa.select(notifications).where(notifications.c.id == notification_id)

        def read(session: Session) -> Notification | None:
            row = session.execute(query).mappings().first()
            return None if row is None else Notification(**row)

        return await self._database.read(read)

    async def of_user(
        self, user_id: str, *, unread_only: bool = False, limit: int = LIST_LIMIT
    ) -> list[Notification]:
        """The user's notifications, newest first."""
        query = (
            sa.select(notifications)
            .where(notifications.c.user_id == user_id)
            .order_by(notifications.c.created_at.desc(), notifications.c.id)
            .limit(limit)
        )
        if unread_only:
            query = query.where(notifications.c.read_at.is_(None))

        def read(session: Session) -> list[Notification]:
            return [Notification(**row) for row in session.execute(query).mappings()]

        return await self._database.read(read)
