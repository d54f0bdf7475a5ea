"""Bad input and failures: each is a JSON error, and the server and the hub stay up.

Also the real server: ``HttpServer.start()`` on a free port, and ``linli run`` serving the
API end to end.
"""

import logging
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from linli.http.server import MAX_BODY, ServeError
from linli.http.tokens import ADMIN_TOKEN_FILE
from linli.http.view import MAX_DEPTH
from linli.hub import Hub, HubState
from linli.services import ServiceCall
from linli.testing.plugin import HubFactory
from linli.testing.processes import free_port

TIMEOUT = 60.0


async def still_up(hub: Hub, client: TestClient) -> None:
    assert hub.state is HubState.running
    assert (await client.get("/api/")).status == 200


@pytest.mark.parametrize(
    "body", [b"{", b'{"state": }', b"\xff\xfe", b"{'state': 'on'}", b"[1,]", b"nul"]
)
async def test_malformed_json_is_400(hub: Hub, hub_client: TestClient, expect_error, body) -> None:
    response = await hub_client.post(
        "/api/states/sensor.gate", data=body, headers={"Content-Type": "application/json"}
    )
    error = await expect_error(response, 400, "invalid_json")
    assert error["message"].startswith("The request body is not valid JSON: ")
    await still_up(hub, hub_client)


async def test_a_body_nested_too_deep_is_400_and_stores_nothing(
    hub: Hub, hub_client: TestClient, expect_error
) -> None:
    deep: dict = {}
    for _ in range(MAX_DEPTH - 1):
        deep = {"a": deep}  # with the body's own object: one level more than allowed
    response = await hub_client.post(
        "/api/states/sensor.x", json={"state": "on", "attributes": deep}
    )
    error = await expect_error(response, 400, "invalid_json")
    assert error["message"] == f"The request body nests deeper than {MAX_DEPTH} levels"
    assert hub.states.get("sensor.x") is None
    await still_up(hub, hub_client)

    response = await hub_client.post(
        "/api/states/sensor.x", json={"state": "on", "attributes": deep["a"]}
    )
    assert response.status == 201  # as deep as allowed


async def test_an_oversize_body_is_413(hub: Hub, hub_client: TestClient, expect_error) -> None:
    seen = []
    hub.bus.listen("doorbell", seen.append)
    response = await hub_client.post("/api/events/doorbell", data=b" " * (MAX_BODY + 1))
    error = await expect_error(response, 413, "request_too_large")
    assert error["message"] == f"The request body is larger than {MAX_BODY} bytes"
    assert seen == []
    await still_up(hub, hub_client)


@pytest.mark.parametrize("path", ["/api/nowhere", "/api/states/sensor.x/y", "/favicon.ico"])
async def test_an_unknown_route_is_404_json(
    hub: Hub, hub_client: TestClient, expect_error, path: str
) -> None:
    error = await expect_error(await hub_client.get(path), 404, "not_found")
    assert error["message"] == f"Nothing at {path}"
    await still_up(hub, hub_client)


async def test_a_wrong_method_is_405_json(hub: Hub, hub_client: TestClient, expect_error) -> None:
    response = await hub_client.delete("/api/states")
    error = await expect_error(response, 405, "method_not_allowed")
    assert error["message"].startswith("DELETE is not allowed on /api/states (allowed: ")
    assert "GET" in response.headers["Allow"]
    await still_up(hub, hub_client)


async def test_an_unexpected_error_is_500_without_internals(
    hub: Hub, hub_client: TestClient, expect_error, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(call: ServiceCall) -> None:
        raise RuntimeError("database password is hunter2")

    hub.services.register("gate", "open", broken)
    response = await hub_client.post("/api/services/gate/open")
    error = await expect_error(response, 500, "internal_error")
    assert "hunter2" not in await response.text()
    assert error["message"] == "Internal error; the hub's log has the details"
    (record,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.getMessage() == "Error answering POST /api/services/gate/open"
    assert "hunter2" in str(record.exc_info[1])
    await still_up(hub, hub_client)


async def test_the_server_listens_and_the_hub_stops_it(hub_factory: HubFactory) -> None:
    hub = await hub_factory(http_host="127.0.0.1", http_port=0)
    await hub.http.start()
    token = (hub.config.config_dir / ADMIN_TOKEN_FILE).read_text(encoding="utf-8").strip()
    url = f"http://127.0.0.1:{hub.http.port}/api/"
    async with aiohttp.ClientSession() as session:
        async with session.get(url, headers={"Authorization": f"Bearer {token}"}) as response:
            assert response.status == 200
        await hub.stop()
        assert hub.http.port is None
        with pytest.raises(aiohttp.ClientConnectionError):
            await session.get(url)


async def test_a_port_in_use_is_a_clear_error(hub_factory: HubFactory) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        hub = await hub_factory(http_host="127.0.0.1", http_port=port)
        with pytest.raises(ServeError, match=f"Cannot serve the API on 127.0.0.1:{port}: "):
            await hub.http.start()
    assert hub.http.port is None


def wait_for_file(path: Path, process: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if "Serving the API on" in log.read_text(encoding="utf-8") and path.exists():
            return path.read_text(encoding="utf-8").strip()
        if process.poll() is not None:
            pytest.fail(f"linli exited with {process.returncode}:\n{log.read_text()}")
        time.sleep(0.05)
    pytest.fail(f"linli did not serve the API within {TIMEOUT} s:\n{log.read_text()}")


@pytest.mark.slow
async def test_linli_run_serves_the_api(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "linli.log"
    folder = tmp_path / "community"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "linli", "run", "--config", str(folder)),
                *("--port", str(port), "--no-discovery"),
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        token = wait_for_file(folder / ADMIN_TOKEN_FILE, process, log)
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{port}/api/"
            async with session.get(url, headers={"Authorization": f"Bearer {token}"}) as response:
                assert response.status == 200
                assert (await response.json())["state"] == "running"
            async with session.get(url) as response:
                assert response.status == 401
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=TIMEOUT) == 0
    finally:
        if process.poll() is None:
            process.kill()
    output = log.read_text(encoding="utf-8")
    assert f"Serving the API on http://0.0.0.0:{port}" in output
    assert f"Created the admin token in {folder / ADMIN_TOKEN_FILE}" in output
    assert token not in output
    assert "Stopped serving the API" in output
    assert "Traceback" not in output
