"""WebSocket fan-out: hundreds of subscribed clients while states change at a fixed rate.

    python bench/websocket.py                    # 500 clients, 2,000 changes/s for 10 s
    python bench/websocket.py --quick            # the same for 3 s
    python bench/websocket.py --all --rate 100   # worst case: every client sees every change
    python bench/websocket.py --json             # one JSON object on stdout

Three processes: this one only starts and times the others. The hub (SQLite in a temporary
folder, recorder on unless ``--no-recorder``, HTTP on a free port of 127.0.0.1) writes
``--rate`` state changes per second for ``--seconds``, in slices of 10 ms, round robin over
its entities in a fixed shuffled order; each new state value is the time (epoch seconds) at
which the write was due. The client process (aiohttp, every connection in one loop)
authenticates with the admin token, sends ``subscribe_entities`` and takes latency as the
time a change arrives minus the time it was due. It also measures its own loop lag, and the
CPU of both processes is sampled, so a run whose client process is saturated says so: its
latencies then include the client's own backlog. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import sys
import tempfile
import time
from array import array
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from processes import (
    Child,
    GcPauses,
    add_common_arguments,
    busy_seconds,
    command,
    emit,
    quantile,
    raise_file_limit,
)

TICK = 0.01  # seconds between two slices of writes in the hub
GRACE = 5.0  # seconds after the last write that clients wait for changes still on the way
CONNECTING = 50  # clients connecting at once
GOAL_P99 = 0.100  # seconds, delivery latency at the 99th percentile
SATURATED = 90.0  # CPU % of one core above which a process is the bottleneck
CLIENT_LAG_MS = 20.0  # client loop lag p99 above which its latencies are its own backlog
BUSY = 15.0  # CPU % of one core used by other processes above which a run is not trusted


@dataclass(frozen=True)
class Spec:
    """Who subscribes to what, and what the hub writes; the same in every process."""

    clients: int
    operators: int  # of the clients: consoles that subscribe to every entity
    own: int  # entities of each household client
    shared: int  # community entities every household client subscribes to as well
    everything: bool  # worst case: every client subscribes to every entity
    entities: int  # how many entities the hub writes
    rate: int
    seconds: float

    @property
    def households(self) -> int:
        return 0 if self.everything else self.clients - self.operators

    @property
    def total_writes(self) -> int:
        return round(self.rate * self.seconds)

    def entity_ids(self) -> list[str]:
        """Every entity, in the order the hub writes them (shuffled, the same everywhere)."""
        if self.everything:
            ids = [f"sensor.meter_{number}" for number in range(self.entities)]
        else:
            ids = [
                f"sensor.household_{household}_meter_{number}"
                for household in range(self.households)
                for number in range(self.own)
            ]
            ids += [f"sensor.community_{number}" for number in range(self.shared)]
        random.Random(1).shuffle(ids)
        return ids

    def subscription(self, client: int) -> list[str] | None:
        """The ``entity_ids`` client number ``client`` subscribes to; None: every entity."""
        if client >= self.households:
            return None
        own = [f"sensor.household_{client}_meter_{number}" for number in range(self.own)]
        return own + [f"sensor.community_{number}" for number in range(self.shared)]

    def expected(self, client: int, writes: int, positions: dict[str, int]) -> int:
        """Changes that client ``client`` should receive when the hub made ``writes``."""
        rounds, rest = divmod(writes, len(positions))
        wanted = self.subscription(client)
        if wanted is None:
            return writes
        return sum(rounds + (positions[entity_id] < rest) for entity_id in wanted)


# --- the hub process -------------------------------------------------------------------------


async def hub_process(
    spec: Spec, port: int, recorder: bool, profile: bool, gc_tuning: bool
) -> None:
    from linli.cli import tune_garbage_collector
    from linli.config import HubConfig
    from linli.hub import Hub
    from linli.plugins import create_plugin_manager

    with tempfile.TemporaryDirectory() as folder:
        config = HubConfig(
            config_dir=Path(folder),
            database_url=f"sqlite:///{Path(folder) / 'bench.db'}",
            name="bench",
            http_host="127.0.0.1",
            http_port=port,
            discovery=False,
        )
        hub = Hub(config, plugins=create_plugin_manager(entry_points=False))
        await hub.start()
        try:
            if not recorder:
                await hub.recorder.stop()
            await hub.http.start()
            ids = spec.entity_ids()
            attributes = [
                {"unit_of_measurement": "W", "device_class": "power", "friendly_name": entity_id}
                for entity_id in ids
            ]
            for entity_id, attrs in zip(ids, attributes, strict=True):
                hub.states.set(entity_id, "0", attrs)
            if recorder:
                await hub.recorder.flush()
            if gc_tuning:  # as `linli run` does once the hub has started
                tune_garbage_collector()
            token = hub.http.tokens.admin_token_path.read_text().strip()
            emit({"ready": True, "token": token})
            start = (await command())["start"]
            profiler = None
            if profile:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            pauses = GcPauses()
            gc.callbacks.append(pauses)
            result = await _paced_writes(hub, ids, attributes, spec, start)
            gc.callbacks.remove(pauses)
            result.update(pauses.summary())
            if profiler is not None:
                profiler.disable()
                import pstats

                pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(30)
            if recorder:
                result["recorder_backlog_at_end"] = hub.recorder.backlog
            emit(result)
            await command()  # stop
        finally:
            await hub.stop()


async def _paced_writes(
    hub: Any, ids: list[str], attributes: list[dict[str, Any]], spec: Spec, start: float
) -> dict[str, Any]:
    """Write every change when due, checked every TICK; a late hub catches up in one slice."""
    set_state = hub.states.set
    rate, total, entities = spec.rate, spec.total_writes, len(ids)
    lags = array("d")  # how late the oldest write of each slice was made
    done = 0
    await asyncio.sleep(max(0.0, start - time.time()))
    while done < total:
        now = time.time()
        due = min(total, int((now - start) * rate) + 1)
        if due > done:
            lags.append(now - (start + done / rate))
            for number in range(done, due):
                index = number % entities
                set_state(ids[index], f"{start + number / rate:.6f}", attributes[index])
            done = due
        ticks = int((time.time() - start) / TICK) + 1
        await asyncio.sleep(max(0.0, start + ticks * TICK - time.time()))
    last_write = time.time()
    ordered = sorted(lags)
    return {
        "writes": done,
        "last_write": last_write,
        "write_lag_p99_ms": round(quantile(ordered, 0.99) * 1000, 1),
        "write_lag_max_ms": round(ordered[-1] * 1000, 1),
    }


# --- the client process ----------------------------------------------------------------------


class Clients:
    """Client numbers ``first`` to ``last - 1``, each with its own WebSocket connection."""

    def __init__(self, spec: Spec, port: int, first: int, last: int, compress: bool) -> None:
        self.spec = spec
        self.url = f"http://127.0.0.1:{port}/api/websocket"
        self.numbers = range(first, last)
        self.compress = 15 if compress else 0
        self.latencies = array("d")  # arrival - due time, seconds
        self.from_write = array("d")  # arrival - the state's last_updated (the actual write)
        self.received = dict.fromkeys(self.numbers, 0)
        self.dropped: dict[int, str] = {}  # client -> why its connection ended early
        self.failed: dict[int, str] = {}  # client -> why it could not connect
        self.lags = array("d")
        self.stopping = False
        self.all_ready = asyncio.Event()
        self._ready = 0
        self._sockets: list[Any] = []

    def connect(self, session: Any, token: str) -> list[asyncio.Task[None]]:
        """A task per client; :attr:`all_ready` is set once each is subscribed (or failed)."""
        gate = asyncio.Semaphore(CONNECTING)
        return [
            asyncio.create_task(self._client(session, token, number, gate))
            for number in self.numbers
        ]

    def _count_ready(self) -> None:
        self._ready += 1
        if self._ready == len(self.numbers):
            self.all_ready.set()

    async def _client(self, session: Any, token: str, number: int, gate: asyncio.Semaphore) -> None:
        import aiohttp
        import orjson

        wanted = self.spec.subscription(number)
        backlog: list[dict[str, Any]] = []
        try:
            async with gate:
                ws = await session.ws_connect(self.url, max_msg_size=0, compress=self.compress)
                self._sockets.append(ws)
                await ws.receive_str()  # auth_required
                await ws.send_str(json.dumps({"type": "auth", "access_token": token}))
                answer = await _next(ws, backlog)
                if answer.get("type") != "auth_ok":
                    raise RuntimeError(f"authentication failed: {answer}")
                command: dict[str, Any] = {"id": 1, "type": "subscribe_entities"}
                if wanted is not None:
                    command["entity_ids"] = wanted
                await ws.send_str(json.dumps(command))
                answer = await _next(ws, backlog)
                if not answer.get("success"):
                    raise RuntimeError(f"subscribe_entities failed: {answer}")
                initial = (await _next(ws, backlog))["event"]["a"]
                count = len(wanted) if wanted is not None else self.spec.entities
                if len(initial) != count:
                    raise RuntimeError(f"{len(initial)} initial states, expected {count}")
        except Exception as error:
            self.failed[number] = f"{type(error).__name__}: {error}"
            self._count_ready()
            return
        self._count_ready()
        loads, now, latencies, from_write = orjson.loads, time.time, self.latencies, self.from_write
        received = self.received
        while True:
            message = await ws.receive()
            if message.type is aiohttp.WSMsgType.TEXT:
                arrived = now()
                data = loads(message.data)
                # one message, or several in a JSON array (as Home Assistant coalesces them)
                for item in data if type(data) is list else (data,):
                    event = item.get("event")
                    if event is None:
                        continue
                    for change in (event.get("c") or {}).values():
                        added = change["+"]
                        latencies.append(arrived - float(added["s"]))
                        from_write.append(arrived - added["lu"])
                        received[number] += 1
                    for state in (event.get("a") or {}).values():  # shown again: in full
                        latencies.append(arrived - float(state["s"]))
                        from_write.append(arrived - state.get("lu", state["lc"]))
                        received[number] += 1
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                if not self.stopping:
                    self.dropped[number] = f"closed by the hub: {ws.close_code} {message.extra}"
                return
            elif message.type is aiohttp.WSMsgType.ERROR:
                self.dropped[number] = f"error: {message.data}"
                return

    async def watch_loop(self) -> None:
        """Record how late a 10 ms sleep wakes up: the client loop's own backlog."""
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(TICK)
            self.lags.append(loop.time() - before - TICK)

    async def close(self) -> None:
        self.stopping = True
        await asyncio.wait_for(
            asyncio.gather(*(ws.close() for ws in self._sockets), return_exceptions=True), 30
        )


