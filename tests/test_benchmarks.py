"""The benchmarks under bench/, run small: they still work, and at this size nothing they
send is lost. (Their speed is for ``python bench/...`` to print, not for tests to judge.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).parent.parent / "bench"


def run_bench(script: str, *args: str) -> dict[str, Any]:
    finished = subprocess.run(
        [sys.executable, str(BENCH / script), *args, "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    return json.loads(finished.stdout)


@pytest.fixture
def mosquitto_installed() -> None:
    """bench/mqtt.py starts a Mosquitto of its own; skip without one (fail under CI)."""
    if shutil.which("mosquitto") is None and not Path("/usr/sbin/mosquitto").exists():
        message = "the mosquitto program is not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (under CI the benchmarks must run)")
        pytest.skip(message)


@pytest.mark.usefixtures("mosquitto_installed")
def test_the_mqtt_benchmark_delivers_every_message_and_alarm() -> None:
    result = run_bench(
        "mqtt.py", "--devices", "200", "--seconds", "2", "--warmup", "1", "--smoke-rate", "5"
    )
    assert (result["sensors"], result["detectors"]) == (180, 20)
    assert result["published"] == 200 * 3 + 10  # 3 s of reports, and the smoke
    assert result["not_received"] == 0
    assert (result["smoke_injected"], result["smoke_alarms_seen"]) == (10, 10)
    assert result["smoke_alarms_unexpected"] == 0
    assert result["bad_input"] == {}
    assert result["recorder_backlog_at_end"] == 0


def test_the_websocket_benchmark_delivers_every_change() -> None:
    result = run_bench("websocket.py", "--clients", "20", "--rate", "200", "--seconds", "1")
    assert result["clients_connected"] == 20
    assert result["writes"] == 200
    assert result["messages_delivered"] == result["messages_expected"] > 0
    assert result["clients_dropped"] == 0


def test_the_automations_benchmark_runs_every_households_automation() -> None:
    result = run_bench("automations.py", "--households", "40", "--writes", "2000")
    assert result["automations"] == 40
    assert result["runs"] == 100  # writes // 20
    assert result["lights_turned_on"] == 100  # every run acted for its household's owner
    assert result["traces_kept_finished"] == 100  # 2 or 3 runs each: every trace kept
