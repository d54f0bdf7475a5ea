"""The hub's lifecycle: start, stop, two hubs side by side, failures at start."""

import asyncio
import logging
from pathlib import Path

import pytest

from linli.config import HubConfig
from linli.const import EVENT_HUB_STARTED, EVENT_HUB_STOP
from linli.events import Event
from linli.exceptions import DatabaseError, HubStateError
from linli.helpers.event import call_later
from linli.hub import Hub, HubState
from linli.testing.plugin import HubFactory


async def test_hub_starts_running_and_announces_it(tmp_path: Path) -> None:
    hub = Hub(HubConfig(config_dir=tmp_path))
    started: list[Event] = []
    hub.bus.listen(EVENT_HUB_STARTED, started.append)

    await hub.start()
    assert hub.state is HubState.running
    assert len(started) == 1
    assert (tmp_path / "linli.db").exists()

    await hub.stop()
    assert hub.state is HubState.stopped


async def test_start_twice_is_refused(hub: Hub) -> None:
    with pytest.raises(HubStateError, match="it is running"):
        await hub.start()


async def test_stop_waits_for_tasks_and_listeners_see_hub_stop(tmp_path: Path) -> None:
    hub = Hub(HubConfig(config_dir=tmp_path))
    await hub.start()
    finished: list[str] = []

    async def save_last_readings() -> None:
        await asyncio.sleep(0.05)
        finished.append("saved")

    hub.bus.listen(EVENT_HUB_STOP, lambda event: hub.create_task(save_last_readings()))
    await hub.stop()

    assert finished == ["saved"]
    assert hub.leftovers_at_stop == []
    assert not [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]


async def test_stop_cancels_hanging_tasks_and_forgotten_timers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    hub = Hub(HubConfig(config_dir=tmp_path))
    await hub.start()
    hub.create_task(asyncio.sleep(3600), "hanging wristband poll")
    call_later(hub, 3600, lambda now: None)

    with caplog.at_level(logging.WARNING):
        await hub.stop(timeout=0.05)

    assert hub.state is HubState.stopped
    assert any("hanging wristband poll" in item for item in hub.leftovers_at_stop)
    assert any("Timer" in item for item in hub.leftovers_at_stop)
    assert "hanging wristband poll" in caplog.text


async def test_two_hubs_in_one_process_share_nothing(hub_factory: HubFactory) -> None:
    east = await hub_factory(name="东区")
    west = await hub_factory(name="西区")
    heard_in_west: list[Event] = []
    west.bus.listen("sos", heard_in_west.append)

    east.states.set("binary_sensor.sos_1203", "on")
    east.bus.fire("sos")
    east.services.register("lock", "unlock", lambda call: None)

    assert west.states.get("binary_sensor.sos_1203") is None
    assert heard_in_west == []
    assert not west.services.has("lock", "unlock")
    assert east.config.database_url != west.config.database_url


async def test_unreachable_database_is_named_and_hub_does_not_start(tmp_path: Path) -> None:
    url = "postgresql+psycopg://linli:secret@127.0.0.1:1/community"
    hub = Hub(HubConfig(config_dir=tmp_path, database_url=url))

    with pytest.raises(DatabaseError) as raised:
        await hub.start()

    message = str(raised.value)
    assert "Cannot connect to the database" in message
    assert "127.0.0.1:1/community" in message
    assert "secret" not in message
    assert hub.state is HubState.stopped


async def test_invalid_database_url_is_explained(tmp_path: Path) -> None:
    hub = Hub(HubConfig(config_dir=tmp_path, database_url="mongodb://127.0.0.1/x"))
    with pytest.raises(DatabaseError, match=r"Invalid database URL mongodb://127\.0\.0\.1/x"):
        await hub.start()


async def test_hub_on_postgresql(hub_factory: HubFactory, postgresql_url: str) -> None:
    hub = await hub_factory(database_url=postgresql_url)
    assert hub.database.dialect == "postgresql"
    assert hub.state is HubState.running
