"""/api/history, /api/logbook and /api/statistics: what the recorder kept, over HTTP."""

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer

from linli.hub import Hub
from linli.plugins import PluginManager
from linli.services import ServiceCall
from linli.testing.plugin import HubFactory
from linli.testing.time_travel import fire_time_changed

SHANGHAI = ZoneInfo("Asia/Shanghai")
TEMPERATURE = {"state_class": "measurement", "unit_of_measurement": "°C"}


@pytest.fixture
async def db_hub(database_url: str, hub_factory: HubFactory, plugins: PluginManager) -> Hub:
    """A started hub on SQLite or PostgreSQL (the test runs on both)."""
    return await hub_factory(database_url=database_url, plugins=plugins)


@pytest.fixture
async def db_client(db_hub: Hub) -> AsyncIterator[TestClient]:
    """Like ``hub_client``, for ``db_hub``."""
    token = db_hub.http.tokens.admin_token_path.read_text(encoding="utf-8").strip()
    client = TestClient(
        TestServer(db_hub.http.app, port=0), headers={"Authorization": f"Bearer {token}"}
    )
    await client.start_server()
    yield client
    await client.close()


async def get_json(client: TestClient, path: str, **params: str) -> Any:
    response = await client.get(path, params=params)
    assert response.status == 200, await response.text()
    assert response.content_type == "application/json"
    return await response.json()


async def test_history_lists_each_entitys_states_in_order(
    db_hub: Hub, db_client: TestClient
) -> None:
    written = [db_hub.states.set("device_tracker.grandma", "home", {"battery": 90})]
    db_hub.states.set("sensor.gas", "0")
    start = db_hub.clock.now()
    for value, battery in [("home", 80), ("away", 80), ("away", 70), ("home", 60)]:
        fire_time_changed(db_hub, timedelta(minutes=1))
        written.append(db_hub.states.set("device_tracker.grandma", value, {"battery": battery}))

    ids = "device_tracker.grandma,sensor.gas,sensor.never_written"
    found = await get_json(db_client, "/api/history", entity_id=ids, start=start.isoformat())

    assert list(found) == ["device_tracker.grandma", "sensor.gas"]
    assert found["device_tracker.grandma"] == [state.as_dict() for state in written]
    assert [state["state"] for state in found["sensor.gas"]] == ["0"]  # held since before

    minimal = await get_json(
        db_client, "/api/history", entity_id="device_tracker.grandma", minimal="true"
    )
    first, *changes = minimal["device_tracker.grandma"]
    assert first == written[0].as_dict()
    assert changes == [  # the writes of the battery level alone are left out
        {"state": "away", "last_changed": written[2].last_changed.isoformat()},
        {"state": "home", "last_changed": written[4].last_changed.isoformat()},
    ]


async def test_history_keeps_to_its_window(db_hub: Hub, db_client: TestClient) -> None:
    db_hub.states.set("lock.gate", "locked")
    fire_time_changed(db_hub, timedelta(minutes=10))
    start = db_hub.clock.now()
    db_hub.states.set("lock.gate", "unlocked")
    fire_time_changed(db_hub, timedelta(minutes=10))
    end = db_hub.clock.now()
    db_hub.states.set("lock.gate", "locked")
    fire_time_changed(db_hub, timedelta(minutes=10))

    local_start = start.astimezone(SHANGHAI)
    found = await get_json(
        db_client,
        "/api/history",
        entity_id="lock.gate",
        start=local_start.isoformat(),
        end=end.isoformat(),
    )
    assert [state["state"] for state in found["lock.gate"]] == ["locked", "unlocked"]
    assert datetime.fromisoformat(found["lock.gate"][1]["last_changed"]) >= start

    # a time without offset is in the hub's time zone, Asia/Shanghai
    naive = local_start.replace(tzinfo=None).isoformat()
    again = await get_json(
        db_client, "/api/history", entity_id="lock.gate", start=naive, end=end.isoformat()
    )
    assert again == found
    # a "+" the client left unencoded arrives as a space and is still read as the offset
    response = await db_client.get(
        f"/api/history?entity_id=lock.gate&start={local_start.isoformat()}"
        f"&end={end.isoformat().replace('+', '%2B')}"
    )
    assert await response.json() == found

    # the default window is the day up to now: it holds the last write
    latest = await get_json(db_client, "/api/history", entity_id="lock.gate")
    assert latest["lock.gate"][-1]["state"] == "locked"


