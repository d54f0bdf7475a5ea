"""The hub: one running community, owning its loop, bus, states, services and data."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from enum import StrEnum
from typing import Any

from .alarms.manager import Alarms
from .audit import AuditLog
from .auth.login import Authenticator
from .auth.ownership import Ownership
from .auth.users import UserRegistry
from .automation.blueprints import BlueprintLibrary
from .automation.manager import Automations
from .clock import Clock
from .community.community import Community
from .community.consent import Consent
from .community.proposals import Governance
from .config import HubConfig
from .config_entries import ConfigEntries
from .const import EVENT_HUB_STARTED, EVENT_HUB_STOP
from .context import Context
from .discovery.zeroconf import ZeroconfDiscovery
from .entities.device_tracker import HOME_ZONE
from .events import EventBus
from .exceptions import HubStateError
from .figures import Figures
from .http.server import HttpServer
from .loader.catalog import IntegrationCatalog
from .loader.setup import IntegrationSetup
from .metering import Metering
from .notifications import Notifications
from .plugins.manager import PluginManager, create_plugin_manager
from .recorder.recorder import Recorder
from .registry.areas import AreaRegistry
from .registry.devices import DeviceRegistry
from .registry.entities import EntityRegistry
from .scheduler import Scheduler
from .services import ServiceRegistry
from .states import StateMachine
from .storage.database import Database, display_url

_LOGGER = logging.getLogger(__name__)

STOP_TIMEOUT = 10.0


class HubState(StrEnum):
    not_running = "not_running"
    starting = "starting"
    running = "running"
    stopping = "stopping"
    stopped = "stopped"


class Hub:
    """One community's runtime. Create it inside a running event loop."""

    def __init__(
        self,
        config: HubConfig,
        *,
        clock: Clock | None = None,
        plugins: PluginManager | None = None,
    ) -> None:
        self.loop = asyncio.get_running_loop()
        self.config = config
        self.clock = clock or Clock()
        self.state = HubState.not_running
        # Per-hub storage for helpers and integrations, keyed by their own names.
        self.data: dict[str, Any] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self.leftovers_at_stop: list[str] = []
        self.scheduler = Scheduler(self.loop, self.clock)
        self.bus = EventBus(self.clock, self.create_task)
        self.states = StateMachine(self.bus, self.clock)
        self.services = ServiceRegistry(self.bus, self.create_task)
        self.database = Database(config.database_url)
        self.recorder = Recorder(self)
        self.areas = AreaRegistry(self)
        self.devices = DeviceRegistry(self)
        self.entities = EntityRegistry(self)
        self.users = UserRegistry(self)
        self.auth = Authenticator(self)
        self.community = Community(self)
        self.audit = AuditLog(self)
        self.consent = Consent(self)
        self.ownership = Ownership(self)
        self.governance = Governance(self)
        self.notifications = Notifications(self)
        self.alarms = Alarms(self)
        self.metering = Metering(self)
        self.figures = Figures(self)
        self.blueprints = BlueprintLibrary(self)
        self.automations = Automations(self)
        # Default: the built-in plugin and every installed plugin (entry-point group "linli").
        self.plugins = plugins if plugins is not None else create_plugin_manager()
        self.integrations = IntegrationSetup(self, IntegrationCatalog(self.plugins))
        self.config_entries = ConfigEntries(self)
        # Started by whoever runs the hub (``await hub.discovery.start()``), not by start().
        self.discovery = ZeroconfDiscovery(self)
        # Its tokens load with the registries; it listens once ``await hub.http.start()``.
        self.http = HttpServer(self)

    def create_task(self, coro: Coroutine[Any, Any, Any], name: str = "") -> asyncio.Task[Any]:
        """Run ``coro`` as a task the hub tracks (and waits for when it stops)."""
        task = self.loop.create_task(coro, name=name or None)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            _LOGGER.error("Task %s failed", task.get_name(), exc_info=error)

    @property
    def pending_tasks(self) -> list[asyncio.Task[Any]]:
        return [task for task in self._tasks if not task.done()]

    def _write_home_zone(self) -> None:
        """``zone.home`` from the community's place, as Home Assistant's core writes it."""
        home = self.config.home
        if home is not None:
            attributes = {
                "latitude": home.latitude,
                "longitude": home.longitude,
                "radius": home.radius,
                "friendly_name": self.config.name,
            }
            self.states.set(HOME_ZONE, "0", attributes)

    async def start(self) -> None:
        """Open the database, load the registries, and announce ``hub_started``.

        If any step fails the hub closes what it opened and re-raises: it never runs
        half-started.
        """
        if self.state is not HubState.not_running:
            raise HubStateError(f"Cannot start the hub: it is {self.state}")
        self.state = HubState.starting
        _LOGGER.info(
            "Starting %s (config %s, database %s)",
            self.config.name,
            self.config.config_dir,
            display_url(self.config.database_url),
        )
        try:
            await self.database.start()
            await asyncio.gather(
                self.areas.load(),
                self.devices.load(),
                self.entities.load(),
                self.users.load(),
                self.auth.load(),
                self.community.load(),
                self.audit.load(),
                self.consent.load(),
                self.governance.load(),
                self.config_entries.load(),
                self.alarms.load(),
            )
            await self.http.tokens.load()  # after the users: the admin token is an admin's
            # Before the config entries: the first states of their entities are history too.
            await self.recorder.start()
            # Once the community and audit log are loaded, before the entries ask the gate.
            self.governance.start()
            self.alarms.start()  # resumes escalations: after the people it notifies load
        except BaseException:
            await self.recorder.stop()
            await self.database.stop()
            self.state = HubState.stopped
            raise
        self.state = HubState.running
        self._write_home_zone()  # before the trackers' first states
        await self.config_entries.setup_all()
        await self._setup_configured_integrations()
        # Last: the automations name the integrations' entities.
        await self.blueprints.load()
        await self.automations.start()
        self.bus.fire(EVENT_HUB_STARTED, context=Context(origin="hub"))
        _LOGGER.info("Started %s", self.config.name)

    async def _setup_configured_integrations(self) -> None:
        """Set up the integrations linli.yaml names, entries or not (mqtt with no broker
        configured starts its own); a device or service integration only once voted in."""
        domains = []
        for domain in self.config.integrations:
            if (refusal := self.governance.refusal(domain)) is not None:
                _LOGGER.warning("Not setting up %s from linli.yaml: %s", domain, refusal)
            else:
                domains.append(domain)
        await self.integrations.setup(domains)  # each failure is logged and marked

    async def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Announce ``hub_stop``, finish tasks and writes, and close the database.

        Tasks still running after ``timeout`` seconds, and timers nobody cancelled on
        ``hub_stop``, are cancelled and named in :attr:`leftovers_at_stop`.
        """
        if self.state in (HubState.stopping, HubState.stopped):
            return
        self.state = HubState.stopping
        _LOGGER.info("Stopping %s", self.config.name)
        await self.http.stop()  # no new requests while the hub winds down
        self.bus.fire(EVENT_HUB_STOP, context=Context(origin="hub"))
        await self.config_entries.unload_all()
        await self.wait_for_tasks(timeout)
        for task in self.pending_tasks:
            _LOGGER.warning("Cancelling task %s, still running at stop", task.get_name())
            self.leftovers_at_stop.append(f"task {task.get_name()}")
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.recorder.stop()  # commits everything queued, hub_stop and removals too
        for timer in self.scheduler.pending:
            self.leftovers_at_stop.append(repr(timer))
        self.scheduler.cancel_all()
        await self.database.stop()
        self.state = HubState.stopped
        _LOGGER.info("Stopped %s", self.config.name)

    async def wait_for_tasks(self, timeout: float | None = None) -> None:
        """Wait until the hub's tasks are done, including ones they start meanwhile."""
        deadline = None if timeout is None else self.loop.time() + timeout
        while pending := self.pending_tasks:
            remaining = None if deadline is None else deadline - self.loop.time()
            if remaining is not None and remaining <= 0:
                return
            await asyncio.wait(pending, timeout=remaining)

    async def block_till_done(self) -> None:
        """Let everything scheduled run: tasks, their follow-ups, queued database writes."""
        while True:
            await asyncio.sleep(0)
            if not self.pending_tasks:
                await self.database.flush()
                await asyncio.sleep(0)
                if not self.pending_tasks:
                    return
            await self.wait_for_tasks()
