"""Fixtures of the automation tests: a hub with switches to act on."""

import pytest
from automation_helpers import Switches

from linli.hub import Hub


@pytest.fixture
def switches(hub: Hub) -> Switches:
    return Switches(hub)
