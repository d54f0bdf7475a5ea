"""Fixtures for the registry tests: watch registry events."""

from collections.abc import Callable
from typing import Any

import pytest

from linli.hub import Hub


@pytest.fixture
def capture(hub: Hub) -> Callable[[str], list[dict[str, Any]]]:
    """``capture(event_type)``: a list that collects the data of every such event."""

    def start(event_type: str) -> list[dict[str, Any]]:
        seen: list[dict[str, Any]] = []
        hub.bus.listen(event_type, lambda event: seen.append(dict(event.data)))
        return seen

    return start