async def client_process(
    spec: Spec, port: int, first: int, last: int, compress: bool, result_file: str
) -> None:
    import aiohttp

    raise_file_limit()
    token = (await command())["token"]
    clients = Clients(spec, port, first, last, compress)
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        tasks = clients.connect(session, token)
        await asyncio.wait_for(clients.all_ready.wait(), 120)
        emit(
            {
                "setup_seconds": round(time.perf_counter() - started, 2),
                "failed": len(clients.failed),
                "first_failure": next(iter(clients.failed.values()), None),
            }
        )
        await command()  # start: from here on only changes of the run arrive
        watcher = asyncio.create_task(clients.watch_loop())
        finished = await command()  # the hub's writes and the time of its last one
        positions = {entity_id: index for index, entity_id in enumerate(spec.entity_ids())}
        expected = {
            number: spec.expected(number, finished["writes"], positions)
            for number in clients.numbers
            if number not in clients.failed
        }
        deadline = finished["last_write"] + GRACE
        while time.time() < deadline and any(
            clients.received[number] < count
            for number, count in expected.items()
            if number not in clients.dropped
        ):
            await asyncio.sleep(0.05)
        watcher.cancel()
        counted = {number: clients.received[number] for number in expected}
        await clients.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    lost_live = sum(
        max(0, expected[number] - counted[number])
        for number in expected
        if number not in clients.dropped
    )
    lost_dropped = sum(max(0, expected[number] - counted[number]) for number in clients.dropped)
    with open(result_file, "wb") as file:
        clients.latencies.tofile(file)
    with open(result_file + ".write", "wb") as file:
        clients.from_write.tofile(file)
    lags = sorted(clients.lags)
    emit(
        {
            "expected": sum(expected.values()),
            "received": sum(counted.values()),
            "missing_live": lost_live,
            "missing_dropped": lost_dropped,
            "dropped": clients.dropped,
            "failed": clients.failed,
            "loop_lag_p99_ms": round(quantile(lags, 0.99) * 1000, 1),
            "loop_lag_max_ms": round((lags[-1] if lags else float("nan")) * 1000, 1),
        }
    )


