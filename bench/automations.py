"""Automations at the size of a community: every household has its own automation made
from a blueprint, and the state machine must not slow down for it.

A real hub (SQLite in a temporary folder, no HTTP; state changes not recorded) gets
``--households`` households, each with an owner, a hall motion sensor, a hall light and a
power meter, and one automation of its own made from a blueprint (motion in the hall: the
light on, acting with the owner's rights). Then, with every automation listening:

- ``load``: the time to check and start the automations, and the memory each takes;
- ``writes``: state writes to the power meters, which no automation listens to, against the
  same writes before any automation was made (what triggers cost the state machine);
- ``runs``: motion in every hall, round robin: each write starts a run, which checks the
  owner's rights, calls ``light.turn_on`` and keeps its trace; timed until the last run
  has ended.

    .venv/bin/python bench/automations.py                     # 903 households, 200,000 writes
    .venv/bin/python bench/automations.py --households 100 --writes 10000 --json
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import resource
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

BLUEPRINT = "bench/hall_light.yaml"
BLUEPRINT_TEXT = textwrap.dedent(
    """\
    blueprint:
      name: Hall light on motion
      domain: automation
      input:
        motion:
          selector: {entity: {filter: {domain: binary_sensor}}}
        light:
          selector: {target: {entity: {domain: light}}}
    mode: queued
    max: 100
    triggers:
      - trigger: state
        entity_id: !input motion
        to: "on"
    actions:
      - action: light.turn_on
        target: !input light
    """
)


def rss_bytes() -> int:
    """This process's resident memory now (Linux: /proc)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize()


async def measure(households: int, writes: int) -> dict[str, Any]:
    from linli.config import HubConfig, RecorderConfig
    from linli.hub import Hub
    from linli.plugins import create_plugin_manager
    from linli.services import ServiceCall

    with tempfile.TemporaryDirectory() as folder:
        blueprints = Path(folder) / "blueprints" / "automation" / "bench"
        blueprints.mkdir(parents=True)
        (blueprints / "hall_light.yaml").write_text(BLUEPRINT_TEXT, encoding="utf-8")
        config = HubConfig(
            config_dir=Path(folder),
            database_url=f"sqlite:///{Path(folder) / 'bench.db'}",
            name="bench",
            discovery=False,
            votes_required=False,
            # bench/recorder.py measures history; here it would only queue the writes
            recorder=RecorderConfig(exclude_event_types=("state_changed",)),
        )
        hub = Hub(config, plugins=create_plugin_manager(entry_points=False))
        await hub.start()
        lit: list[ServiceCall] = []

        async def turn_on(call: ServiceCall) -> None:
            lit.append(call)

        hub.services.register("light", "turn_on", turn_on)
        owners = _furnish(hub, households)

        meters = [f"sensor.power_{index}" for index in range(households)]
        before = _write_rounds(hub, meters, writes)

        gc.collect()
        memory_before = rss_bytes()
        started = time.perf_counter()
        for index, owner_id in enumerate(owners):
            hub.automations.create(
                {
                    "id": f"hall_light_{index}",
                    "household_id": hub.community.members.of_user(owner_id)[0].household_id,
                    "use_blueprint": {
                        "path": BLUEPRINT,
                        "input": {
                            "motion": f"binary_sensor.hall_motion_{index}",
                            "light": {"entity_id": f"light.hall_{index}"},
                        },
                    },
                },
                owner_id=owner_id,
            )
        load_seconds = time.perf_counter() - started
        await hub.block_till_done()
        gc.collect()
        per_automation = (rss_bytes() - memory_before) / households

        after = _write_rounds(hub, meters, writes)

        motions = [f"binary_sensor.hall_motion_{index}" for index in range(households)]
        runs = max(households, writes // 20)
        started = time.perf_counter()
        for number in range(runs):
            entity_id = motions[number % households]
            hub.states.set(entity_id, "off")
            hub.states.set(entity_id, "on")
            if number % households == households - 1:
                await asyncio.sleep(0)  # let the round's runs go, as the loop would
        await hub.block_till_done()
        run_seconds = time.perf_counter() - started
        finished = sum(
            1
            for automation in hub.automations
            for trace in automation.traces
            if trace.state == "finished"
        )
        await hub.stop()
        return {
            "households": households,
            "automations": len(owners),
            "load_seconds": round(load_seconds, 3),
            "bytes_per_automation": round(per_automation),
            "writes": writes,
            "writes_per_s_without_automations": round(writes / before),
            "writes_per_s_with_automations": round(writes / after),
            "runs": runs,
            "runs_per_s": round(runs / run_seconds),
            "lights_turned_on": len(lit),
            "traces_kept_finished": finished,  # the last five runs of each
        }


def _furnish(hub: Any, households: int) -> list[str]:
    """Households with an owner and their devices; the owners' user ids."""
    community, owners = hub.community, []
    for index in range(households):
        household = community.households.create(f"户{index}")
        owner = hub.users.create(f"owner_{index}", "resident")
        community.members.create(household.id, f"业主{index}", "owner", user_id=owner.id)
        device = hub.devices.get_or_create(
            identifiers=[("bench", f"hall_{index}")], household_id=household.id
        )
        for domain, object_id, state in (
            ("binary_sensor", f"hall_motion_{index}", "off"),
            ("light", f"hall_{index}", "off"),
            ("sensor", f"power_{index}", "0"),
        ):
            hub.entities.get_or_create(
                domain, "bench", object_id, suggested_object_id=object_id, device_id=device.id
            )
            hub.states.set(f"{domain}.{object_id}", state)
        owners.append(owner.id)
    return owners


def _write_rounds(hub: Any, entity_ids: list[str], writes: int) -> float:
    """Seconds for ``writes`` changing writes round robin over ``entity_ids``."""
    count = len(entity_ids)
    gc.collect()
    started = time.perf_counter()
    for number in range(writes):
        hub.states.set(entity_ids[number % count], str(number))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=903)
    parser.add_argument("--writes", type=int, default=200_000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = asyncio.run(measure(args.households, args.writes))
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:36} {value:>12,}" if isinstance(value, int) else f"{key:36} {value:>12}")


if __name__ == "__main__":
    main()
