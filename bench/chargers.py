"""OCPP 1.6J load: many charge points in sessions send meter values to a hub, which
checks, records and rebalances; the round trip of each MeterValues CALL is timed.

The hub runs in a child process with a charging site (supply 400 kW shared by every
session); this process runs the charge points (the ``ocpp`` package's client, as in the
tests). Each charge point connects, boots, starts a session with its household's card,
then sends MeterValues at ``--rate`` calls per second in all, spread evenly. At the end
every session is stopped and the bills are checked against the meters.

    .venv/bin/python bench/chargers.py                      # 400 chargers, 400 calls/s, 20 s
    .venv/bin/python bench/chargers.py --chargers 100 --rate 2000 --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from processes import Child, command, emit, quantile, raise_file_limit

CARD = "CARD{:05d}"
SITE = {
    "name": "bench",
    "endpoint": "ocpp",
    "supply_limit_kw": 400.0,
    "connector_max_kw": 7.0,
    "tariff_fen_per_kwh": 120,
    "service_fee_fen": 200,
    "idle_fee_fen_per_minute": 10,
    "idle_grace_minutes": 30,
    "auto_register": True,
    "password": "",
}


async def hub_process(port: int, chargers: int) -> None:
    from linli.cli import tune_garbage_collector
    from linli.config import HubConfig
    from linli.hub import Hub
    from linli.metering import Month
    from linli.plugins import create_plugin_manager

    with tempfile.TemporaryDirectory() as folder:
        config = HubConfig(
            config_dir=Path(folder),
            database_url=f"sqlite:///{Path(folder) / 'bench.db'}",
            name="bench",
            http_host="127.0.0.1",
            http_port=port,
            discovery=False,
            votes_required=False,
        )
        hub = Hub(config, plugins=create_plugin_manager(entry_points=False))
        await hub.start()
        try:
            entry = await hub.config_entries.add("ev_charger", "bench", SITE, unique_id="ocpp")
            site = hub.data["ev_charger"][entry.id].site
            households = []
            for n in range(chargers):
                household = hub.community.households.create(f"{n // 100 + 1}-{n % 100 + 101}")
                site.id_tags.register_card(CARD.format(n), household.id)
                households.append(household.id)
            await hub.http.start()
            tune_garbage_collector()
            emit({"ready": True})
            await command()  # the sessions are over
            await hub.block_till_done()
            month = Month.of(hub.clock.time(), hub.metering.zone)
            statements = await hub.metering.statements(month)
            emit(
                {
                    "billed_households": len(statements),
                    "billed_wh": sum(
                        line.quantity_milli
                        for statement in statements
                        for line in statement.lines
                        if line.item == "energy"
                    ),
                }
            )
            await command()
        finally:
            await hub.stop()


async def run_chargers(options: argparse.Namespace, port: int) -> dict[str, Any]:
    from linli.integrations.ev_charger.simulator import SimulatedChargePoint

    url = f"http://127.0.0.1:{port}/connect/ocpp"
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        chargers = []
        for n in range(options.chargers):
            charger = await SimulatedChargePoint.connect(session, url, f"CP-{n:05d}")
            await charger.boot()
            await charger.start_session(1, CARD.format(n))
            chargers.append(charger)
        setup = time.perf_counter() - started
        await asyncio.sleep(0.5)  # the last rebalance
        latencies: list[float] = []
        interval = options.chargers / options.rate  # seconds between one charger's calls
        deadline = time.perf_counter() + options.seconds

        async def report(index: int, charger: SimulatedChargePoint) -> None:
            next_at = time.perf_counter() + interval * index / options.chargers
            while next_at < deadline:
                await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
                sent = time.perf_counter()
                await charger.charge(1, interval)
                latencies.append(time.perf_counter() - sent)
                next_at += interval

        window_start = time.perf_counter()
        await asyncio.gather(*(report(n, c) for n, c in enumerate(chargers)))
        window = time.perf_counter() - window_start
        metered_wh = 0
        for charger in chargers:
            metered_wh += round(charger.connectors[1].energy_wh)
            await charger.stop_session(1)
        for charger in chargers:
            await charger.close()
    latencies.sort()
    return {
        "setup_s": round(setup, 1),
        "calls": len(latencies),
        "calls_per_s": round(len(latencies) / window),
        "p50_ms": round(quantile(latencies, 0.5) * 1000, 1),
        "p95_ms": round(quantile(latencies, 0.95) * 1000, 1),
        "p99_ms": round(quantile(latencies, 0.99) * 1000, 1),
        "max_ms": round(latencies[-1] * 1000, 1) if latencies else None,
        "metered_wh": metered_wh,
    }


def run(options: argparse.Namespace) -> dict[str, Any]:
    from linli.testing.processes import free_port

    port = free_port()
    hub = Child(__file__, "--role", "hub", "--port", str(port), "--chargers", str(options.chargers))
    try:
        hub.receive()
        cpu_before = hub.cpu_seconds()["process"]
        wall_before = time.perf_counter()
        result = asyncio.run(run_chargers(options, port))
        result["hub_cpu_percent"] = round(
            (hub.cpu_seconds()["process"] - cpu_before) / (time.perf_counter() - wall_before) * 100
        )
        hub.send({"done": True})
        result.update(hub.receive())
        result["bills_match_meters"] = result["billed_wh"] == result["metered_wh"]
        hub.send({"stop": True})
        hub.process.wait(timeout=60)
    finally:
        hub.stop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chargers", type=int, default=400, help="charge points in session")
    parser.add_argument("--rate", type=int, default=400, help="MeterValues calls per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the run")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--role", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.role == "hub":
        raise_file_limit()
        asyncio.run(hub_process(options.port, options.chargers))
        return
    raise_file_limit()
    result = run(options)
    if options.json:
        print(json.dumps(result))
        return
    print(
        f"{options.chargers} charge points, {result['calls_per_s']:,} MeterValues/s held "
        f"(asked {options.rate:,}/s) for {options.seconds:g} s after {result['setup_s']} s of "
        f"connecting and starting sessions"
    )
    print(
        f"round trip p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
        f"p99 {result['p99_ms']} ms, max {result['max_ms']} ms; hub CPU "
        f"{result['hub_cpu_percent']} %"
    )
    verdict = "match" if result["bills_match_meters"] else "MISMATCH"
    print(
        f"bills: {result['billed_households']} households, {result['billed_wh']:,} Wh billed, "
        f"{result['metered_wh']:,} Wh metered: {verdict}"
    )


if __name__ == "__main__":
    main()
