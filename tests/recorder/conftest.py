"""Fixtures for the recorder tests: a hub on each database, row counts."""

from collections.abc import Awaitable, Callable

import pytest
import sqlalchemy as sa

from linli.hub import Hub
from linli.plugins import PluginManager
from linli.testing.plugin import HubFactory


@pytest.fixture
async def db_hub(database_url: str, hub_factory: HubFactory, plugins: PluginManager) -> Hub:
    """A started hub on SQLite or PostgreSQL (the test runs on both).

    ``database_url`` comes first so that its database outlives the hub, whose final
    commit happens at teardown.
    """
    return await hub_factory(database_url=database_url, plugins=plugins)


@pytest.fixture
def count_rows() -> Callable[[Hub, sa.Table], Awaitable[int]]:
    """``await count_rows(hub, table)``: rows in ``table`` once everything queued is written."""

    async def count(hub: Hub, table: sa.Table) -> int:
        query = sa.select(sa.func.count()).select_from(table)
        return await hub.recorder.run(lambda session: session.execute(query).scalar_one())

    return count
