"""Fixtures: a hub that knows this integration, and a simulated locker bank."""

from collections.abc import AsyncIterator

import pytest
from linli.hub import Hub
from linli.plugins import PluginManager, create_plugin_manager
from linli.testing.plugin import HubFactory

from linli_acme_locker import plugin
from linli_acme_locker.const import DOMAIN
from linli_acme_locker.simulator import LockerBankSimulator


@pytest.fixture
def plugins() -> PluginManager:
    """linli's own plugins and this package's, as if it were installed."""
    manager = create_plugin_manager(entry_points=False)
    manager.register(plugin, name=DOMAIN)
    return manager


@pytest.fixture
async def hub(hub_factory: HubFactory, plugins: PluginManager) -> Hub:
    """A started hub that knows this integration (linli.testing's hub_factory)."""
    return await hub_factory(plugins=plugins)


@pytest.fixture
async def bank() -> AsyncIterator[LockerBankSimulator]:
    """A locker bank listening on 127.0.0.1."""
    async with LockerBankSimulator() as simulator:
        yield simulator
