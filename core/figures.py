"""The community's key figures, for the operator's dashboard (数字驾驶舱).

The core counts what it knows: units, households and members, devices and how many are
online, open alarms by severity, the integrations' states, and this month's billed usage
by service. What only an integration knows (connectors charging, compartments occupied…)
it contributes itself: ``hub.figures.contribute(DOMAIN, provider)`` with a function that
returns ``{figure: number}``; an integration with several entries (sites, locker banks)
contributes once per entry and the figures are added up.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .alarms.model import Severity
from .entities.entity import STATE_UNAVAILABLE
from .loader.setup import IntegrationState
from .metering import Month

if TYPE_CHECKING:
    from .hub import Hub

_LOGGER = logging.getLogger(__name__)

Number = int | float
FigureProvider = Callable[[], Mapping[str, Number]]


class Figures:
    """The key figures of one hub (``hub.figures``)."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._providers: dict[str, list[FigureProvider]] = {}

    def contribute(self, domain: str, provider: FigureProvider) -> Callable[[], None]:
        """Add ``provider``'s figures to the integration ``domain``'s; returns the function
        that takes them away again (call it when the entry unloads)."""
        providers = self._providers.setdefault(domain, [])
        providers.append(provider)

        def withdraw() -> None:
            providers.remove(provider)
            if not providers:
                del self._providers[domain]

        return withdraw

    def services(self) -> dict[str, dict[str, Number]]:
        """The integrations' figures, added up per domain; a provider that fails is logged
        and left out, and the others still count."""
        result: dict[str, dict[str, Number]] = {}
        for domain, providers in sorted(self._providers.items()):
            totals: Counter[str] = Counter()
            for provider in providers:
                try:
                    totals.update(provider())
                except Exception:
                    _LOGGER.exception("The figures of %s cannot be counted", domain)
            result[domain] = {key: round(value, 3) for key, value in totals.items()}
        return result

    def devices(self) -> dict[str, int]:
        """Every device, and those online: with an entity whose state is not unavailable."""
        states = self.hub.states
        online = {
            entry.device_id
            for entry in self.hub.entities
            if entry.device_id is not None
            and (state := states.get(entry.entity_id)) is not None
            and state.state != STATE_UNAVAILABLE
        }
        return {"total": len(self.hub.devices), "online": len(online)}

    async def collect(self) -> dict[str, Any]:
        hub = self.hub
        community = hub.community
        severities = Counter(alarm.severity for alarm in hub.alarms.open())
        catalog = hub.integrations.catalog.all()
        states = Counter(hub.integrations.state(item.domain) for item in catalog)
        month = Month.of(hub.clock.time(), hub.metering.zone)
        by_service: Counter[str] = Counter()
        for statement in await hub.metering.statements(month):
            by_service.update(statement.totals_by_service())
        return {
            "community": {
                "units": len(community.units),
                "households": len(community.households),
                "members": len(community.members),
            },
            "devices": self.devices(),
            "alarms": {
                "active": sum(severities.values()),
                "by_severity": {severity.value: severities[severity] for severity in Severity},
            },
            "integrations": {
                "loaded": states[IntegrationState.loaded],
                "failed": states[IntegrationState.failed] + states[IntegrationState.failed_unload],
            },
            "services": self.services(),
            "usage": {
                "month": str(month),
                "total_fen": sum(by_service.values()),
                "by_service": dict(sorted(by_service.items())),
            },
        }
