"""Fixtures of the mqtt tests: fast reconnection, and the real Mosquitto when it is there."""

from __future__ import annotations

import os
import socket
import uuid

import pytest

from linli.integrations.mqtt import client as mqtt_client

MOSQUITTO = ("127.0.0.1", 1883)


@pytest.fixture(autouse=True)
def fast_reconnect(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reconnect after 50 ms instead of 1 s, so a broker restart takes no time."""
    monkeypatch.setattr(mqtt_client, "BACKOFF_FIRST", 0.05)


def mosquitto_available() -> bool:
    try:
        with socket.create_connection(MOSQUITTO, timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def mosquitto() -> tuple[str, int]:
    """Mosquitto's address; skips without it (fails under CI, where it must run)."""
    if not mosquitto_available():
        message = f"Mosquitto is not listening on {MOSQUITTO[0]}:{MOSQUITTO[1]}"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (under CI the Mosquitto tests must run)")
        pytest.skip(message)
    return MOSQUITTO


@pytest.fixture
def prefix() -> str:
    """A topic prefix of this test alone, so tests sharing Mosquitto do not meet."""
    return f"linli-test-{uuid.uuid4().hex[:12]}"
