"""One configured instance of an integration: a charger site, a broker, a wristband."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ConfigEntryState(StrEnum):
    """Where an entry is in its lifecycle; ``reason`` on the entry says why it failed."""

    not_loaded = "not_loaded"
    setup_in_progress = "setup_in_progress"
    loaded = "loaded"
    setup_error = "setup_error"  # the integration failed for good; fix and reload
    setup_retry = "setup_retry"  # not ready (device offline…): retried with backoff
    migration_error = "migration_error"
    unload_in_progress = "unload_in_progress"
    failed_unload = "failed_unload"

    @property
    def recoverable(self) -> bool:
        """Whether the entry can be unloaded and set up again without a restart."""
        return self is not ConfigEntryState.failed_unload


class EntrySource(StrEnum):
    """What created an entry."""

    user = "user"
    zeroconf = "zeroconf"
    mqtt = "mqtt"
    import_ = "import"
    system = "system"


@dataclass(eq=False, kw_only=True)
class ConfigEntry:
    """Persisted fields plus the runtime state the manager keeps (not stored)."""

    id: str
    domain: str
    title: str
    data: dict[str, Any]
    options: dict[str, Any] = field(default_factory=dict)
    version: int = 1
    minor_version: int = 1
    source: str = EntrySource.user
    unique_id: str | None = None
    household_id: str | None = None  # None: the entry belongs to the whole community
    disabled_by: str | None = None
    created_at: float
    modified_at: float
    state: ConfigEntryState = ConfigEntryState.not_loaded
    reason: str | None = None
    setup_tries: int = 0

    def describe(self) -> str:
        return f"{self.domain} entry {self.title!r} ({self.id[:8]})"