async def _next(ws: Any, backlog: list[dict[str, Any]]) -> dict[str, Any]:
    """The next message, whether it came alone or in a JSON array of several."""
    import orjson

    while not backlog:
        data = orjson.loads(await ws.receive_str())
        backlog.extend(data if type(data) is list else (data,))
    return backlog.pop(0)


# --- the main process ------------------------------------------------------------------------


def run(spec: Spec, options: argparse.Namespace) -> dict[str, Any]:
    from linli.testing.processes import free_port

    port = free_port()
    spec_json = json.dumps(asdict(spec))
    hub_args = ["--role", "hub", "--spec", spec_json, "--port", str(port)]
    hub = Child(
        __file__,
        *hub_args,
        *(["--no-recorder"] if options.no_recorder else []),
        *(["--profile"] if options.profile else []),
        *([] if options.gc_tuning else ["--no-gc-tuning"]),
    )
    children = [hub]
    folder = tempfile.TemporaryDirectory()
    try:
        token = hub.receive()["token"]
        bounds = [
            spec.clients * part // options.client_processes
            for part in range(options.client_processes + 1)
        ]
        groups = []
        for part in range(options.client_processes):
            result_file = str(Path(folder.name) / f"latencies_{part}")
            args = ["--role", "clients", "--spec", spec_json, "--port", str(port)]
            args += ["--first", str(bounds[part]), "--last", str(bounds[part + 1])]
            args += ["--result-file", result_file]
            if options.no_compress:
                args.append("--no-compress")
            group = Child(__file__, *args)
            children.append(group)
            group.send({"token": token})
            groups.append((group, result_file))
        ready = [group.receive() for group, _ in groups]
        setup = max(report["setup_seconds"] for report in ready)
        failures = [report["first_failure"] for report in ready if report["failed"]]
        if failures:
            failed = sum(report["failed"] for report in ready)
            raise SystemExit(f"{failed} client(s) could not subscribe, e.g. {failures[0]}")
        start = time.time() + 1.0
        hub.send({"start": start})
        for group, _ in groups:
            group.send({"start": start})
        time.sleep(max(0.0, start - time.time()))
        cpu_before = [child.cpu_seconds() for child in children], busy_seconds()
        written = hub.receive()
        cpu_after = [child.cpu_seconds() for child in children], busy_seconds()
        written["hub_rss_mb"] = round(hub.rss_mb())
        for group, _ in groups:
            group.send(written)
        reports = [group.receive() for group, _ in groups]
        latencies, from_write = array("d"), array("d")
        for _, result_file in groups:
            for target, path in ((latencies, result_file), (from_write, result_file + ".write")):
                with open(path, "rb") as file:
                    target.frombytes(file.read())
        hub.send({"stop": True})
        hub.process.wait(timeout=60)
    finally:
        for child in children:
            child.stop()
        folder.cleanup()
    window = written["last_write"] - start
    usage = [
        {key: (after[key] - before[key]) / window * 100 for key in after}
        for before, after in zip(cpu_before[0], cpu_after[0], strict=True)
    ]
    machine = {key: (cpu_after[1][key] - cpu_before[1][key]) / window * 100 for key in cpu_after[1]}
    ours = sum(part["process"] for part in usage)
    others = {
        "other_processes": max(0.0, machine["processes"] - ours),
        "interrupts": machine["interrupts"],
        "stolen": machine["stolen"],
    }
    return _summary(
        spec, options, setup, written, reports, latencies, from_write, usage, others, window
    )


