"""MQTT ingest and smoke-alarm latency: thousands of devices reporting through a real broker.

    python bench/mqtt.py                 # 5,000 devices (500 smoke detectors), 20 s
    python bench/mqtt.py --quick         # 1,000 devices for 5 s
    python bench/mqtt.py --broker 127.0.0.1:1883   # a broker already running
    python bench/mqtt.py --json          # one JSON object on stdout

Without ``--broker`` the run starts its own Mosquitto (``mosquitto`` on the PATH or in
/usr/sbin) on a free port of 127.0.0.1. The devices are zigbee2mqtt devices: each
publishes its state as JSON to ``zigbee2mqtt/<name>`` once a second, spread evenly over the
second. Most are temperature sensors that join through Home Assistant discovery (one
retained config each, published before the run; the hub makes one sensor entity of each,
whose state changes with every message); the rest are smoke detectors, each set up as a
``smoke_detector`` entry of its own household (one resident, told of its alarms), whose
regular messages say "no smoke".

Processes: the hub (SQLite in a temporary folder, recorder on, HTTP on a free port); one or
more device processes (paho-mqtt, one connection each, as a zigbee2mqtt bridge is one
connection for many devices); and this one, the probe. During the run the probe publishes
``--smoke-rate`` smoke detections a second, each from another detector, on a connection
of its own, and watches ``alarms/subscribe`` on a WebSocket connection: the latency of an
alarm is the time its ``raised`` event arrives minus the time its smoke message was handed
to the broker. The hub samples how many messages it has received and how many states
changed. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import shutil
import subprocess
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

TICK = 0.01  # seconds between two slices of a device process's messages
SAMPLE = 0.25  # seconds between two of the hub's counts
GRACE = 5.0  # seconds after the last message for the hub to catch up
# Seconds the devices report before the run (default): after discovery, each device's
# first message is a new topic, which the hub offers to the integrations that may want it
# (4,500 offers, a second's work); the run measures the hub as it is once they are done.
WARMUP = 5.0
DISCOVERY_TIMEOUT = 300.0
GOAL_P99 = 0.100  # seconds, smoke message to alarm on the WebSocket, 99th percentile
SATURATED = 90.0  # CPU % of one core above which a process is the bottleneck
DISCOVERY_PREFIX = "homeassistant"
BASE = "zigbee2mqtt"


@dataclass(frozen=True)
class Spec:
    """The devices, the same in every process."""

    devices: int
    detectors: int  # of the devices: smoke detectors, one household each
    seconds: float
    warmup: float
    smoke_rate: float  # smoke detections injected per second
    host: str
    port: int

    @property
    def sensors(self) -> int:
        return self.devices - self.detectors

    def name(self, device: int) -> str:
        """Device 0 … sensors-1 are temperature sensors, the rest smoke detectors."""
        if device < self.sensors:
            return f"sensor_{device}"
        return f"smoke_{device - self.sensors}"

    def topic(self, device: int) -> str:
        return f"{BASE}/{self.name(device)}"


def discovery_config(spec: Spec, device: int) -> tuple[str, bytes]:
    """The retained discovery message of temperature sensor ``device``, as zigbee2mqtt
    sends it (without availability: every device stays online)."""
    ieee = f"0x{device:016x}"
    config = {
        "device": {
            "identifiers": [f"zigbee2mqtt_{ieee}"],
            "manufacturer": "Aqara",
            "model": "Temperature and humidity sensor (WSDCGQ11LM)",
            "name": spec.name(device),
        },
        "device_class": "temperature",
        "name": "Temperature",
        "object_id": f"{spec.name(device)}_temperature",
        "state_class": "measurement",
        "state_topic": spec.topic(device),
        "unique_id": f"{ieee}_temperature_zigbee2mqtt",
        "unit_of_measurement": "°C",
        "value_template": "{{ value_json.temperature }}",
    }
    return f"{DISCOVERY_PREFIX}/sensor/{ieee}/temperature/config", json.dumps(config).encode()


def state_message(spec: Spec, device: int, round_: int) -> bytes:
    """What device ``device`` reports the ``round_``-th time: a sensor's temperature
    changes every time, a detector says all is well."""
    if device < spec.sensors:
        temperature = 18 + (device + round_) % 100 / 10
        state = {"temperature": temperature, "humidity": 45.5, "battery": 97, "linkquality": 120}
    else:
        state = {"smoke": False, "battery": 95, "battery_low": False, "tamper": False}
    return json.dumps(state).encode()


def connect(spec: Spec, client_id: str) -> Any:
    """A connected paho-mqtt client with its network thread running."""
    import paho.mqtt.client as paho

    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id)
    client.max_queued_messages_set(0)
    client.connect(spec.host, spec.port, keepalive=60)
    client.loop_start()
    deadline = time.monotonic() + 10
    while not client.is_connected():
        if time.monotonic() > deadline:
            raise SystemExit(f"cannot connect to the broker at {spec.host}:{spec.port}")
        time.sleep(0.01)
    return client


# --- the hub process -------------------------------------------------------------------------


async def hub_process(spec: Spec, http_port: int, gc_tuning: bool) -> None:
    from linli.cli import tune_garbage_collector
    from linli.config import HubConfig
    from linli.const import EVENT_STATE_CHANGED
    from linli.hub import Hub
    from linli.integrations.mqtt.const import DOMAIN as MQTT
    from linli.integrations.mqtt.const import MODE_EXTERNAL
    from linli.integrations.smoke_detector.const import DOMAIN as SMOKE
    from linli.plugins import create_plugin_manager

    # Each alarm is logged as a warning: only errors are worth seeing here.
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        config = HubConfig(
            config_dir=Path(folder),
            database_url=f"sqlite:///{Path(folder) / 'bench.db'}",
            name="bench",
            http_host="127.0.0.1",
            http_port=http_port,
            discovery=False,
            votes_required=False,  # the gate is not what is measured
        )
        hub = Hub(config, plugins=create_plugin_manager(entry_points=False))
        await hub.start()
        try:
            await hub.http.start()
            broker = {
                "mode": MODE_EXTERNAL,
                "host": spec.host,
                "port": spec.port,
                "username": "",
                "password": "",
                "tls": False,
                "tls_insecure": False,
                "discovery_prefix": DISCOVERY_PREFIX,
                "zigbee2mqtt_topic": BASE,
            }
            await hub.config_entries.add(MQTT, "Mosquitto", broker)
            hub.users.create("security_desk", "operator")  # the ladder's third step
            for number in range(spec.detectors):
                device = spec.sensors + number
                building, flat = divmod(number, 100)
                unit = hub.community.units.create(f"{building + 1}-1-{flat + 101}", 89.5)
                household = hub.community.households.create(f"household {number}", unit.id)
                resident = hub.users.create(f"resident_{number}", "resident")
                hub.community.members.create(
                    household.id, f"resident {number}", "owner", user_id=resident.id
                )
                data = {
                    "topic": spec.topic(device),
                    "name": spec.name(device),
                    "detects": ["smoke"],
                    "report_interval": 4,
                }
                await hub.config_entries.add(
                    SMOKE, spec.name(device), data, household_id=household.id
                )
            token = hub.http.tokens.admin_token_path.read_text().strip()
            emit({"ready": True, "token": token})

            await command()  # the devices publish their discovery configs now
            started = time.perf_counter()
            prefix = "sensor.sensor_"
            async with asyncio.timeout(DISCOVERY_TIMEOUT):
                while sum(1 for s in hub.states.all("sensor") if s.entity_id.startswith(prefix)) < (
                    spec.sensors
                ):
                    await asyncio.sleep(0.1)
            await hub.block_till_done()
            await hub.recorder.flush()
            if gc_tuning:  # as `linli run` does once the hub has started
                tune_garbage_collector()
            emit({"discovery_seconds": round(time.perf_counter() - started, 2)})

            times = await command()
            client = hub.data[MQTT].client
            changes = [0]

            def count(_event: Any) -> None:
                changes[0] += 1

            hub.bus.listen(EVENT_STATE_CHANGED, count)
            pauses = GcPauses()
            gc.callbacks.append(pauses)
            samples: list[tuple[float, int, int]] = []
            stop = asyncio.create_task(command())
            await asyncio.sleep(max(0.0, times["begin"] - 0.2 - time.time()))  # before any message
            lags = asyncio.create_task(loop_lags(times["start"]))
            while not stop.done():
                samples.append((time.time(), client.received, changes[0]))
                await asyncio.wait([stop], timeout=SAMPLE)
            lags.cancel()
            gc.callbacks.remove(pauses)
            emit(
                {
                    "samples": samples,
                    "loop_lag_p99_ms": round(quantile(sorted(LAGS), 0.99) * 1000, 1),
                    "loop_lag_max_ms": round(max(LAGS, default=0.0) * 1000, 1),
                    "recorder_backlog": hub.recorder.backlog,
                    "bad_input": dict(hub.data[MQTT].bad_input.counts),
                    "open_alarms": len(hub.alarms.open()),
                    **pauses.summary(),
                }
            )
            await command()  # end
        finally:
            await hub.stop()


LAGS = array("d")  # how late the hub's loop ran a 10 ms timer, in seconds


async def loop_lags(start: float) -> None:
    """From ``start`` on, measure how late the loop runs what is due (its backlog, seen
    from inside)."""
    await asyncio.sleep(max(0.0, start - time.time()))
    while True:
        due = time.perf_counter() + 0.01
        await asyncio.sleep(0.01)
        LAGS.append(time.perf_counter() - due)


# --- the device processes --------------------------------------------------------------------


def devices_process(spec: Spec, first: int, last: int) -> None:
    """Devices ``first`` to ``last - 1`` on one connection: discovery, then the run."""
    client = connect(spec, f"bench-devices-{first}")

    def next_command() -> dict[str, Any]:
        return asyncio.run(command())  # this process has no loop of its own

    emit({"connected": True})
    next_command()  # discover
    pending = []
    for device in range(first, min(last, spec.sensors)):
        topic, payload = discovery_config(spec, device)
        pending.append(client.publish(topic, payload, qos=1, retain=True))
    for info in pending:
        info.wait_for_publish(timeout=60)
    emit({"discovery_published": len(pending)})

    start = next_command()["begin"]  # the warm-up's start: the devices report from then on
    devices = range(first, last)
    # Device d reports at start + d / devices + k seconds: all spread over each second.
    offsets = sorted((device / spec.devices, device) for device in devices)
    total = round(spec.warmup + spec.seconds) * len(offsets)
    published, lags = 0, array("d")
    time.sleep(max(0.0, start - time.time()))
    while published < total:
        now = time.time()
        rounds, position = divmod(published, len(offsets))
        due_until = now - start
        if rounds + offsets[position][0] <= due_until:
            lags.append(due_until - rounds - offsets[position][0])
        while published < total:
            rounds, position = divmod(published, len(offsets))
            offset, device = offsets[position]
            if rounds + offset > due_until:
                break
            client.publish(spec.topic(device), state_message(spec, device, rounds), qos=0)
            published += 1
        time.sleep(max(0.0, TICK - (time.time() - now)))
    last_publish = time.time()
    ordered = sorted(lags)
    emit(
        {
            "published": published,
            "last_publish": last_publish,
            "publish_lag_p99_ms": round(quantile(ordered, 0.99) * 1000, 1),
        }
    )
    next_command()  # end
    client.loop_stop()
    client.disconnect()


# --- the probe (this process) -----------------------------------------------------------------


async def probe(spec: Spec, http_port: int, token: str, start: float) -> dict[str, Any]:
    """Inject smoke at ``spec.smoke_rate`` from ``start`` on and time each alarm's arrival."""
    import aiohttp

    injector = connect(spec, "bench-smoke-injector")
    sent: dict[str, float] = {}  # detector topic -> when its smoke was published
    latencies: list[float] = []
    unexpected = 0
    url = f"http://127.0.0.1:{http_port}/api/websocket"
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        await ws.receive_json()  # auth_required
        await ws.send_json({"type": "auth", "access_token": token})
        if (await ws.receive_json())["type"] != "auth_ok":
            raise SystemExit("the hub refused the admin token")
        await ws.send_json({"id": 1, "type": "alarms/subscribe"})
        assert (await ws.receive_json())["success"]
        await ws.receive_json()  # the open alarms

        async def inject() -> int:
            count = round(spec.seconds * spec.smoke_rate)
            payload = json.dumps({"smoke": True, "battery": 95, "battery_low": False}).encode()
            for number in range(count):
                due = start + number / spec.smoke_rate
                await asyncio.sleep(max(0.0, due - time.time()))
                topic = spec.topic(spec.sensors + number % spec.detectors)
                sent[topic] = time.time()
                injector.publish(topic, payload, qos=1)
            return count

        async def watch() -> None:
            nonlocal unexpected
            async for message in ws:
                arrived = time.time()
                event = json.loads(message.data)["event"]
                raised = event.get("raised")
                if raised is None:
                    continue
                published = sent.pop(raised["data"].get("topic"), None)
                if published is None:
                    unexpected += 1
                else:
                    latencies.append(arrived - published)

        watcher = asyncio.create_task(watch())
        injected = await inject()
        deadline = time.time() + GRACE
        while len(latencies) < injected and time.time() < deadline:
            await asyncio.sleep(0.05)
        watcher.cancel()
    injector.loop_stop()
    injector.disconnect()
    return {"injected": injected, "latencies": sorted(latencies), "unexpected": unexpected}


