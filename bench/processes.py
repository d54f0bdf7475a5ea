"""What the multi-process benchmarks share: child processes spoken to in JSON lines, CPU
and garbage-collector readings, quantiles.

A benchmark script starts copies of itself with :class:`Child` (``--role …``); a child
answers with :func:`emit` and waits for its next instruction with :func:`command`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import time
from array import array
from typing import Any


def raise_file_limit() -> None:
    """Room for a socket per client (the soft limit is often 1,024)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 65_536 if hard == resource.RLIM_INFINITY else hard
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def emit(message: dict[str, Any]) -> None:
    """Tell the main process ``message`` (a child's stdout is its channel)."""
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


async def command() -> dict[str, Any]:
    """The main process's next instruction to this child."""
    line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    if not line:
        raise SystemExit("the benchmark's main process went away")
    return json.loads(line)


def quantile(ordered: list[float] | array, fraction: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class GcPauses:
    """The garbage collector's pauses in this process, by generation (a ``gc.callbacks``
    entry)."""

    def __init__(self) -> None:
        self.started = 0.0
        self.pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.started = time.perf_counter()
        else:
            self.pauses[info["generation"]].append(time.perf_counter() - self.started)

    def summary(self) -> dict[str, Any]:
        every = [pause for pauses in self.pauses.values() for pause in pauses]
        return {
            "gc_total_ms": round(sum(every) * 1000, 1),
            "gc_max_pause_ms": round(max(every, default=0.0) * 1000, 1),
            "gc_full_collections": len(self.pauses[2]),
            "gc_full_max_ms": round(max(self.pauses[2], default=0.0) * 1000, 1),
        }


class Child:
    """A child process running ``script`` (a benchmark, with its role among ``args``),
    spoken to in JSON lines over its stdin and stdout."""

    def __init__(self, script: str, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, os.path.abspath(script), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()

    def receive(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            code = self.process.wait()
            raise RuntimeError(f"benchmark process {self.process.args[2:4]} ended ({code})")
        return json.loads(line)

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds of the whole process and of its main thread."""
        import psutil

        process = psutil.Process(self.process.pid)
        times = process.cpu_times()
        main = sum(
            thread.user_time + thread.system_time
            for thread in process.threads()
            if thread.id == self.process.pid
        )
        return {"process": times.user + times.system, "main": main}

    def rss_mb(self) -> float:
        import psutil

        return psutil.Process(self.process.pid).memory_info().rss / 2**20

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def busy_seconds() -> dict[str, float]:
    """CPU seconds of the whole machine (all cores): busy in processes (user and system),
    in interrupts (loopback networking runs partly there), and stolen by the hypervisor."""
    import psutil

    times = psutil.cpu_times()
    return {
        "processes": times.user + times.nice + times.system,
        "interrupts": getattr(times, "irq", 0.0) + getattr(times, "softirq", 0.0),
        "stolen": getattr(times, "steal", 0.0),
    }


def add_common_arguments(parser: argparse.ArgumentParser, roles: list[str]) -> None:
    """The options every multi-process benchmark takes, and the hidden ones its children
    get (``--role`` among ``roles``, the spec as JSON, a port, a range of numbers)."""
    parser.add_argument(
        "--no-gc-tuning",
        dest="gc_tuning",
        action="store_false",
        help="leave out the garbage collector tuning `linli run` does once the hub has started",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--role", choices=roles, help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--first", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--last", type=int, help=argparse.SUPPRESS)
