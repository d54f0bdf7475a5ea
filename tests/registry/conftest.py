"""Fixtures for the registry tests: watch registry events, restart a hub on its database."""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from linli.hub import Hub
from linli.testing.plugin import HubFactory


@pytest.fixture
def capture(hub: Hub) -> Callable[[str], list[dict[str, Any]]]:
    """``capture(event_type)``: a list that collects the data of every such event."""

    def start(event_type: str) -> list[dict[str, Any]]:
        seen: list[dict[str, Any]] = []
        hub.bus.listen(event_type, lambda event: seen.append(dict(event.data)))
        return seen

    return start


@pytest.fixture
def restart(
    hub_factory: HubFactory, caplog: pytest.LogCaptureFixture
) -> Callable[[Hub], Awaitable[Hub]]:
    """``await restart(hub)``: stop ``hub``, start a new one on its config and database.

    Fails if any write of the old hub failed (the database worker only logs those).
    """

    async def again(old: Hub) -> Hub:
        await old.stop()
        failed = [record.getMessage() for record in caplog.records if record.levelname == "ERROR"]
        assert not failed, failed
        return await hub_factory(
            config_dir=old.config.config_dir, database_url=old.config.database_url
        )

    return again
