"""Run the ``linli`` command in a subprocess, and fake installed distributions."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

TIMEOUT = 120.0  # seconds; building a wheel on a busy machine takes a while


def run_linli(
    *args: str, cwd: Path, python_path: Path | None = None, timeout: float = TIMEOUT
) -> subprocess.CompletedProcess[str]:
    """``python -m linli ARGS`` in ``cwd``; ``python_path`` goes first on its PYTHONPATH."""
    env = dict(os.environ)
    if python_path is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(python_path), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "linli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def dist_info(name: str, version: str, entry_points: str) -> dict[str, str]:
    """The files pip leaves for an installed distribution (``{path: text}``), with its
    entry points: written on ``sys.path``, importlib.metadata finds it as installed."""
    folder = f"{name.replace('-', '_')}-{version}.dist-info"
    return {
        f"{folder}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{folder}/entry_points.txt": entry_points,
    }


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now, for a server a test starts in another process."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