# --- the main process ------------------------------------------------------------------------


class Mosquitto:
    """A Mosquitto of the run's own on a free port of 127.0.0.1."""

    def __init__(self, port: int, folder: Path) -> None:
        binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        if not Path(binary).exists():
            raise SystemExit("mosquitto is not installed: install it or pass --broker HOST:PORT")
        config = folder / "mosquitto.conf"
        config.write_text(
            f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
            "max_queued_messages 100000\nlog_dest none\n"
        )
        self.process = subprocess.Popen([binary, "-c", str(config)])
        self.port = port

    def wait_listening(self) -> None:
        import socket

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise SystemExit(f"mosquitto did not start listening on port {self.port}")

    def cpu_seconds(self) -> float:
        import psutil

        times = psutil.Process(self.process.pid).cpu_times()
        return times.user + times.system

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def run(options: argparse.Namespace) -> dict[str, Any]:
    from linli.testing.processes import free_port

    folder = tempfile.TemporaryDirectory()
    broker = None
    if options.broker:
        host, _, port = options.broker.rpartition(":")
        host, port = host or "127.0.0.1", int(port)
    else:
        host, port = "127.0.0.1", free_port()
        broker = Mosquitto(port, Path(folder.name))
        broker.wait_listening()
    spec = Spec(
        devices=options.devices,
        detectors=options.detectors,
        seconds=options.seconds,
        warmup=options.warmup,
        smoke_rate=options.smoke_rate,
        host=host,
        port=port,
    )
    spec_json = json.dumps(asdict(spec))
    http_port = free_port()
    hub = Child(__file__, "--role", "hub", "--spec", spec_json, "--port", str(http_port))
    children = [hub]
    try:
        token = hub.receive()["token"]
        bounds = [
            spec.devices * part // options.device_processes
            for part in range(options.device_processes + 1)
        ]
        groups = []
        for part in range(options.device_processes):
            args = ["--role", "devices", "--spec", spec_json]
            args += ["--first", str(bounds[part]), "--last", str(bounds[part + 1])]
            groups.append(Child(__file__, *args))
        children += groups
        for group in groups:
            group.receive()  # connected
        hub.send({"discover": True})
        for group in groups:
            group.send({"discover": True})
        for group in groups:
            group.receive()
        discovery = hub.receive()["discovery_seconds"]

        start = time.time() + 1.0 + spec.warmup
        for child in children:
            child.send({"begin": start - spec.warmup, "start": start})
        time.sleep(max(0.0, start - 0.5 - time.time()))
        before = _cpu(children, broker)
        probed = asyncio.run(probe(spec, http_port, token, start))
        published = [group.receive() for group in groups]
        after = _cpu(children, broker)
        last_publish = max(report["last_publish"] for report in published)
        time.sleep(max(0.0, last_publish + 1.0 - time.time()))  # let the hub catch up
        hub.send({"stop": True})
        counted = hub.receive()
        hub_rss = hub.rss_mb()
        for child in children:
            child.send({"end": True})
        for child in children:
            child.process.wait(timeout=60)
    finally:
        for child in children:
            child.stop()
        if broker is not None:
            broker.stop()
        folder.cleanup()
    return _summary(
        spec, options, discovery, start, probed, published, counted, before, after, hub_rss
    )