def _summary(
    spec: Spec,
    options: argparse.Namespace,
    setup: float,
    written: dict[str, Any],
    reports: list[dict[str, Any]],
    latencies: array,
    from_write: array,
    usage: list[dict[str, float]],
    others: dict[str, float],
    window: float,
) -> dict[str, Any]:
    ordered = sorted(latencies)
    ordered_write = sorted(from_write)
    failed = sum(len(report["failed"]) for report in reports)
    dropped = sum(len(report["dropped"]) for report in reports)
    expected = sum(report["expected"] for report in reports)
    received = sum(report["received"] for report in reports)
    missing = sum(report["missing_live"] + report["missing_dropped"] for report in reports)
    hub_cpu, client_cpu = usage[0], [part["process"] for part in usage[1:]]
    client_lag = max(report["loop_lag_p99_ms"] for report in reports)
    client_bound = max(client_cpu) >= SATURATED or client_lag >= CLIENT_LAG_MS
    hub_bound = hub_cpu["process"] >= SATURATED or hub_cpu["main"] >= SATURATED
    cores = os.cpu_count() or 1
    machine_bound = hub_cpu["process"] + sum(client_cpu) + sum(others.values()) >= 95 * cores
    achieved = written["writes"] / window
    p99 = quantile(ordered, 0.99)
    # A hub that writes late shows it in the latency: each is taken from when it was due.
    passed = p99 < GOAL_P99 and failed == 0 and dropped == 0 and missing == 0
    bottleneck = [
        name
        for name, bound in (
            ("hub", hub_bound),
            ("client process", client_bound),
            ("machine", machine_bound),
        )
        if bound
    ]

    def ms(values: list[float], fraction: float) -> float:
        return round(quantile(values, fraction) * 1000, 1)

    return {
        "python": sys.version.split()[0],
        "workload": "everything" if spec.everything else "households",
        "spec": asdict(spec),
        "recorder": not options.no_recorder,
        "compression": not options.no_compress,
        "gc_tuning": options.gc_tuning,
        "client_processes": options.client_processes,
        "clients_connected": spec.clients - failed,
        "clients_failed": failed,
        "setup_seconds": setup,
        "changes_offered_per_s": spec.rate,
        "changes_achieved_per_s": round(achieved),
        "writes": written["writes"],
        "write_lag_p99_ms": written["write_lag_p99_ms"],
        "write_lag_max_ms": written["write_lag_max_ms"],
        "recorder_backlog_at_end": written.get("recorder_backlog_at_end"),
        "hub_gc": {key: value for key, value in written.items() if key.startswith("gc_")},
        "hub_rss_mb": written["hub_rss_mb"],
        "messages_expected": expected,
        "messages_expected_per_s": round(expected / window),
        "messages_delivered": received,
        "messages_missing": missing,
        "clients_dropped": dropped,
        "drop_reasons": sorted({r for report in reports for r in report["dropped"].values()}),
        "latency_ms": {
            "p50": ms(ordered, 0.50),
            "p95": ms(ordered, 0.95),
            "p99": ms(ordered, 0.99),
            "max": round(ordered[-1] * 1000, 1) if ordered else None,
        },
        "latency_from_actual_write_ms": {
            "p50": ms(ordered_write, 0.50),
            "p99": ms(ordered_write, 0.99),
            "max": round(ordered_write[-1] * 1000, 1) if ordered_write else None,
        },
        "hub_cpu_percent": round(hub_cpu["process"]),
        "hub_loop_thread_cpu_percent": round(hub_cpu["main"]),
        "client_cpu_percent": [round(value) for value in client_cpu],
        "client_loop_lag_p99_ms": client_lag,
        "client_loop_lag_max_ms": max(report["loop_lag_max_ms"] for report in reports),
        "other_processes_cpu_percent": round(others["other_processes"]),
        "interrupts_cpu_percent": round(others["interrupts"]),
        "stolen_cpu_percent": round(others["stolen"]),
        "cores": cores,
        "bottleneck": bottleneck,
        "client_bound": client_bound,
        "goal": f"p99 < {GOAL_P99 * 1000:.0f} ms, none lost or dropped",
        "passed": passed,
    }


