"""Fixtures of the alarm tests (the people are in :mod:`alarm_people`)."""

from __future__ import annotations

import pytest
from alarm_people import ALARMS, ChannelPlugin, Family, RecordingChannel

from linli.hub import Hub
from linli.plugins import PluginManager
from linli.testing.plugin import HubFactory


@pytest.fixture
def pager() -> RecordingChannel:
    return RecordingChannel()


@pytest.fixture
def plugins(plugins: PluginManager, pager: RecordingChannel) -> PluginManager:
    plugins.register(ChannelPlugin(pager), name="pager")
    return plugins


@pytest.fixture
async def hub(hub_factory: HubFactory, plugins: PluginManager) -> Hub:
    return await hub_factory(plugins=plugins, alarms=ALARMS)


@pytest.fixture
def family(hub: Hub) -> Family:
    return Family(hub)
