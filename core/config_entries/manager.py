"""The config entries of one hub: stored, set up, retried, unloaded, removed.

An integration module provides ``async_setup_entry(hub, entry) -> bool`` and
``async_unload_entry(hub, entry) -> bool``, optionally ``async_migrate_entry(hub, entry)
-> bool`` and ``async_remove_entry(hub, entry)``. Raising ConfigEntryNotReady retries the
entry with backoff; anything else that goes wrong marks that entry failed with the cause,
and every other entry runs on.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import uuid
from collections.abc import Callable, Iterable
from types import ModuleType, SimpleNamespace
from typing import TYPE_CHECKING, Any, Final

from ..entities import EntityPlatform
from ..exceptions import ConfigEntryError, ConfigEntryNotReady, LinliError
from ..helpers.event import call_later
from ..registry.store import TableStore
from ..storage import schema
from .entry import ConfigEntry, ConfigEntryState, EntrySource
from .flow import ConfigEntriesFlowManager, OptionsFlowManager, config_flow_class

if TYPE_CHECKING:
    from ..hub import Hub

_LOGGER = logging.getLogger(__name__)

EVENT_CONFIG_ENTRY_UPDATED: Final = "config_entry_updated"

SETUP_TIMEOUT = 60.0  # seconds an entry's setup may take before it is retried
RETRY_FIRST = 5.0  # seconds before the first retry; doubled each time
RETRY_MAX = 600.0

_STORED_FIELDS = tuple(column.name for column in schema.config_entries.c)
_PASSING_STATES = frozenset(
    {ConfigEntryState.setup_in_progress, ConfigEntryState.unload_in_progress}
)
_UPDATABLE = frozenset(
    {"title", "data", "options", "version", "minor_version", "unique_id", "household_id"}
)


class UnknownEntry(LinliError, KeyError):
    def __init__(self, entry_id: str) -> None:
        super().__init__(f"Config entry {entry_id!r} does not exist")

    def __str__(self) -> str:
        return str(self.args[0])


def _cause(error: Exception) -> str:
    """An error in words: its own message for linli's errors, else with its type."""
    if isinstance(error, LinliError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def _entry_from_row(**row: Any) -> ConfigEntry:
    """A stored entry, not loaded: the stored state is what the last run recorded."""
    row.update(state=ConfigEntryState.not_loaded, reason=None)
    return ConfigEntry(**row)


def retry_delay(tries: int) -> float:
    """Seconds to wait before retry number ``tries`` (1, 2, …): 5, 10, 20 … up to 600."""
    return min(RETRY_FIRST * 2 ** (tries - 1), RETRY_MAX)


class ConfigEntries:
    """Every config entry of the hub, loaded at start, written through to the database."""

    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._entries: dict[str, ConfigEntry] = {}
        self._retries: dict[str, Callable[[], None]] = {}
        self._on_unload: dict[str, list[Callable[[], Any]]] = {}
        self._platforms: dict[str, list[EntityPlatform]] = {}
        self._store: TableStore[ConfigEntry] = TableStore(
            hub.database, schema.config_entries, _entry_from_row, {}
        )
        self.setup_timeout = SETUP_TIMEOUT
        self.flow = ConfigEntriesFlowManager(hub)
        self.options = OptionsFlowManager(hub)

    async def load(self) -> None:
        for entry in await self._store.load():
            self._entries[entry.id] = entry

    # -- reading ---------------------------------------------------------------------------

    def get(self, entry_id: str) -> ConfigEntry | None:
        return self._entries.get(entry_id)

    def require(self, entry_id: str) -> ConfigEntry:
        entry = self._entries.get(entry_id)
        if entry is None:
            raise UnknownEntry(entry_id)
        return entry

    def entries(self, domain: str | None = None) -> list[ConfigEntry]:
        """Every entry (of one integration), oldest first."""
        return [e for e in self._entries.values() if domain is None or e.domain == domain]

    def by_unique_id(self, domain: str, unique_id: str) -> ConfigEntry | None:
        for entry in self._entries.values():
            if entry.domain == domain and entry.unique_id == unique_id:
                return entry
        return None

    # -- changing ----------------------------------------------------------------------------

    def create(
        self,
        domain: str,
        title: str,
        data: dict[str, Any],
        *,
        options: dict[str, Any] | None = None,
        version: int = 1,
        minor_version: int = 1,
        source: str = EntrySource.user,
        unique_id: str | None = None,
        household_id: str | None = None,
    ) -> ConfigEntry:
        """Store a new entry (not set up: see :meth:`add`)."""
        now = self._hub.clock.time()
        entry = ConfigEntry(
            id=uuid.uuid4().hex,
            domain=domain,
            title=title,
            data=dict(data),
            options=dict(options or {}),
            version=version,
            minor_version=minor_version,
            source=source,
            unique_id=unique_id,
            household_id=household_id,
            created_at=now,
            modified_at=now,
        )
        self._entries[entry.id] = entry
        self._save(entry)
        self._announce(entry, "create")
        return entry

    async def add(
        self, domain: str, title: str, data: dict[str, Any], **fields: Any
    ) -> ConfigEntry:
        """Store a new entry and set it up."""
        entry = self.create(domain, title, data, **fields)
        await self.setup(entry.id)
        return entry

    def update(self, entry: ConfigEntry, **changes: Any) -> ConfigEntry:
        """Change stored fields of an entry (title, data, options, version, …)."""
        if unknown := sorted(set(changes) - _UPDATABLE):
            raise ValueError(
                f"Cannot change {', '.join(unknown)} of {entry.describe()}; "
                f"changeable: {', '.join(sorted(_UPDATABLE))}"
            )
        for name, value in changes.items():
            setattr(entry, name, dict(value) if isinstance(value, dict) else value)
        entry.modified_at = self._hub.clock.time()
        self._save(entry)
        self._announce(entry, "update")
        return entry

    def on_unload(self, entry: ConfigEntry, callback: Callable[[], Any]) -> None:
        """Call ``callback`` when the entry unloads (e.g. an unsubscribe function)."""
        self._on_unload.setdefault(entry.id, []).append(callback)

    async def forward_entry_setups(self, entry: ConfigEntry, domains: Iterable[str]) -> None:
        """Set up the entry's entity platforms (``sensor``, ``lock``…) of its integration.

        Each platform module of the integration provides ``async_setup_entry(hub, entry,
        add_entities)``; its entities go away when the entry unloads.
        """
        integration = self._hub.integrations.catalog.require(entry.domain)
        platforms = []
        for domain in domains:
            module = integration.import_platform(domain)
            platform = EntityPlatform(
                self._hub,
                domain,
                entry.domain,
                config_entry_id=entry.id,
                household_id=entry.household_id,
                platform_module=module,
            )
            self._platforms.setdefault(entry.id, []).append(platform)
            platforms.append((module, platform))
        await asyncio.gather(
            *(module.async_setup_entry(self._hub, entry, p.add_entities) for module, p in platforms)
        )

    async def remove(self, entry_id: str) -> None:
        """Unload the entry, forget it, and remove the devices and entities it made."""
        entry = self.require(entry_id)
        if entry.state is ConfigEntryState.loaded:
            await self.unload(entry_id)
        self._cancel_retry(entry_id)
        module = self._module_or_none(entry.domain)
        if module is not None and hasattr(module, "async_remove_entry"):
            try:
                await module.async_remove_entry(self._hub, entry)
            except Exception:
                _LOGGER.exception("Error removing %s", entry.describe())
        del self._entries[entry_id]
        self._store.delete(entry_id, entry.describe())
        self._remove_registry_records(entry_id)
        self._announce(entry, "remove")

    # -- lifecycle ---------------------------------------------------------------------------

    async def setup(self, entry_id: str) -> bool:
        """Set up an entry; returns whether it is loaded. Failures land in entry.state."""
        entry = self.require(entry_id)
        if entry.state not in (ConfigEntryState.not_loaded, ConfigEntryState.setup_retry):
            raise ConfigEntryError(f"Cannot set up {entry.describe()}: it is {entry.state}")
        if entry.disabled_by is not None:
            return False
        self._cancel_retry(entry_id)
        self._set_state(entry, ConfigEntryState.setup_in_progress)
        module = await self._ready_module(entry)
        if module is None or not await self._migrate(entry, module):
            return False
        try:
            async with asyncio.timeout(self.setup_timeout):
                result = await module.async_setup_entry(self._hub, entry)
        except ConfigEntryNotReady as error:
            await self._clean_up(entry)
            self._schedule_retry(entry, str(error) or "not ready")
            return False
        except TimeoutError:
            await self._clean_up(entry)
            self._schedule_retry(entry, f"setup did not finish within {self.setup_timeout:g} s")
            return False
        except Exception as error:
            if not isinstance(error, ConfigEntryError):
                _LOGGER.exception("Error setting up %s", entry.describe())
            await self._clean_up(entry)
            self._fail(entry, ConfigEntryState.setup_error, _cause(error))
            return False
        if result is not True:
            await self._clean_up(entry)
            self._fail(entry, ConfigEntryState.setup_error, "the integration reported failure")
            return False
        entry.setup_tries = 0
        self._set_state(entry, ConfigEntryState.loaded)
        return True

    async def unload(self, entry_id: str) -> bool:
        """Unload an entry; a retry pending is cancelled. Returns whether it unloaded."""
        entry = self.require(entry_id)
        self._cancel_retry(entry_id)
        if entry.state is not ConfigEntryState.loaded:
            if entry.state.recoverable:
                self._set_state(entry, ConfigEntryState.not_loaded)
            return entry.state is ConfigEntryState.not_loaded
        self._set_state(entry, ConfigEntryState.unload_in_progress)
        module = self._module_or_none(entry.domain)
        try:
            unloaded = module is not None and await module.async_unload_entry(self._hub, entry)
        except Exception as error:
            _LOGGER.exception("Error unloading %s", entry.describe())
            unloaded, reason = False, _cause(error)
        else:
            reason = "the integration reported failure"
        await self._clean_up(entry)
        if unloaded is not True:
            self._fail(entry, ConfigEntryState.failed_unload, reason)
            return False
        self._set_state(entry, ConfigEntryState.not_loaded)
        return True

    async def reload(self, entry_id: str) -> bool:
        """Unload (if loaded) and set up again, e.g. after its options changed."""
        if not await self.unload(entry_id):
            return False
        return await self.setup(entry_id)

    async def setup_all(self) -> None:
        """Set up every enabled entry that is not loaded, concurrently."""
        pending = [
            entry.id
            for entry in self._entries.values()
            if entry.state is ConfigEntryState.not_loaded and entry.disabled_by is None
        ]
        await asyncio.gather(*(self.setup(entry_id) for entry_id in pending))

    async def unload_all(self) -> None:
        """Unload every loaded entry (the hub does this when it stops)."""
        for entry_id in list(self._retries):
            self._cancel_retry(entry_id)
        loaded = [e.id for e in self._entries.values() if e.state is ConfigEntryState.loaded]
        await asyncio.gather(*(self.unload(entry_id) for entry_id in loaded))

    # -- internals ---------------------------------------------------------------------------

    async def _ready_module(self, entry: ConfigEntry) -> ModuleType | None:
        """The integration's module, once the integration itself is set up."""
        integrations = self._hub.integrations
        try:
            integration = integrations.catalog.require(entry.domain)
        except LinliError as error:
            self._fail(entry, ConfigEntryState.setup_error, str(error))
            return None
        # The gate: a device or service integration runs only when the owners voted it in.
        if (refusal := self._hub.governance.refusal(entry.domain)) is not None:
            _LOGGER.warning("%s is not set up: %s", entry.describe(), refusal)
            self._set_state(entry, ConfigEntryState.not_loaded, refusal)
            return None
        states = await integrations.setup([entry.domain])
        if entry.domain not in integrations.loaded:
            cause = integrations.failures.get(entry.domain, states.get(entry.domain))
            self._fail(entry, ConfigEntryState.setup_error, f"integration failed: {cause}")
            return None
        try:
            return integration.module
        except LinliError as error:
            self._fail(entry, ConfigEntryState.setup_error, str(error))
            return None

    def _module_or_none(self, domain: str) -> ModuleType | None:
        try:
            return self._hub.integrations.catalog.require(domain).module
        except LinliError:
            return None

    async def _migrate(self, entry: ConfigEntry, module: ModuleType) -> bool:
        """Bring an entry stored by an older version of its integration up to date."""
        try:
            target = self._entry_version(entry.domain)
        except LinliError as error:  # e.g. a config_flow module without its ConfigFlow
            self._fail(entry, ConfigEntryState.migration_error, str(error))
            return False
        if (entry.version, entry.minor_version) == target:
            return True
        if (entry.version, entry.minor_version) > target:
            self._fail(
                entry,
                ConfigEntryState.migration_error,
                f"stored as version {entry.version}.{entry.minor_version}, newer than the "
                f"installed integration's {target[0]}.{target[1]}: was it downgraded?",
            )
            return False
        migrate = getattr(module, "async_migrate_entry", None)
        if migrate is None:
            self._fail(
                entry,
                ConfigEntryState.migration_error,
                f"stored as version {entry.version}, the integration needs {target[0]} "
                "and offers no async_migrate_entry",
            )
            return False
        try:
            migrated = await migrate(self._hub, entry)
        except Exception as error:
            _LOGGER.exception("Error migrating %s", entry.describe())
            migrated, cause = False, _cause(error)
        else:
            cause = "the integration could not migrate it"
        if migrated is not True:
            self._fail(entry, ConfigEntryState.migration_error, cause)
            return False
        return True

    def _entry_version(self, domain: str) -> tuple[int, int]:
        """The entry version the integration's config flow writes (1.1 without one)."""
        flow_class = config_flow_class(self._hub.integrations.catalog.require(domain))
        if flow_class is None:
            return (1, 1)
        return (flow_class.VERSION, flow_class.MINOR_VERSION)

    def _schedule_retry(self, entry: ConfigEntry, reason: str) -> None:
        entry.setup_tries += 1
        delay = retry_delay(entry.setup_tries)
        self._fail(entry, ConfigEntryState.setup_retry, f"{reason}; retrying in {delay:g} s")

        def retry(_now: object) -> None:
            self._retries.pop(entry.id, None)
            if entry.id in self._entries and entry.state is ConfigEntryState.setup_retry:
                self._hub.create_task(self.setup(entry.id), f"retry {entry.describe()}")

        self._retries[entry.id] = call_later(self._hub, delay, retry)

    def _cancel_retry(self, entry_id: str) -> None:
        if (cancel := self._retries.pop(entry_id, None)) is not None:
            cancel()

    async def _clean_up(self, entry: ConfigEntry) -> None:
        """Undo what a setup did: its unload callbacks, its entity platforms."""
        for callback in reversed(self._on_unload.pop(entry.id, [])):
            try:
                callback()
            except Exception:
                _LOGGER.exception("Error in an unload callback of %s", entry.describe())
        for platform in self._platforms.pop(entry.id, []):
            await platform.reset()

    def _remove_registry_records(self, entry_id: str) -> None:
        entities = self._hub.entities
        for record in list(entities):
            if record.config_entry_id == entry_id:
                entities.remove(record.entity_id)
        devices = self._hub.devices
        for device in list(devices):
            if entry_id in device.config_entry_ids:
                if device.config_entry_ids == {entry_id}:
                    devices.remove(device.id)
                else:
                    devices.update(device.id, config_entry_ids=device.config_entry_ids - {entry_id})

    def _fail(self, entry: ConfigEntry, state: ConfigEntryState, reason: str) -> None:
        level = logging.WARNING if state is ConfigEntryState.setup_retry else logging.ERROR
        _LOGGER.log(level, "%s: %s: %s", entry.describe(), state, reason)
        self._set_state(entry, state, reason)

    def _set_state(
        self, entry: ConfigEntry, state: ConfigEntryState, reason: str | None = None
    ) -> None:
        entry.state = state
        entry.reason = reason
        # Recorded for `linli integration list`; a passing *_in_progress state is not.
        if entry.id in self._entries and state not in _PASSING_STATES:
            self._save(entry)
        self._announce(entry, "state")

    def _announce(self, entry: ConfigEntry, action: str) -> None:
        self._hub.bus.fire(
            EVENT_CONFIG_ENTRY_UPDATED,
            {"action": action, "entry_id": entry.id, "domain": entry.domain, "state": entry.state},
        )

    def _save(self, entry: ConfigEntry) -> None:
        """Queue a snapshot of the stored fields: the worker never reads a changing entry."""
        snapshot = SimpleNamespace(
            **{name: copy.deepcopy(getattr(entry, name)) for name in _STORED_FIELDS}
        )
        self._store.save(snapshot, entry.describe())  # type: ignore[arg-type]
