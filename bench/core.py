"""Benchmarks of linli's core: the event bus, the state machine and state tracking.

    python bench/core.py                       # every workload, full size
    python bench/core.py --only fire_events,state_writes --scale 0.1
    python bench/core.py --json                # one JSON object on stdout

The workloads mirror Home Assistant core's own (``hass --script benchmark NAME``) so the
two can be compared, with one deliberate difference: every time here covers firing *and*
delivery. (Home Assistant's script starts its timer after the firing loop, which for
listeners that run inline leaves almost nothing inside the timer.)

No Hub and no database are needed: the bus and the state machine are built directly,
and :func:`linli.helpers.event.track_state_change` gets a small stand-in with the
``bus``, ``data`` and ``create_task`` it uses. Nothing is switched off for speed: the
garbage collector stays on, as in production. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import orjson

from linli.clock import Clock
from linli.const import EVENT_STATE_CHANGED
from linli.events import Event, EventBus
from linli.helpers.event import track_state_change
from linli.states import State, StateMachine

MILLION = 1_000_000
TRACKED_ENTITIES = 1_000  # state_changed_event_helper / _filter_helper
WRITE_ENTITIES = 10_000  # state_writes
MEMORY_SIZES = {"bytes_per_entity_10k": 10_000, "bytes_per_entity_100k": 100_000}


class BenchHub:
    """What the workloads need of a hub: a bus, a state machine, ``data``, tasks.

    It must be created inside a running event loop, like the real Hub. Listeners that
    are coroutines become tasks here, and :meth:`block_till_done` waits for them, so a
    workload's time always includes delivery (the sync listeners used here run inline).
    """

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.clock = Clock()
        self.data: dict[str, Any] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self.bus = EventBus(self.clock, self.create_task)
        self.states = StateMachine(self.bus, self.clock)

    def create_task(self, coro: Coroutine[Any, Any, Any], name: str = "") -> asyncio.Task[Any]:
        task = self.loop.create_task(coro, name=name or None)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def block_till_done(self) -> None:
        await asyncio.sleep(0)
        while self._tasks:
            await asyncio.wait(set(self._tasks))


def _expect(actual: object, expected: object, what: str) -> None:
    """Check a workload's result (unlike ``assert``, not skipped under ``python -O``)."""
    if actual != expected:
        raise RuntimeError(f"{what}: expected {expected!r}, got {actual!r}")


# A workload gets its operation count and returns (seconds, operations).
Workload = Callable[[int], Awaitable[tuple[float, int]]]
WORKLOADS: dict[str, Workload] = {}


def workload(func: Workload) -> Workload:
    WORKLOADS[func.__name__] = func
    return func


@workload
async def fire_events(n: int) -> tuple[float, int]:
    """n events of one type, no data; one listener counts them."""
    hub = BenchHub()
    count = 0

    def listener(event: Event) -> None:
        nonlocal count
        count += 1

    hub.bus.listen("benchmark_event", listener)
    fire = hub.bus.fire

    start = time.perf_counter()
    for _ in range(n):
        fire("benchmark_event")
    await hub.block_till_done()
    elapsed = time.perf_counter() - start

    _expect(count, n, "delivered events")
    return elapsed, n


@workload
async def fire_events_with_filter(n: int) -> tuple[float, int]:
    """n events of one type, no data; the only listener's filter rejects them all."""
    hub = BenchHub()
    count = 0

    def event_filter(data: Any) -> bool:
        return False

    def listener(event: Event) -> None:
        nonlocal count
        count += 1

    hub.bus.listen("benchmark_event", listener, event_filter)
    fire = hub.bus.fire

    start = time.perf_counter()
    for _ in range(n):
        fire("benchmark_event")
    await hub.block_till_done()
    elapsed = time.perf_counter() - start

    _expect(count, 0, "delivered events")
    return elapsed, n


def _state_changed_data(entity_id: str, hub: BenchHub) -> dict[str, Any]:
    now = hub.clock.time()
    return {
        "entity_id": entity_id,
        "old_state": State(entity_id, "off", {}, now, now),
        "new_state": State(entity_id, "on", {}, now, now),
    }


async def _tracked_state_changed(n: int, entity_id: str, expect_delivered: bool) -> float:
    hub = BenchHub()
    count = 0

    def listener(event: Event) -> None:
        nonlocal count
        count += 1

    track_state_change(hub, [f"light.kitchen{idx}" for idx in range(TRACKED_ENTITIES)], listener)
    data = _state_changed_data(entity_id, hub)
    fire = hub.bus.fire

    start = time.perf_counter()
    for _ in range(n):
        fire(EVENT_STATE_CHANGED, data)
    await hub.block_till_done()
    elapsed = time.perf_counter() - start

    _expect(count, n if expect_delivered else 0, "delivered events")
    return elapsed


@workload
async def state_changed_event_helper(n: int) -> tuple[float, int]:
    """n state_changed events for one of 1,000 tracked entities; all delivered."""
    return await _tracked_state_changed(n, "light.kitchen0", expect_delivered=True), n


