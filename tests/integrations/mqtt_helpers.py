"""Helpers the mqtt tests import (a module, since the tests folder is not a package)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from linli.hub import Hub
from linli.integrations.mqtt.const import DOMAIN
from linli.integrations.mqtt.models import MqttData


async def wait_for(condition: Callable[[], Any], timeout: float = 5.0) -> Any:
    """Poll ``condition`` until it is truthy; fail after ``timeout`` seconds."""
    async with asyncio.timeout(timeout):
        while not (result := condition()):
            await asyncio.sleep(0.01)
    return result


def mqtt_data(hub: Hub) -> MqttData:
    return hub.data[DOMAIN]