def _cpu(children: list[Child], broker: Mosquitto | None) -> dict[str, Any]:
    return {
        "time": time.time(),
        "children": [child.cpu_seconds() for child in children],
        "broker": broker.cpu_seconds() if broker is not None else None,
        "machine": busy_seconds(),
    }


def _summary(
    spec: Spec,
    options: argparse.Namespace,
    discovery: float,
    start: float,
    probed: dict[str, Any],
    published: list[dict[str, Any]],
    counted: dict[str, Any],
    before: dict[str, Any],
    after: dict[str, Any],
    hub_rss: float,
) -> dict[str, Any]:
    samples = counted["samples"]
    end = max(report["last_publish"] for report in published)
    # The steady window: from the start (after the warm-up) to the last message published.
    window = [sample for sample in samples if start <= sample[0] <= end]
    first, last = window[0], window[-1]
    seconds = last[0] - first[0]
    total_published = sum(report["published"] for report in published) + probed["injected"]
    received = samples[-1][1] - samples[0][1]  # the first sample is taken at the start
    latencies = probed["latencies"]
    elapsed = after["time"] - before["time"]

    def usage(key: int) -> float:
        return round(
            (after["children"][key]["process"] - before["children"][key]["process"]) / elapsed * 100
        )

    machine = after["machine"]["processes"] - before["machine"]["processes"]
    cpu = {
        "hub": usage(0),
        "hub_loop_thread": round(
            (after["children"][0]["main"] - before["children"][0]["main"]) / elapsed * 100
        ),
        "devices": sum(usage(index) for index in range(1, len(after["children"]))),
        "broker": None
        if after["broker"] is None
        else round((after["broker"] - before["broker"]) / elapsed * 100),
        "machine": round(machine / elapsed * 100),
    }

    def ms(fraction: float) -> float:
        return round(quantile(latencies, fraction) * 1000, 1)

    p99 = quantile(latencies, 0.99)
    lost = probed["injected"] - len(latencies)
    result = {
        "python": sys.version.split()[0],
        "devices": spec.devices,
        "sensors": spec.sensors,
        "detectors": spec.detectors,
        "offered_messages_per_s": spec.devices,
        "seconds": spec.seconds,
        "device_processes": options.device_processes,
        "own_broker": not options.broker,
        "discovery_seconds": discovery,
        "published": total_published,
        "received_by_hub": received,
        "not_received": total_published - received,
        "ingest_messages_per_s": round((last[1] - first[1]) / seconds),
        "state_changes_per_s": round((last[2] - first[2]) / seconds),
        "publish_lag_p99_ms": max(report["publish_lag_p99_ms"] for report in published),
        "smoke_injected": probed["injected"],
        "smoke_alarms_seen": len(latencies),
        "smoke_alarms_lost": lost,
        "smoke_alarms_unexpected": probed["unexpected"],
        "latency_p50_ms": ms(0.50),
        "latency_p95_ms": ms(0.95),
        "latency_p99_ms": ms(0.99),
        "latency_max_ms": round(latencies[-1] * 1000, 1) if latencies else None,
        "recorder_backlog_at_end": counted["recorder_backlog"],
        "bad_input": counted["bad_input"],
        "hub_rss_mb": round(hub_rss),
        "cpu_percent": cpu,
        "hub_loop_lag_p99_ms": counted["loop_lag_p99_ms"],
        "hub_loop_lag_max_ms": counted["loop_lag_max_ms"],
        "gc_total_ms": counted["gc_total_ms"],
        "gc_max_pause_ms": counted["gc_max_pause_ms"],
        "goal": f"p99 < {GOAL_P99 * 1000:.0f} ms, every alarm and message arrives",
    }
    bottleneck = [name for name in ("hub", "devices") if cpu[name] >= SATURATED]
    result["bottleneck"] = bottleneck
    result["passed"] = bool(
        latencies and p99 < GOAL_P99 and lost == 0 and result["not_received"] == 0
    )
    return result


