"""The ``linli`` command, run as an operator would: ``python -m linli`` in a subprocess."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from linli import __version__
from linli.config import CONFIG_FILE
from linli.testing.processes import free_port
from linli.testing.processes import run_linli as linli

pytestmark = pytest.mark.slow  # every test here starts a process

TIMEOUT = 60.0


def write_config(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / CONFIG_FILE).write_text(text, encoding="utf-8")
    return folder


def test_version(tmp_path: Path) -> None:
    result = linli("--version", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, f"linli {__version__}\n")


def test_help_describes_the_commands(tmp_path: Path) -> None:
    result = linli("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "start the hub" in result.stdout
    assert "validate linli.yaml" in result.stdout
    run_help = linli("run", "--help", cwd=tmp_path).stdout
    assert "default: ./config" in run_help
    assert "--port N" in run_help


def test_no_command_shows_help(tmp_path: Path) -> None:
    result = linli(cwd=tmp_path)
    assert result.returncode == 2
    assert "check-config" in result.stderr


def test_bad_port_is_refused(tmp_path: Path) -> None:
    result = linli("run", "--port", "70000", cwd=tmp_path)
    assert result.returncode == 2
    assert "expected a port number from 1 to 65535, got '70000'" in result.stderr
    assert not (tmp_path / "config").exists()


def test_check_config_ok(tmp_path: Path) -> None:
    write_config(tmp_path / "config", "community:\n  name: 阳光花园\n")
    result = linli("check-config", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Configuration OK: {tmp_path.resolve() / 'config' / CONFIG_FILE}\n"


def test_check_config_lists_the_problems(tmp_path: Path) -> None:
    folder = write_config(
        tmp_path / "elsewhere",
        "community:\n  name: 阳光花园\n  time_zone: Asia/Shangai\nhttp:\n  port: -1\n",
    )
    result = linli("check-config", "--config", str(folder), cwd=tmp_path)
    assert result.returncode == 1
    path = folder.resolve() / CONFIG_FILE
    assert f"{path}, line 3, column 3: community.time_zone: unknown time zone" in result.stderr
    assert f"{path}, line 5, column 3: http.port: expected a port number" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_config_on_a_missing_file_is_an_error(tmp_path: Path) -> None:
    result = linli("check-config", "--config", "nowhere", cwd=tmp_path)
    assert result.returncode == 1
    assert f"No configuration file {tmp_path.resolve() / 'nowhere' / CONFIG_FILE}" in result.stderr
    assert not (tmp_path / "nowhere").exists()


def wait_for(log: Path, text: str, process: subprocess.Popen[bytes]) -> str:
    """The log once ``text`` is in it; fails if the process ends or time runs out first."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        output = log.read_text(encoding="utf-8")
        if text in output:
            return output
        if process.poll() is not None:
            pytest.fail(f"linli exited with {process.returncode} before {text!r}:\n{output}")
        time.sleep(0.05)
    process.kill()
    pytest.fail(f"no {text!r} after {TIMEOUT} s:\n{log.read_text(encoding='utf-8')}")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_run_creates_the_config_starts_and_stops_cleanly(
    tmp_path: Path, signum: signal.Signals
) -> None:
    log = tmp_path / "linli.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "linli", "run", "--config", "community"),
                *("--port", str(free_port()), "--no-discovery"),
            ],
            cwd=tmp_path,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        started = wait_for(log, "Started 我的小区", process)
        process.send_signal(signum)
        assert process.wait(timeout=TIMEOUT) == 0
    finally:
        if process.poll() is None:
            process.kill()
    output = log.read_text(encoding="utf-8")
    folder = tmp_path.resolve() / "community"
    assert f"Created the default configuration {folder / CONFIG_FILE}" in started
    assert f"INFO [linli.hub] Starting 我的小区 (config {folder}, database sqlite:///" in started
    assert (folder / "linli.db").exists()
    assert f"Received {signum.name}" in output
    assert "INFO [linli.hub] Stopped 我的小区" in output
    assert "alembic" not in output  # quiet unless logging.level is debug
    assert "Traceback" not in output


def test_run_announces_the_hub_on_the_configured_interface(tmp_path: Path) -> None:
    folder = tmp_path / "community"
    folder.mkdir()
    (folder / CONFIG_FILE).write_text(
        "community:\n  name: 阳光花园\ndiscovery:\n  interfaces: [127.0.0.1]\n", encoding="utf-8"
    )
    log = tmp_path / "linli.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "linli",
                "run",
                "--config",
                str(folder),
                "--port",
                str(free_port()),
            ],
            cwd=tmp_path,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        announced = wait_for(log, "Announcing the hub as", process)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=TIMEOUT) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert "阳光花园._linli._tcp.local. on 127.0.0.1" in announced
    assert "Stopped zeroconf discovery" in log.read_text(encoding="utf-8")


def test_run_with_bad_config_exits_1(tmp_path: Path) -> None:
    folder = write_config(tmp_path / "config", "community:\n  name: x\nlogging:\n  level: loud\n")
    result = linli("run", "--config", str(folder), cwd=tmp_path)
    assert result.returncode == 1
    assert "logging.level: expected debug, info, warning or error, got 'loud'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (folder / "linli.db").exists()


def test_run_with_unreachable_database_exits_1(tmp_path: Path) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    folder = write_config(tmp_path / "config", f"community:\n  name: x\ndatabase:\n  url: {url}\n")
    result = linli("run", "--config", str(folder), cwd=tmp_path)
    assert result.returncode == 1
    assert f"ERROR [linli.cli] Cannot start: Cannot connect to the database {url}" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Started" not in result.stderr