def _print(result: dict[str, Any]) -> None:
    spec = result["spec"]
    print(
        f"linli WebSocket fan-out, Python {result['python']}; hub: recorder "
        f"{'on (SQLite)' if result['recorder'] else 'off'}, permessage-deflate "
        f"{'on' if result['compression'] else 'off'}"
        + (", garbage collector tuned as by linli run" if result["gc_tuning"] else "")
    )
    if spec["everything"]:
        print(
            f"workload: every client subscribes to all {spec['entities']:,} entities "
            "(subscribe_entities without entity_ids)"
        )
    else:
        households = spec["clients"] - spec["operators"]
        print(
            f"workload: {households} household clients, each subscribed to its own "
            f"{spec['own']} + {spec['shared']} shared entities; {spec['operators']} operator "
            f"consoles subscribed to all {households * spec['own'] + spec['shared']:,}"
        )
    print(
        f"clients: {result['clients_connected']} connected ({result['clients_failed']} failed) "
        f"in {result['client_processes']} client process(es), set up in "
        f"{result['setup_seconds']} s"
    )
    print(
        f"changes/s: offered {result['changes_offered_per_s']:,}, achieved "
        f"{result['changes_achieved_per_s']:,} ({result['writes']:,} writes); written after "
        f"due by p99 {result['write_lag_p99_ms']} ms, max {result['write_lag_max_ms']} ms (up to "
        f"{TICK * 1000:.0f} ms is the slicing)"
    )
    print(
        f"messages: expected {result['messages_expected']:,} "
        f"({result['messages_expected_per_s']:,}/s), delivered "
        f"{result['messages_delivered']:,}, missing {result['messages_missing']:,}; "
        f"clients dropped {result['clients_dropped']}"
        + (f" ({'; '.join(result['drop_reasons'])})" if result["drop_reasons"] else "")
    )
    latency, actual = result["latency_ms"], result["latency_from_actual_write_ms"]
    print(
        f"latency from when the write was due: p50 {latency['p50']} ms, p95 {latency['p95']} "
        f"ms, p99 {latency['p99']} ms, max {latency['max']} ms"
    )
    print(
        f"latency from the actual write (last_updated): p50 {actual['p50']} ms, p99 "
        f"{actual['p99']} ms, max {actual['max']} ms"
    )
    print(
        f"CPU (% of one core, while writing): hub {result['hub_cpu_percent']}% (loop thread "
        f"{result['hub_loop_thread_cpu_percent']}%), clients "
        f"{', '.join(f'{value}%' for value in result['client_cpu_percent'])}; client loop lag "
        f"p99 {result['client_loop_lag_p99_ms']} ms, max {result['client_loop_lag_max_ms']} ms"
    )
    gc_stats = result["hub_gc"]
    print(
        f"hub memory {result['hub_rss_mb']} MB; garbage collector {gc_stats['gc_total_ms']} ms "
        f"in all, longest pause {gc_stats['gc_max_pause_ms']} ms; "
        f"{gc_stats['gc_full_collections']} full collection(s), longest "
        f"{gc_stats['gc_full_max_ms']} ms"
    )
    print(
        f"machine: other processes {result['other_processes_cpu_percent']}%, interrupts "
        f"{result['interrupts_cpu_percent']}%, stolen by the hypervisor "
        f"{result['stolen_cpu_percent']}% (of {result['cores'] * 100}%)"
    )
    if result["other_processes_cpu_percent"] + result["stolen_cpu_percent"] >= BUSY:
        print("WARNING: the machine was not idle: these numbers are not comparable")
    reasons = {
        "hub": f"the hub's process or loop thread at or above {SATURATED:.0f}% of a core",
        "client process": "the CLIENT process is saturated (CPU at or above "
        f"{SATURATED:.0f}% or loop lag p99 at or above {CLIENT_LAG_MS:.0f} ms): latencies "
        "include its own backlog, an upper bound for the hub (try --client-processes 2)",
        "machine": f"all {result['cores']} cores are busy",
    }
    for name in result["bottleneck"]:
        print(f"bottleneck: {name}: {reasons[name]}")
    if not result["bottleneck"]:
        print(f"bottleneck: none (no process at or above {SATURATED:.0f}% of a core)")
    print(f"goal ({result['goal']}): {'PASS' if result['passed'] else 'FAIL'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=500, help="WebSocket connections")
    parser.add_argument("--rate", type=int, default=2000, help="state changes per second")
    parser.add_argument("--seconds", type=float, help="length of the run (default 10)")
    parser.add_argument("--quick", action="store_true", help="a 3 s run (unless --seconds)")
    parser.add_argument(
        "--entities-per-client", type=int, default=20, help="own entities of a household client"
    )
    parser.add_argument(
        "--shared", type=int, default=10, help="community entities every household client sees"
    )
    parser.add_argument(
        "--operators", type=int, default=2, help="of the clients: consoles subscribed to all"
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="worst case: every client subscribes to every entity (see --entities)",
    )
    parser.add_argument(
        "--entities", type=int, default=1000, help="with --all: entities the hub writes"
    )
    parser.add_argument("--client-processes", type=int, default=1, help="processes of clients")
    parser.add_argument("--no-recorder", action="store_true", help="stop the hub's recorder")
    parser.add_argument(
        "--no-compress", action="store_true", help="clients do not offer permessage-deflate"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the hub while writing (to stderr)"
    )
    add_common_arguments(parser, ["hub", "clients"])
    parser.add_argument("--result-file", help=argparse.SUPPRESS)
    options = parser.parse_args()

    if options.role is not None:
        spec = Spec(**json.loads(options.spec))
        if options.role == "hub":
            raise_file_limit()
            asyncio.run(
                hub_process(
                    spec, options.port, not options.no_recorder, options.profile, options.gc_tuning
                )
            )
        else:
            asyncio.run(
                client_process(
                    spec,
                    options.port,
                    options.first,
                    options.last,
                    not options.no_compress,
                    options.result_file,
                )
            )
        return

    seconds = options.seconds or (3.0 if options.quick else 10.0)
    if not 1 <= options.clients <= 2000:
        parser.error("--clients must be between 1 and 2,000")
    if not 1 <= options.rate <= 100_000 or not 0 < seconds <= 120:
        parser.error("--rate must be 1 to 100,000 and --seconds above 0 and at most 120")
    if not 1 <= options.client_processes <= min(8, options.clients):
        parser.error("--client-processes must be 1 to 8, and at most --clients")
    if not options.all and not 0 <= options.operators < options.clients:
        parser.error("--operators must leave at least one household client")
    if not 0 <= options.entities_per_client <= 1000 or not 0 <= options.shared <= 10_000:
        parser.error("--entities-per-client must be 0 to 1,000 and --shared 0 to 10,000")
    spec = Spec(
        clients=options.clients,
        operators=0 if options.all else options.operators,
        own=options.entities_per_client,
        shared=options.shared,
        everything=options.all,
        entities=options.entities
        if options.all
        else (options.clients - options.operators) * options.entities_per_client + options.shared,
        rate=options.rate,
        seconds=seconds,
    )
    if spec.entities < 1 or spec.entities > 200_000:
        parser.error("the hub needs 1 to 200,000 entities")
    result = run(spec, options)
    if options.json:
        print(json.dumps(result))
    else:
        _print(result)


if __name__ == "__main__":
    main()
