"""Bad input from charge points: schema-breaking and malformed messages get the right
CALLERROR on a connection that stays; unknown charge points and wrong passwords are
refused at connect; a meter going backwards is refused; a fault alarms the operator."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient
from charger_helpers import CARD_A, SITE, ConnectCharger
from ocpp.exceptions import PropertyConstraintViolationError
from ocpp.messages import CallError

from linli.alarms.model import AlarmState
from linli.community.households import HouseholdEntry
from linli.hub import Hub
from linli.integrations.ev_charger import ChargingSiteRuntime
from linli.integrations.ev_charger.const import DOMAIN
from linli.integrations.ev_charger.simulator import SimulatedChargePoint


async def raw_call(charger: SimulatedChargePoint, frame: str) -> CallError:
    """Send ``frame`` as it is; the central system's answer."""
    await charger.socket.send_str(frame)
    return await asyncio.wait_for(charger._response_queue.get(), 5)


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        (
            '[2, "m1", "BootNotification", {"chargePointVendor": 5, "chargePointModel": "X"}]',
            "TypeConstraintViolation",
        ),
        (
            '[2, "m1", "BootNotification", {"chargePointVendor": "V"}]',
            "OccurenceConstraintViolation",
        ),
        (
            '[2, "m1", "StatusNotification", {"connectorId": 1, "errorCode": "NoError", '
            '"status": "Exploded"}]',
            "PropertyConstraintViolation",
        ),
        ('[2, "m1", "MakeCoffee", {}]', "NotSupported"),
        ('[2, "m1", "GetConfiguration", {}]', "NotImplemented"),
        ("not json at all", "FormationViolation"),
        ('[2, "m1", "Heartbeat", {"extra": 1}]', "FormationViolation"),
        ('[2, "m1"]', "ProtocolError"),  # the frame is incomplete
    ],
)
async def test_a_bad_message_gets_its_callerror_and_the_connection_stays(
    hub: Hub, connect_charger: ConnectCharger, frame: str, code: str
) -> None:
    charger = await connect_charger("CP-1")
    answer = await raw_call(charger, frame)
    assert isinstance(answer, CallError)
    assert answer.error_code == code, answer
    assert answer.unique_id == ("-1" if frame.startswith("not") else "m1")
    assert (await charger.boot()).status == "Accepted"  # still connected and understood
    assert hub.states.get("binary_sensor.charger_cp_1_connection").state == "on"


async def test_a_meter_going_backwards_is_refused_and_logged(
    hub: Hub,
    households: list[HouseholdEntry],
    connect_charger: ConnectCharger,
    caplog: pytest.LogCaptureFixture,
) -> None:
    charger = await connect_charger("CP-1")
    await charger.start_session(1, CARD_A)
    await hub.block_till_done()
    await charger.send_meter(1, 5000, 7000.0)
    with pytest.raises(
        PropertyConstraintViolationError, match="went backwards: 4000 Wh after 5000"
    ):
        await charger.send_meter(1, 4000, 7000.0)
    assert "went backwards" in caplog.text
    assert hub.states.get("sensor.charger_cp_1_connector_1_energy").state == "5.0"


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": aiohttp.encode_basic_auth(user, password)}


async def connect_raw(
    client: TestClient, path: str, **options: Any
) -> aiohttp.ClientResponse | aiohttp.ClientWebSocketResponse:
    try:
        return await client.session.ws_connect(client.make_url(path), **options)
    except aiohttp.WSServerHandshakeError as error:
        return error  # type: ignore[return-value]


async def test_an_unknown_charge_point_is_refused_at_connect(
    hub: Hub, site: ChargingSiteRuntime, hub_client_no_auth: TestClient
) -> None:
    refused = await connect_raw(hub_client_no_auth, "/connect/ocpp/CP-9", protocols=("ocpp1.6",))
    assert isinstance(refused, aiohttp.WSServerHandshakeError)
    assert refused.status == 404
    assert "CP-9" not in site.site.charge_points


async def test_auto_registration_lets_a_new_charge_point_in(
    hub: Hub, site: ChargingSiteRuntime, connect_charger: ConnectCharger
) -> None:
    entry = hub.config_entries.get(site.entry_id)
    hub.config_entries.update(entry, options={**entry.options, "auto_register": True})
    await hub.config_entries.reload(entry.id)
    charger = await connect_charger("CP-NEW", register=False)
    assert (await charger.boot()).status == "Accepted"
    device = hub.devices.get_by_identifier(DOMAIN, "CP-NEW")
    assert (device.manufacturer, device.model) == ("Linli", "LinliSim AC7")


@pytest.mark.parametrize(
    ("options", "status"),
    [
        ({"protocols": ("ocpp2.0.1",), "headers": basic("CP-1", "s3cret")}, 400),
        ({"protocols": ("ocpp1.6",)}, 401),
        ({"protocols": ("ocpp1.6",), "headers": basic("CP-1", "wrong")}, 401),
        ({"protocols": ("ocpp1.6",), "headers": basic("CP-2", "s3cret")}, 401),
    ],
)
async def test_a_charge_point_must_speak_ocpp_16_and_know_the_password(
    hub: Hub, hub_client_no_auth: TestClient, options: dict[str, Any], status: int
) -> None:
    entry = await hub.config_entries.add(
        DOMAIN, "B1", {**SITE, "endpoint": "b1", "password": "s3cret"}, unique_id="b1"
    )
    await hub.data[DOMAIN][entry.id].site.register("CP-1")
    refused = await connect_raw(hub_client_no_auth, "/connect/b1/CP-1", **options)
    assert isinstance(refused, aiohttp.WSServerHandshakeError)
    assert refused.status == status

    socket = await connect_raw(
        hub_client_no_auth,
        "/connect/b1/CP-1",
        protocols=("ocpp1.6",),
        headers=basic("CP-1", "s3cret"),
    )
    assert isinstance(socket, aiohttp.ClientWebSocketResponse)
    assert socket.protocol == "ocpp1.6"
    await socket.close()


async def test_a_faulted_connector_alarms_the_operator_until_it_recovers(
    hub: Hub, connect_charger: ConnectCharger
) -> None:
    charger = await connect_charger("CP-1")
    await charger.status(1, "Faulted", "GroundFailure")
    await hub.block_till_done()
    (alarm,) = hub.alarms.active()
    assert (alarm.alarm_type, alarm.severity, alarm.household_id) == (
        "charger_fault",
        "major",
        None,
    )
    assert alarm.source_entity_id == "sensor.charger_cp_1_connector_1_status"
    assert "GroundFailure" in alarm.message

    await charger.status(1, "Faulted", "GroundFailure")  # said again: still one alarm
    assert len(hub.alarms.active()) == 1
    await charger.status(1, "Available")
    await hub.block_till_done()
    assert hub.alarms.active() == []
    assert hub.alarms.get(alarm.id).state is AlarmState.cleared_unacknowledged


async def test_a_lost_connection_shows_and_the_hub_runs_on(
    hub: Hub, connect_charger: ConnectCharger, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    charger = await connect_charger("CP-1")
    await charger.close()
    await hub.block_till_done()
    for _ in range(100):
        if hub.states.get("binary_sensor.charger_cp_1_connection").state == "off":
            break
        await asyncio.sleep(0.01)
    assert hub.states.get("binary_sensor.charger_cp_1_connection").state == "off"
    assert "Charge point CP-1 disconnected" in caplog.text
