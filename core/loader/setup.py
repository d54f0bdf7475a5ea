"""Setting integrations up and down, dependencies first, each failure contained.

``await hub.integrations.setup(["ev_charger"])`` sets up ``ev_charger`` after the
integrations it depends on. Independent integrations set up concurrently: each waits only
for its own dependencies (and for its ``after_dependencies`` that are being set up too).
A setup that raises, returns anything but True or runs past the timeout marks that
integration ``failed`` with the cause, and the integrations that depend on it fail with
"dependency X failed"; every other integration carries on.

An integration's module may define::

    async def async_setup(hub: Hub, config: dict) -> bool   # config: its linli.yaml options
    async def async_unload(hub: Hub) -> bool

Both are optional: an integration configured only through config entries needs neither.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ..exceptions import IntegrationError
from .catalog import IntegrationCatalog
from .integration import Integration
from .requirements import requirement_problems

if TYPE_CHECKING:
    from ..hub import Hub

_LOGGER = logging.getLogger(__name__)

SETUP_TIMEOUT = 60.0

# A failed call: what went wrong, in words, and the exception behind it if any.
_Failure = tuple[str, Exception | None]


class IntegrationState(StrEnum):
    not_loaded = "not_loaded"
    setting_up = "setting_up"
    loaded = "loaded"
    failed = "failed"  # could not be set up; see IntegrationSetup.failures
    failed_unload = "failed_unload"  # was loaded, and its unload failed


class IntegrationSetup:
    """The integrations of one hub and their states (``hub.integrations``)."""

    def __init__(
        self, hub: Hub, catalog: IntegrationCatalog, *, timeout: float = SETUP_TIMEOUT
    ) -> None:
        self.hub = hub
        self.catalog = catalog
        #: seconds a module's async_setup or async_unload may take before it counts as failed
        self.timeout = timeout
        self._states: dict[str, IntegrationState] = {}
        self._causes: dict[str, str] = {}
        self._running: dict[str, asyncio.Task[None]] = {}

    def state(self, domain: str) -> IntegrationState:
        return self._states.get(domain, IntegrationState.not_loaded)

    @property
    def failures(self) -> dict[str, str]:
        """domain -> why it failed, for every integration that is failed now."""
        return dict(self._causes)

    @property
    def loaded(self) -> set[str]:
        return {
            domain for domain, state in self._states.items() if state is IntegrationState.loaded
        }

    async def setup(self, domains: Iterable[str]) -> dict[str, IntegrationState]:
        """Set up ``domains`` and what they depend on; return the state of each of them.

        Integrations already loaded are left as they are; failed ones are tried again.
        """
        requested = list(dict.fromkeys(domains))
        order, refused = self._plan(requested)
        for domain, cause in refused.items():
            self._fail(domain, cause)
        for domain in order:
            if domain not in refused:
                self._start(domain)
        waiting = [
            self._running[domain] for domain in {*order, *requested} if domain in self._running
        ]
        if waiting:
            await asyncio.wait(waiting)
        return {domain: self.state(domain) for domain in dict.fromkeys([*requested, *order])}

    def _start(self, domain: str) -> None:
        """Start ``domain``'s setup task, waiting for the tasks of what it waits for.

        The tasks to wait for are chosen now, not when the task first runs: a task only ever
        waits for older tasks, so two overlapping ``setup`` calls cannot wait for each other.
        """
        integration = self.catalog.get(domain)
        waits_for = [
            self._running[other] for other in self._waits_for(integration, self._running.keys())
        ]
        self._states[domain] = IntegrationState.setting_up
        self._causes.pop(domain, None)
        self._running[domain] = self.hub.create_task(
            self._setup_one(integration, waits_for), f"set up integration {domain}"
        )

    def _plan(self, requested: list[str]) -> tuple[list[str], dict[str, str]]:
        """The domains to set up, dependencies first, and those refused before starting."""
        refused: dict[str, str] = {}
        wanted: set[str] = set()
        pending = [domain for domain in requested if self._needs_setup(domain)]
        while pending:
            domain = pending.pop()
            if domain in wanted:
                continue
            integration = self.catalog.get(domain)
            if integration is None:
                refused[domain] = f"{domain} {self._unavailable(domain)}"
                continue
            wanted.add(domain)
            for dependency in integration.manifest.dependencies:
                if self.catalog.get(dependency) is None:
                    cause = (
                        f"{domain} depends on {dependency}, which {self._unavailable(dependency)}"
                    )
                    refused.setdefault(domain, cause)
                elif self._needs_setup(dependency):
                    pending.append(dependency)

        # Depth-first over dependencies and after_dependencies in this batch: a post-order
        # puts every integration after what it waits for, and a back edge is a cycle.
        order: list[str] = []
        visiting: list[str] = []

        def visit(domain: str) -> None:
            if domain in order:
                return
            if domain in visiting:
                cycle = [*visiting[visiting.index(domain) :], domain]
                message = "dependency cycle: " + " → ".join(cycle)
                for member in cycle:
                    refused.setdefault(member, message)
                return
            visiting.append(domain)
            for other in self._waits_for(self.catalog.get(domain), wanted):
                visit(other)
            visiting.pop()
            order.append(domain)

        for domain in sorted(wanted):
            visit(domain)
        for domain in order:
            if domain not in refused:
                manifest = self.catalog.get(domain).manifest
                if problems := requirement_problems(domain, manifest.requirements):
                    refused[domain] = "; ".join(problems)
        return order, refused

    def _needs_setup(self, domain: str) -> bool:
        return domain not in self._running and self.state(domain) is not IntegrationState.loaded

    @staticmethod
    def _waits_for(integration: Integration, batch: Collection[str]) -> list[str]:
        manifest = integration.manifest
        return [d for d in (*manifest.dependencies, *manifest.after_dependencies) if d in batch]

    def _unavailable(self, domain: str) -> str:
        """Why ``domain`` is not in the catalog, as the end of a sentence."""
        if problems := self.catalog.problems_of(domain):
            return "cannot be used: " + "; ".join(problem.cause for problem in problems)
        return "is not installed"

    async def _setup_one(
        self, integration: Integration, waits_for: list[asyncio.Task[None]]
    ) -> None:
        domain = integration.domain
        try:
            if waits_for:
                await asyncio.wait(waits_for)
            for dependency in integration.manifest.dependencies:
                if self.state(dependency) is not IntegrationState.loaded:
                    self._fail(domain, f"dependency {dependency} failed")
                    return
            try:
                module = integration.module
            except IntegrationError as error:
                self._fail(domain, str(error), error.__cause__)
                return
            if (async_setup := getattr(module, "async_setup", None)) is not None:
                options = self.hub.config.integrations.get(domain, {})
                if failure := await self._call("setup", async_setup, self.hub, options):
                    self._fail(domain, *failure)
                    return
            self._states[domain] = IntegrationState.loaded
            _LOGGER.info("Set up integration %s", domain)
        finally:
            self._running.pop(domain, None)

    async def unload(self, domain: str) -> bool:
        """Call the module's ``async_unload`` (if any); True when the integration is unloaded.

        Refused with :class:`IntegrationError` when ``domain`` is not loaded (or failed to
        unload before) or a loaded integration depends on it. A failing unload leaves the
        state ``failed_unload``.
        """
        state = self.state(domain)
        if state not in (IntegrationState.loaded, IntegrationState.failed_unload):
            raise IntegrationError(f"{domain} cannot be unloaded: it is {state}")
        if dependents := sorted(
            other
            for other in self.loaded
            if domain in self.catalog.get(other).manifest.dependencies
        ):
            raise IntegrationError(
                f"{domain} cannot be unloaded: {', '.join(dependents)} depend on it; "
                "unload them first"
            )
        module = self.catalog.get(domain).module
        async_unload = getattr(module, "async_unload", None)
        if async_unload is not None and (
            failure := await self._call("unload", async_unload, self.hub)
        ):
            cause, error = failure
            self._states[domain] = IntegrationState.failed_unload
            self._causes[domain] = cause
            _LOGGER.error("Integration %s failed to unload: %s", domain, cause, exc_info=error)
            return False
        self._states[domain] = IntegrationState.not_loaded
        self._causes.pop(domain, None)
        _LOGGER.info("Unloaded integration %s", domain)
        return True

    async def _call(
        self, what: str, function: Callable[..., Awaitable[Any]], *args: Any
    ) -> _Failure | None:
        """Await ``function(*args)`` within the timeout; None if it returned True."""
        deadline = asyncio.timeout(self.timeout)
        try:
            async with deadline:
                result = await function(*args)
        except TimeoutError as error:
            if deadline.expired():
                return f"{what} did not finish within {self.timeout:g} seconds", None
            return f"{what} raised TimeoutError: {error}", error
        except Exception as error:
            return f"{what} raised {type(error).__name__}: {error}", error
        if result is not True:
            return f"{what} returned {result!r} instead of True", None
        return None

    def _fail(self, domain: str, cause: str, error: BaseException | None = None) -> None:
        self._states[domain] = IntegrationState.failed
        self._causes[domain] = cause
        _LOGGER.error("Integration %s failed to set up: %s", domain, cause, exc_info=error)