def _print(result: dict[str, Any]) -> None:
    cpu = result["cpu_percent"]
    broker = "its own Mosquitto" if result["own_broker"] else "the given broker"
    print(f"linli MQTT ingest and smoke alarms, Python {result['python']}, through {broker}")
    print(
        f"devices: {result['devices']:,} ({result['sensors']:,} temperature sensors found by "
        f"discovery in {result['discovery_seconds']} s, {result['detectors']:,} smoke "
        f"detectors), one message a second each, for {result['seconds']:g} s, from "
        f"{result['device_processes']} device process(es)"
    )
    print(
        f"ingest: offered {result['offered_messages_per_s']:,} messages/s, hub received "
        f"{result['ingest_messages_per_s']:,}/s and changed {result['state_changes_per_s']:,} "
        f"states/s; published {result['published']:,}, not received {result['not_received']:,}"
        f" (device publishing late by p99 {result['publish_lag_p99_ms']} ms)"
    )
    print(
        f"smoke → alarm on the WebSocket: {result['smoke_injected']} injected, "
        f"{result['smoke_alarms_seen']} seen, {result['smoke_alarms_lost']} lost; "
        f"p50 {result['latency_p50_ms']} ms, p95 {result['latency_p95_ms']} ms, "
        f"p99 {result['latency_p99_ms']} ms, max {result['latency_max_ms']} ms"
    )
    broker_cpu = "" if cpu["broker"] is None else f", broker {cpu['broker']}%"
    print(
        f"CPU (% of one core): hub {cpu['hub']}% (loop thread {cpu['hub_loop_thread']}%), "
        f"devices {cpu['devices']}%{broker_cpu}, whole machine {cpu['machine']}% of 200%"
    )
    print(
        f"hub loop late by p99 {result['hub_loop_lag_p99_ms']} ms, max "
        f"{result['hub_loop_lag_max_ms']} ms; memory {result['hub_rss_mb']} MB; recorder backlog "
        "at the end "
        f"{result['recorder_backlog_at_end']}; garbage collector {result['gc_total_ms']} ms in "
        f"all, longest pause {result['gc_max_pause_ms']} ms; bad input {result['bad_input']}"
    )
    if result["bottleneck"]:
        print(f"bottleneck: {', '.join(result['bottleneck'])} at or above {SATURATED:.0f}%")
    print(f"goal ({result['goal']}): {'PASS' if result['passed'] else 'FAIL'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", type=int, help="devices in all (default 5,000)")
    parser.add_argument("--detectors", type=int, help="of them smoke detectors (default 10%%)")
    parser.add_argument("--seconds", type=float, help="length of the run (default 20)")
    parser.add_argument("--quick", action="store_true", help="1,000 devices for 5 s")
    parser.add_argument(
        "--warmup", type=float, default=WARMUP, help="seconds the devices report before the run"
    )
    parser.add_argument(
        "--smoke-rate", type=float, default=10.0, help="smoke detections injected per second"
    )
    parser.add_argument("--device-processes", type=int, default=2, help="processes of devices")
    parser.add_argument("--broker", help="HOST:PORT of a running broker (default: start one)")
    add_common_arguments(parser, ["hub", "devices"])
    options = parser.parse_args()

    if options.role is not None:
        spec = Spec(**json.loads(options.spec))
        if options.role == "hub":
            raise_file_limit()
            asyncio.run(hub_process(spec, options.port, options.gc_tuning))
        else:
            devices_process(spec, options.first, options.last)
        return

    options.devices = options.devices or (1000 if options.quick else 5000)
    options.seconds = options.seconds or (5.0 if options.quick else 20.0)
    if options.detectors is None:
        options.detectors = max(1, options.devices // 10)
    if not 2 <= options.devices <= 100_000 or not 1 <= options.detectors < options.devices:
        parser.error("--devices must be 2 to 100,000, and --detectors 1 to fewer than that")
    if not 1 <= options.seconds <= 600 or not 0 < options.smoke_rate <= 1000:
        parser.error("--seconds must be 1 to 600 and --smoke-rate above 0 and at most 1,000")
    if not 1 <= options.device_processes <= 8:
        parser.error("--device-processes must be 1 to 8")
    if not 0 <= options.warmup <= 60:
        parser.error("--warmup must be 0 to 60 seconds")
    result = run(options)
    if options.json:
        print(json.dumps(result))
    else:
        _print(result)


if __name__ == "__main__":
    main()