async def test_entities_the_caller_may_not_see_are_left_out(
    db_hub: Hub, db_client: TestClient
) -> None:
    """A resident reads the history of the shared gate, not of another household's lock."""
    start = db_hub.clock.now().isoformat()
    neighbours = db_hub.community.households.create("502")
    lock = db_hub.entities.get_or_create("lock", "test", "502", household_id=neighbours.id)
    db_hub.states.set("lock.gate", "locked")
    db_hub.states.set(lock.entity_id, "locked")
    resident = db_hub.users.create("wang.fang", "resident")
    _, token = db_hub.http.tokens.create("phone", resident.id, "long_lived")
    headers = {"Authorization": f"Bearer {token}"}

    async def get(path: str, **params: str) -> Any:
        response = await db_client.get(path, params=params, headers=headers)
        assert response.status == 200, await response.text()
        return await response.json()

    found = await get("/api/history", entity_id=f"{lock.entity_id},lock.gate")
    assert list(found) == ["lock.gate"]
    assert await get("/api/history", entity_id=lock.entity_id) == {}
    entries = await get("/api/logbook", start=start)
    assert [entry["entity_id"] for entry in entries] == ["lock.gate"]
    assert await get("/api/logbook", entity_id=lock.entity_id) == []
    assert await get("/api/statistics", statistic_id=lock.entity_id) == {}


async def test_logbook_tells_which_service_call_changed_a_state(
    db_hub: Hub, db_client: TestClient
) -> None:
    def unlock(call: ServiceCall) -> None:
        db_hub.states.set("lock.gate", "unlocked", context=call.context)

    db_hub.services.register("lock", "unlock", unlock)
    start = db_hub.clock.now()
    db_hub.states.set("lock.gate", "locked")
    db_hub.states.set("sensor.gas", "0")
    response = await db_client.post("/api/services/lock/unlock", json={"entity_id": "lock.gate"})
    assert response.status == 200, await response.text()

    entries = await get_json(
        db_client, "/api/logbook", entity_id="lock.gate", start=start.isoformat()
    )

    locked, unlocked = entries
    assert (locked["message"], locked["cause"]) == ("lock.gate changed to locked", "hub")
    assert unlocked["message"] == "lock.gate changed to unlocked"
    user_id = unlocked["context_user_id"]
    assert user_id
    assert unlocked["cause"] == f"call_service lock.unlock, user {user_id}"
    assert datetime.fromisoformat(locked["when"]) <= datetime.fromisoformat(unlocked["when"])
    everything = await get_json(db_client, "/api/logbook", start=start.isoformat())
    assert [entry["message"] for entry in everything] == [
        "lock.gate changed to locked",
        "sensor.gas changed to 0",
        "lock.gate changed to unlocked",
    ]


def ten_in_the_morning_in_shanghai(hub: Hub) -> datetime:
    """The next 02:00 UTC at least two hours away: 10:00 in the hub's time zone."""
    now = hub.clock.now()
    when = now.replace(hour=2, minute=0, second=0, microsecond=0)
    while when < now + timedelta(hours=2):
        when += timedelta(days=1)
    return when


async def test_statistics_by_hour_and_by_day(db_hub: Hub, db_client: TestClient) -> None:
    hour = ten_in_the_morning_in_shanghai(db_hub)
    for minutes, temperature in [(0, "10"), (30, "20"), (90, "40")]:
        fire_time_changed(db_hub, hour + timedelta(minutes=minutes))
        await db_hub.block_till_done()
        db_hub.states.set("sensor.hall_temperature", temperature, TEMPERATURE)
    fire_time_changed(db_hub, hour + timedelta(hours=2))  # compiles the hour just ended
    await db_hub.block_till_done()

    ids = "sensor.hall_temperature,sensor.nothing"
    found = await get_json(db_client, "/api/statistics", statistic_id=ids, start=hour.isoformat())

    first, second = found["sensor.hall_temperature"]
    assert list(found) == ["sensor.hall_temperature"]
    assert first["start"] == hour.astimezone(SHANGHAI).isoformat()  # 10:00+08:00
    assert first["end"] == (hour + timedelta(hours=1)).astimezone(SHANGHAI).isoformat()
    assert first["mean"] == pytest.approx(15, abs=0.01)
    assert (first["min"], first["max"], first["sum"], first["state"]) == (10, 20, None, None)
    assert (second["min"], second["max"]) == (20, 40)

    daily = await get_json(
        db_client,
        "/api/statistics",
        statistic_id="sensor.hall_temperature",
        start=hour.isoformat(),
        period="day",
    )
    (day,) = daily["sensor.hall_temperature"]
    assert day["start"] == hour.astimezone(SHANGHAI).replace(hour=0).isoformat()
    assert (day["min"], day["max"]) == (10, 40)