@workload
async def state_changed_event_filter_helper(n: int) -> tuple[float, int]:
    """n state_changed events for an entity nobody tracks (1,000 others are)."""
    return await _tracked_state_changed(n, "switch.no_listeners", expect_delivered=False), n


@workload
async def state_writes(n: int) -> tuple[float, int]:
    """n state writes, round robin over 10,000 entities, each value differing from the
    last; every entity has its own tracking listener, and every write is delivered."""
    hub = BenchHub()
    entity_ids = [f"light.bench_{idx}" for idx in range(WRITE_ENTITIES)]
    attributes = [{"friendly_name": f"Bench light {idx}"} for idx in range(WRITE_ENTITIES)]
    for entity_id, attrs in zip(entity_ids, attributes, strict=True):
        hub.states.set(entity_id, "off", attrs)

    count = 0

    def listener(event: Event) -> None:
        nonlocal count
        count += 1

    for entity_id in entity_ids:
        track_state_change(hub, entity_id, listener)
    set_state = hub.states.set
    entities = WRITE_ENTITIES

    start = time.perf_counter()
    for i in range(n):
        idx = i % entities
        set_state(entity_ids[idx], "on" if (i // entities) % 2 == 0 else "off", attributes[idx])
    await hub.block_till_done()
    elapsed = time.perf_counter() - start

    _expect(count, n, "delivered events")
    return elapsed, n


@workload
async def json_serialize_states(n: int) -> tuple[float, int]:
    """n distinct (never serialised) states into one JSON array, as the WebSocket API's
    get_states answer is built: each state's cached JSON, joined."""
    now = time.time()
    states = [
        State("light.kitchen", "on", {"friendly_name": "Kitchen Lights"}, now, now)
        for _ in range(n)
    ]

    start = time.perf_counter()
    payload = b"".join((b"[", b",".join([state.json for state in states]), b"]"))
    elapsed = time.perf_counter() - start

    decoded = orjson.loads(payload)
    _expect(len(decoded), n, "states in the JSON array")
    _expect(decoded[0]["attributes"]["friendly_name"], "Kitchen Lights", "first state's name")
    return elapsed, n


# --- memory: each size in a fresh interpreter, so earlier workloads leave no trace ---


def _rss() -> int:
    try:
        import psutil
    except ImportError:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return psutil.Process().memory_info().rss


def _no_tasks(coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
    raise RuntimeError("the memory workload has no coroutine listeners")


def _memory_child(entities: int) -> None:
    gc.collect()
    before = _rss()
    clock = Clock()
    machine = StateMachine(EventBus(clock, _no_tasks), clock)
    for i in range(entities):
        machine.set(
            f"sensor.temperature_{i}",
            f"{20 + i % 10}.5",
            {
                "friendly_name": f"Sensor {i}",
                "unit_of_measurement": "°C",
                "device_class": "temperature",
            },
        )
    gc.collect()
    after = _rss()
    _expect(len(machine), entities, "states")
    print(json.dumps({"bytes": after - before, "entities": entities}))


def memory() -> dict[str, float]:
    """Resident memory per entity (three attributes each), at 10,000 and 100,000."""
    result = {}
    for key, entities in MEMORY_SIZES.items():
        out = subprocess.run(
            [sys.executable, os.path.abspath(__file__), "--memory-child", str(entities)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        result[key] = round(json.loads(out)["bytes"] / entities, 1)
    return result


def main() -> None:
    names = [*WORKLOADS, "memory"]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--only", metavar="NAME[,NAME]", help=f"run only these workloads: {', '.join(names)}"
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiply the operation counts (1,000,000 each) by this; memory is not scaled",
    )
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.memory_child is not None:
        _memory_child(args.memory_child)
        return

    selected = names if not args.only else [name.strip() for name in args.only.split(",")]
    unknown = [name for name in selected if name not in names]
    if unknown:
        parser.error(f"unknown workload {', '.join(unknown)}; choose from {', '.join(names)}")
    if args.scale <= 0:
        parser.error("--scale must be positive")
    ops = max(1, round(MILLION * args.scale))

    results: dict[str, dict[str, float]] = {}
    if not args.json:
        print(f"linli core benchmarks, Python {sys.version.split()[0]}, {ops:,} operations each")
    for name in selected:
        if name == "memory":
            results[name] = memory()
            if not args.json:
                print(
                    f"{'memory':36} {results[name]['bytes_per_entity_10k']:10.0f} B/entity (10k)"
                    f"  {results[name]['bytes_per_entity_100k']:10.0f} B/entity (100k)"
                )
            continue
        gc.collect()
        seconds, count = asyncio.run(WORKLOADS[name](ops))
        results[name] = {"seconds": round(seconds, 4), "ops_per_s": round(count / seconds)}
        if not args.json:
            print(f"{name:36} {seconds:10.3f} s  {count / seconds:14,.0f} ops/s")
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
