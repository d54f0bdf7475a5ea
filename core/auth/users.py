"""User accounts: who can log in, and the role that says what they may do.

A user's households come from the members linked to them (:mod:`linli.community`); the
role says what kind of user they are, the permission rules (:mod:`linli.auth.permissions`)
what that allows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from ..exceptions import RegistryError
from ..registry.base import Registry, check_field_names, coerce_enum, new_id
from ..storage import community_schema

if TYPE_CHECKING:
    from ..hub import Hub

EVENT_USER_REGISTRY_UPDATED: Final = "user_registry_updated"
USERNAME: Final = re.compile(r"^[\w.@+-]{2,64}$")


class Role(StrEnum):
    resident = "resident"
    household_admin = "household_admin"  # manages their household's members and devices
    operator = "operator"  # property management: shared devices, alarms, proposals
    admin = "admin"  # runs the hub: integrations, accounts


@dataclass(frozen=True, slots=True, kw_only=True)
class UserEntry:
    id: str
    username: str
    name: str
    role: Role
    password_hash: str | None = None  # None: cannot log in with a password
    disabled: bool = False
    created_at: float
    modified_at: float


class UserRegistry(Registry[UserEntry]):
    """User accounts, by id and by username (case-insensitive)."""

    record_name = "User"
    event_type = EVENT_USER_REGISTRY_UPDATED
    event_id_key = "user_id"

    def __init__(self, hub: Hub) -> None:
        super().__init__(hub, community_schema.users, UserEntry, {"role": Role})
        self._by_username: dict[str, str] = {}

    def get_by_username(self, username: str) -> UserEntry | None:
        user_id = self._by_username.get(username.strip().casefold())
        return None if user_id is None else self._records[user_id]

    def describe(self, record: UserEntry) -> str:
        return f"user {record.username}"

    def create(
        self,
        username: str,
        role: Role | str,
        *,
        name: str | None = None,
        password_hash: str | None = None,
    ) -> UserEntry:
        role = coerce_enum(Role, role, "role", f"user {username!r}")
        now = self.hub.clock.time()
        return self._add(
            UserEntry(
                id=new_id(),
                username=username.strip(),
                name=(name or username).strip(),
                role=role,
                password_hash=password_hash,
                created_at=now,
                modified_at=now,
            )
        )

    def update(self, user_id: str, **changes: Any) -> UserEntry:
        user = self.require(user_id)
        where = self.describe(user)
        check_field_names(changes, {"name", "role", "password_hash", "disabled"}, where)
        if "role" in changes:
            changes["role"] = coerce_enum(Role, changes["role"], "role", where)
        return self._change(user, changes)

    def remove(self, user_id: str) -> None:
        self._delete(self.require(user_id))

    def _check(self, record: UserEntry) -> None:
        if not USERNAME.match(record.username):
            raise RegistryError(
                f"Username {record.username!r} must be 2 to 64 letters, digits or . @ + - _"
            )
        other = self._by_username.get(record.username.casefold())
        if other is not None and other != record.id:
            raise RegistryError(f"There is already a user named {record.username!r}")

    def _index(self, record: UserEntry) -> None:
        super()._index(record)
        self._by_username[record.username.casefold()] = record.id

    def _unindex(self, record: UserEntry) -> None:
        super()._unindex(record)
        del self._by_username[record.username.casefold()]