async def test_statistics_answer_a_window_of_years(hub_client: TestClient) -> None:
    start = "2024-01-01T00:00:00+08:00"
    end = "2028-12-31T00:00:00+08:00"
    found = await get_json(
        hub_client, "/api/statistics", statistic_id="sensor.x", start=start, end=end, period="month"
    )
    assert found == {}


BAD_START = (
    "start must be an ISO 8601 date and time, e.g. 2026-11-23T08:00:00+08:00, got 'yesterday'"
)


@pytest.mark.parametrize(
    ("path", "params", "field", "message"),
    [
        ("/api/history", {}, "entity_id", "entity_id is required: one or more entity ids"),
        ("/api/history", {"entity_id": " , "}, "entity_id", "entity_id is required"),
        (
            "/api/history",
            {"entity_id": "sensor.gas,Sensor.Gas"},
            "entity_id",
            "'Sensor.Gas' is not a valid entity id: expected 'domain.object_id'",
        ),
        ("/api/history", {"entity_id": "sensor.gas", "start": "yesterday"}, "start", BAD_START),
        ("/api/history", {"entity_id": "sensor.gas", "end": "2026-13-01"}, "end", "end must be"),
        (
            "/api/history",
            {"entity_id": "sensor.gas", "start": "2026-11-23T08:00", "end": "2026-11-22"},
            "end",
            "end (2026-11-22T00:00:00+08:00) must not be before start (2026-11-23T08:00:00+08:00)",
        ),
        (
            "/api/history",
            {"entity_id": "sensor.gas", "start": "2999-01-01T00:00:00Z"},
            "start",
            "start (2999-01-01T00:00:00+00:00) must not be after end (by default now: ",
        ),
        (
            "/api/history",
            {"entity_id": "sensor.gas", "start": "2026-01-01", "end": "2026-02-10"},
            "start",
            "The window from start to end may be at most 31 days long, got 40.0 days",
        ),
        (
            "/api/history",
            {"entity_id": "sensor.gas", "minimal": "yes"},
            "minimal",
            "minimal must be true, false, 1 or 0, got 'yes'",
        ),
        (
            "/api/logbook",
            {"end": "0001-01-01T00:00:00"},
            "end",
            "end must be between the years 1970 and 9998, got '0001-01-01T00:00:00'",
        ),
        (
            "/api/statistics",
            {"statistic_id": "sensor.gas", "start": "0001-01-01T00:00:00+14:00", "period": "day"},
            "start",
            "start must be between the years 1970 and 9998",
        ),
        ("/api/logbook", {"start": "yesterday"}, "start", BAD_START),
        ("/api/logbook", {"entity_id": "gas"}, "entity_id", "'gas' is not a valid entity id"),
        (
            "/api/logbook",
            {"start": "2026-01-01", "end": "2026-03-01"},
            "start",
            "may be at most 31 days long",
        ),
        ("/api/statistics", {}, "statistic_id", "statistic_id is required"),
        (
            "/api/statistics",
            {"statistic_id": "sensor.gas", "period": "week"},
            "period",
            "period must be hour, day or month, got 'week'",
        ),
        (
            "/api/statistics",
            {"statistic_id": "sensor.gas", "start": "2020-01-01", "end": "2026-01-01"},
            "start",
            "may be at most 5 years long",
        ),
    ],
)
async def test_bad_queries_are_400_naming_the_parameter(
    hub_client: TestClient,
    expect_error,
    path: str,
    params: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = await hub_client.get(path, params=params)
    body = await expect_error(response, 400, "invalid_format", field=field)
    assert message in body["message"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/history?entity_id=sensor.gas",
        "/api/logbook",
        "/api/statistics?statistic_id=sensor.gas",
    ],
)
async def test_no_token_is_401(hub_client_no_auth: TestClient, expect_error, path: str) -> None:
    await expect_error(await hub_client_no_auth.get(path), 401, "unauthorized")
