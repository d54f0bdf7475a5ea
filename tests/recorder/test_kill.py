"""Durability: a hub killed with SIGKILL loses at most what it had not yet committed."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from linli.storage.database import create_engine
from linli.storage.recorder_schema import states

WRITER = textwrap.dedent(
    """
    import asyncio
    import sys
    from pathlib import Path

    from linli.config import HubConfig
    from linli.hub import Hub
    from linli.plugins import create_plugin_manager


    async def main(config_dir: str, url: str) -> None:
        config = HubConfig(config_dir=Path(config_dir), database_url=url, name="kill")
        hub = Hub(config, plugins=create_plugin_manager(entry_points=False))
        hub.recorder.commit_interval = 0.2
        await hub.start()
        written = commits = 0
        while True:
            for _ in range(50):
                hub.states.set("sensor.counter", str(written))
                written += 1
            writer = hub.recorder.writer
            if writer.commits != commits:
                commits = writer.commits
                print(f"committed {writer.committed} at {writer.last_commit} written {written}",
                      flush=True)
            await asyncio.sleep(0.002)


    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """
)


@pytest.mark.slow
def test_sigkill_loses_at_most_the_last_commit_interval(database_url: str, tmp_path: Path):
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    config_dir = tmp_path / "hub"
    config_dir.mkdir()
    process = subprocess.Popen(
        [sys.executable, str(script), str(config_dir), database_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        while len(lines) < 6:  # about a second of commits
            line = process.stdout.readline()
            assert line, f"the writer hub ended early: {process.stderr.read()}"
            lines.append(line.split())
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    committed = int(lines[-1][1])  # events, with hub_started among them

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            values = connection.execute(
                sa.select(states.c.state).where(states.c.entity_id == "sensor.counter")
            ).scalars()
            numbers = sorted(int(value) for value in values)
    finally:
        engine.dispose()
    assert len(numbers) >= committed - 1
    assert numbers == list(range(len(numbers)))  # nothing lost in between
