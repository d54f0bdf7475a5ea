"""What the bank refuses from its webhook: unsigned, forged, stale and replayed requests, and
messages it cannot read. Each refusal says why, and changes nothing."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient
from locker_helpers import SECRET, URL, ZHANG_ADDRESS, Courier, Neighbours, compartment, signed

from linli.config_entries import ConfigEntry
from linli.hub import Hub

DEPOSIT = {
    "type": "deposit",
    "parcel_id": "P-1",
    "tracking_number": "SF1",
    "carrier": "顺丰",
    "recipient": ZHANG_ADDRESS,
    "compartment": 1,
}
BODY = orjson.dumps(DEPOSIT)


async def nothing_changed(hub: Hub, neighbours: Neighbours) -> None:
    await hub.block_till_done()
    assert hub.states.get(compartment(hub, 1)).state == "free"
    assert await neighbours.told("zhang") == []


def now(hub: Hub) -> str:
    return str(int(hub.clock.time()))


@pytest.mark.parametrize(
    ("headers", "code", "message"),
    [
        pytest.param(
            lambda hub: {},
            "unsigned",
            "Unsigned request: the X-Linli-Signature header is missing (HMAC-SHA256 of "
            "'<X-Linli-Timestamp>.<body>' with the shared secret)",
            id="unsigned",
        ),
        pytest.param(
            lambda hub: signed(BODY, now(hub), secret="another vendor's secret"),
            "bad_signature",
            "X-Linli-Signature does not match the body: a wrong secret, or a changed body "
            "(HMAC-SHA256 of '<X-Linli-Timestamp>.<body>' with the shared secret)",
            id="wrong secret",
        ),
        pytest.param(
            lambda hub: signed(BODY.replace(b"P-1", b"P-2"), now(hub)),
            "bad_signature",
            "X-Linli-Signature does not match the body: a wrong secret, or a changed body "
            "(HMAC-SHA256 of '<X-Linli-Timestamp>.<body>' with the shared secret)",
            id="changed body",
        ),
        pytest.param(
            lambda hub: signed(BODY, "1796086499"),  # 09:00 less 301 s
            "stale",
            "X-Linli-Timestamp 1796086499 is more than 300 s away from the hub's clock: a "
            "replay, or the courier system's clock is wrong",
            id="stale",
        ),
        pytest.param(
            lambda hub: signed(BODY, "yesterday"),
            "bad_signature",
            "X-Linli-Timestamp must be epoch seconds, not 'yesterday'",
            id="timestamp not a number",
        ),
    ],
)
async def test_a_request_not_signed_by_the_courier_system_is_refused(
    hub: Hub,
    bank: ConfigEntry,
    neighbours: Neighbours,
    hub_client_no_auth: TestClient,
    headers: Any,
    code: str,
    message: str,
) -> None:
    answer = await hub_client_no_auth.post(URL, data=BODY, headers=headers(hub))

    assert answer.status == 401
    assert await answer.json() == {"message": message, "code": code}
    await nothing_changed(hub, neighbours)


async def test_a_replayed_request_is_refused(
    hub: Hub, bank: ConfigEntry, neighbours: Neighbours, courier: Courier
) -> None:
    headers = signed(orjson.dumps({**DEPOSIT, "compartment": 2}), now(hub))
    first = await courier.client.post(
        URL, data=orjson.dumps({**DEPOSIT, "compartment": 2}), headers=headers
    )
    assert first.status == 201
    assert (await courier.take_back("P-1")).status == 200  # the compartment is free again

    replayed = await courier.client.post(
        URL, data=orjson.dumps({**DEPOSIT, "compartment": 2}), headers=headers
    )
    assert replayed.status == 409
    assert await replayed.json() == {
        "message": "This signed request was received before: a replay is refused",
        "code": "replayed",
    }
    assert hub.states.get(compartment(hub, 2)).state == "free"
    assert len(await neighbours.told("zhang")) == 2  # the deposit, the return: no more


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (b"{not json", None, "The body is not valid JSON: "),
        (b"[1, 2]", None, "The body must be a JSON object, not an array"),
        ({}, "type", "Field 'type' is missing"),
        (
            {"type": "collect"},
            "type",
            "Field 'type' must be one of deposit, pickup, door, return, not 'collect'",
        ),
        (
            {**DEPOSIT, "parcel_id": 42},
            "parcel_id",
            "Field 'parcel_id' must be 1 to 63 letters, digits, '.', '_', ':' or '-', not 42",
        ),
        (
            {key: value for key, value in DEPOSIT.items() if key != "recipient"},
            "recipient",
            "Field 'recipient' is missing",
        ),
        (
            {**DEPOSIT, "carrier": ""},
            "carrier",
            "Field 'carrier' must be text of 1 to 32 characters, not ''",
        ),
        (
            {**DEPOSIT, "compartment": "1"},
            "compartment",
            "Field 'compartment' must be a compartment number (1, 2, …), not '1'",
        ),
        (
            {**DEPOSIT, "compartment": True},
            "compartment",
            "Field 'compartment' must be a compartment number (1, 2, …), not a boolean",
        ),
        (
            {"type": "pickup", "compartment": 1, "code": 12345},
            "code",
            "Field 'code' must be 6 digits in a string, e.g. \"042917\", not 12345",
        ),
        (
            {"type": "door", "compartment": 1, "door": ["open"]},
            "door",
            'Field \'door\' must be "open" or "closed", not an array',
        ),
        ({"type": "return"}, "parcel_id", "Field 'parcel_id' is missing"),
    ],
)
async def test_a_message_that_cannot_be_read_is_answered_400_naming_the_field(
    hub: Hub,
    bank: ConfigEntry,
    neighbours: Neighbours,
    hub_client_no_auth: TestClient,
    body: bytes | dict[str, Any],
    field: str | None,
    message: str,
) -> None:
    raw = body if isinstance(body, bytes) else orjson.dumps(body)
    answer = await hub_client_no_auth.post(URL, data=raw, headers=signed(raw, now(hub)))

    assert answer.status == 400
    error = await answer.json()
    assert error.get("field") == field
    assert error["message"].startswith(message)
    assert error["code"] == ("invalid_json" if field is None else "invalid_format")
    await nothing_changed(hub, neighbours)


async def test_only_post_to_the_webhook_is_answered(
    hub: Hub, bank: ConfigEntry, hub_client_no_auth: TestClient
) -> None:
    elsewhere = await hub_client_no_auth.post("/connect/lockers/parcels", data=BODY)
    assert elsewhere.status == 404
    assert (await elsewhere.json())["message"] == (
        "Nothing at /connect/lockers/parcels: post to /connect/lockers/webhook"
    )
    get = await hub_client_no_auth.get(URL)
    assert get.status == 405
    assert SECRET not in await get.text()
