"""Recorder throughput into SQLite and PostgreSQL, and the cost of its bus listener.

    python bench/recorder.py                    # both databases, 20,000 writes/s for 10 s
    python bench/recorder.py --rate 40000 --seconds 5 --only sqlite
    python bench/recorder.py --json

Each run starts a real Hub (recorder on, default 1 s commit interval) on a fresh database
and writes states round robin over 1,000 entities at ``--rate`` per second for
``--seconds``, in slices of 10 ms, then waits for the final commit. It samples the
backlog (events queued, not yet committed) every 100 ms: with the writer keeping up it
stays below one commit interval's worth of writes. A second phase writes ``--burst``
states as fast as the loop can and times them until committed. PostgreSQL comes from
``LINLI_TEST_POSTGRESQL`` (as in the tests) and is skipped when unreachable. See
bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from linli.clock import Clock
from linli.config import HubConfig
from linli.const import EVENT_STATE_CHANGED
from linli.context import Context
from linli.events import Event
from linli.hub import Hub
from linli.plugins import create_plugin_manager

ENTITIES = 1_000
SLICE = 0.01  # seconds of writes per loop iteration in the paced phase
SAMPLE = 0.1  # seconds between backlog samples


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{Path(folder) / 'bench.db'}"


@contextmanager
def postgresql_url() -> Iterator[str | None]:
    from linli.testing.postgresql import temporary_database

    try:
        with temporary_database() as url:
            yield url
    except BaseException as error:  # pytest.skip raises an exception outside BaseException
        if type(error).__name__ != "Skipped":
            raise
        print(f"PostgreSQL skipped: {error}", file=sys.stderr)
        yield None


class Writes:
    """Round-robin state writes; the attributes are shared by all writes of an entity."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.ids = [f"sensor.meter_{number}" for number in range(ENTITIES)]
        self.attributes = [
            {"unit_of_measurement": "kWh", "state_class": "total_increasing", "number": number}
            for number in range(ENTITIES)
        ]
        self.count = 0

    def write(self, number: int) -> None:
        states, ids, attributes = self.hub.states, self.ids, self.attributes
        for _ in range(number):
            index = self.count % ENTITIES
            states.set(ids[index], str(self.count), attributes[index])
            self.count += 1


async def run_backend(url: str, rate: int, seconds: float, burst: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        config = HubConfig(config_dir=Path(folder), database_url=url, name="bench")
        hub = Hub(config, plugins=create_plugin_manager(entry_points=False))
        await hub.start()
        try:
            return await _measure(hub, rate, seconds, burst)
        finally:
            await hub.stop()


async def _measure(hub: Hub, rate: int, seconds: float, burst: int) -> dict[str, Any]:
    writes = Writes(hub)
    writer = hub.recorder.writer
    await hub.recorder.flush()
    loop = asyncio.get_running_loop()
    samples: list[int] = []
    committed_before, commits_before = writer.committed, writer.commits
    started = loop.time()
    next_sample = started
    per_slice = int(rate * SLICE)
    slices = int(seconds / SLICE)
    for number in range(slices):
        writes.write(per_slice)
        now = loop.time()
        if now >= next_sample:
            samples.append(hub.recorder.backlog)
            next_sample += SAMPLE
        await asyncio.sleep(max(0.0, started + (number + 1) * SLICE - now))
    written_for = loop.time() - started
    await hub.recorder.flush()
    paced_total = loop.time() - started
    committed = writer.committed - committed_before
    third = max(1, len(samples) // 3)
    paced = {
        "states": writes.count,
        "write_rate_per_s": round(writes.count / written_for),
        "committed_rate_per_s": round(committed / paced_total),
        "commits_per_s": round((writer.commits - commits_before) / paced_total, 2),
        "backlog_max": max(samples),
        "backlog_median": int(statistics.median(samples)),
        "backlog_first_third_mean": int(statistics.fmean(samples[:third])),
        "backlog_last_third_mean": int(statistics.fmean(samples[-third:])),
        "dropped": writer.dropped,
    }
    before = writes.count
    started = loop.time()
    writes.write(burst)
    written_for = loop.time() - started
    await hub.recorder.flush()
    total = loop.time() - started
    paced["burst"] = {
        "states": writes.count - before,
        "loop_seconds": round(written_for, 3),
        "until_committed_seconds": round(total, 3),
        "states_per_s": round((writes.count - before) / total),
    }
    return paced


def listener_cost(count: int = 1_000_000) -> dict[str, float]:
    """Nanoseconds per event of the recorder's bus listener (the append to its queue)."""
    from linli.config import RecorderConfig
    from linli.recorder.recorder import Recorder

    class Stub:  # what the listener touches of a hub
        pass

    recorder = Recorder(Stub(), RecorderConfig(max_backlog=count + 1))  # type: ignore[arg-type]
    event = Event(EVENT_STATE_CHANGED, {}, Context(), Clock().time())
    listener = recorder._on_event
    started = time.perf_counter()
    for _ in range(count):
        listener(event)
    elapsed = time.perf_counter() - started
    empty = time.perf_counter()
    for _ in range(count):
        pass
    loop_only = time.perf_counter() - empty
    return {"ns_per_event": round((elapsed - loop_only) / count * 1e9, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=int, default=20_000, help="state writes per second")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the paced run")
    parser.add_argument("--burst", type=int, default=200_000, help="states in the burst")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    options = parser.parse_args()
    results: dict[str, Any] = {"listener": listener_cost()}
    backends = {"sqlite": sqlite_url, "postgresql": postgresql_url}
    for name, make_url in backends.items():
        if options.only not in (None, name):
            continue
        with make_url() as url:
            if url is not None:
                results[name] = asyncio.run(
                    run_backend(url, options.rate, options.seconds, options.burst)
                )
    if options.json:
        print(json.dumps(results))
        return
    print(f"listener: {results['listener']['ns_per_event']} ns per event")
    for name in backends:
        if name in results:
            print(f"{name}:")
            for key, value in results[name].items():
                print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
