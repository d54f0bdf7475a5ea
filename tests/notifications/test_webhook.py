"""The webhook channel against a real receiver (an aiohttp server on a free port): signed
requests a gateway can verify, retries on 500, and the alarm ladder moving on when the
gateway stays down."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import orjson
import pytest
from aiohttp import web

from linli.config import AlarmsConfig, ExternalContact, WebhookConfig
from linli.hub import Hub
from linli.notifications.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature, verify
from linli.plugins import PluginManager
from linli.testing import fire_time_changed
from linli.testing.plugin import HubFactory
from linli.testing.processes import free_port

SECRET = "the gateway's shared secret"
GRANDMAS_PHONE = "13800000001"


@dataclass
class Gateway:
    """An SMS gateway: answers each request with the next of ``statuses`` (then 200)."""

    url: str
    statuses: list[int] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)  # the verified ones
    forged: int = 0
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        timestamp = request.headers.get(TIMESTAMP_HEADER, "")
        signed = request.headers.get(SIGNATURE_HEADER, "")
        if verify(SECRET, timestamp, body, signed, now=time.time()):
            self.received.append(orjson.loads(body))
        else:
            self.forged += 1
        self.arrived.set()
        status = self.statuses.pop(0) if self.statuses else 200
        return web.Response(status=status)

    async def next_request(self) -> None:
        await asyncio.wait_for(self.arrived.wait(), 5)
        self.arrived.clear()


@pytest.fixture
async def gateway() -> AsyncIterator[Gateway]:
    port = free_port()
    gateway = Gateway(f"http://127.0.0.1:{port}/sms")
    app = web.Application()
    app.router.add_post("/sms", gateway.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield gateway
    await runner.cleanup()


def settings(url: str) -> AlarmsConfig:
    return AlarmsConfig(
        webhook=WebhookConfig(url, SECRET),
        phone_channels=("webhook",),
        external=(ExternalContact("webhook", "district-110"),),
    )


@pytest.fixture
def start_hub(hub_factory: HubFactory, plugins: PluginManager) -> Callable[[str], Any]:
    async def start(url: str) -> Hub:
        hub = await hub_factory(plugins=plugins, alarms=settings(url))
        household = hub.community.households.create("张家")
        grandma = hub.community.members.create(
            household.id, "张奶奶", "family", phone=GRANDMAS_PHONE
        )
        daughter = hub.users.create("zhang_li", "resident")
        hub.community.members.create(
            household.id, "张丽", "caregiver", user_id=daughter.id, cares_for={grandma.id}
        )
        return hub

    return start


def sos(hub: Hub) -> str:
    return hub.alarms.raise_alarm(
        "sos",
        "critical",
        source_entity_id=None,
        household_id=next(iter(hub.community.households)).id,
        message="SOS",
    ).id


async def test_a_notification_arrives_signed(start_hub: Any, gateway: Gateway) -> None:
    hub = await start_hub(gateway.url)
    sos(hub)
    await gateway.next_request()
    assert gateway.forged == 0
    [sms] = gateway.received
    assert sms["recipient"] == GRANDMAS_PHONE
    assert sms["message"] == "[测试小区] Critical alarm: sos. SOS (张家)"
    assert sms["hub"] == "测试小区"


def test_a_signature_is_bound_to_its_body_time_and_secret() -> None:
    body = b'{"recipient":"1","message":"SOS"}'
    signed = signature(SECRET, "1800000000", body)
    assert signed.startswith("sha256=")
    assert len(signed) == len("sha256=") + 64
    assert verify(SECRET, "1800000000", body, signed, now=1800000100)
    assert not verify(SECRET, "1800000000", body + b" ", signed, now=1800000100)
    assert not verify("another secret", "1800000000", body, signed, now=1800000100)
    assert not verify(SECRET, "1800000001", body, signed, now=1800000100)
    assert not verify(SECRET, "1800000000", body, signed, now=1800000000 + 3600)  # a replay
    assert not verify(SECRET, "soon", body, signed, now=1800000100)


async def test_a_500_is_retried_until_the_gateway_takes_it(
    start_hub: Any, gateway: Gateway
) -> None:
    hub = await start_hub(gateway.url)
    gateway.statuses = [500, 503]
    alarm_id = sos(hub)
    await gateway.next_request()
    fire_time_changed(hub, timedelta(seconds=5))
    await gateway.next_request()
    fire_time_changed(hub, timedelta(seconds=10))
    await gateway.next_request()
    await hub.block_till_done()
    assert len(gateway.received) == 3  # the same message, three times: the last one taken
    assert hub.alarms.get(alarm_id).escalation_step == 0  # delivered: the step waits


async def test_a_gateway_that_stays_down_moves_the_ladder_on(
    start_hub: Any, gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    hub = await start_hub(gateway.url)
    gateway.statuses = [500] * 4
    alarm_id = sos(hub)
    await gateway.next_request()
    for delay in (5, 10, 20):
        fire_time_changed(hub, timedelta(seconds=delay))
        await gateway.next_request()
    await hub.block_till_done()
    alarm = hub.alarms.get(alarm_id)
    assert alarm.escalation_step == 1  # the caregiver, 35 s after the SOS instead of 60
    [told] = [
        await hub.notifications.of_user(user.id)
        for user in hub.users
        if user.username == "zhang_li"
    ]
    assert [note.alarm_id for note in told] == [alarm_id]
    assert "Could not notify webhook:13800000001 after 4 attempts" in caplog.text


async def test_an_unreachable_gateway_fails_like_one_that_is_down(
    start_hub: Any, caplog: pytest.LogCaptureFixture
) -> None:
    hub = await start_hub(f"http://127.0.0.1:{free_port()}/sms")  # nobody listens there
    alarm_id = sos(hub)
    for delay in (0, 5, 10, 20):
        fire_time_changed(hub, timedelta(seconds=delay))
        await asyncio.sleep(0.2)
    await hub.block_till_done()
    assert hub.alarms.get(alarm_id).escalation_step == 1
    assert "cannot reach the webhook" in caplog.text
