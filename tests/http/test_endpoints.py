"""Devices' endpoints under /connect/: an integration's handler, reached without a token."""

from __future__ import annotations

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from linli.hub import Hub


async def echo(request: web.Request) -> web.Response:
    return web.json_response({"method": request.method, "rest": request.match_info["rest"]})


async def test_a_registered_endpoint_answers_without_a_token(
    hub: Hub, hub_client_no_auth: TestClient
) -> None:
    remove = hub.http.endpoints.register("lockers", echo)

    response = await hub_client_no_auth.post("/connect/lockers/parcels/42")
    assert response.status == 200
    assert await response.json() == {"method": "POST", "rest": "parcels/42"}

    remove()
    response = await hub_client_no_auth.post("/connect/lockers/parcels/42")
    assert response.status == 404
    assert (await response.json())["message"] == "No endpoint /connect/lockers/ on this hub"


async def test_an_endpoint_name_is_taken_once(hub: Hub) -> None:
    hub.http.endpoints.register("ocpp", echo)
    with pytest.raises(ValueError, match="/connect/ocpp/ is taken"):
        hub.http.endpoints.register("ocpp", echo)


@pytest.mark.parametrize("name", ["", "OCPP", "a/b", "x" * 65, "-lead"])
async def test_an_endpoint_name_is_one_lower_case_path_segment(hub: Hub, name: str) -> None:
    with pytest.raises(ValueError, match="is not an endpoint name"):
        hub.http.endpoints.register(name, echo)


async def test_the_api_still_needs_a_token(hub: Hub, hub_client_no_auth: TestClient) -> None:
    hub.http.endpoints.register("api", echo)  # /connect/api/… is not /api/…
    assert (await hub_client_no_auth.get("/api/states")).status == 401
    assert (await hub_client_no_auth.get("/connect/api/states")).status == 200
