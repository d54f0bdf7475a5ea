"""The hub's MQTT connection against a broker that misbehaves on purpose: a server on a free
port that answers CONNACK and then sends exactly the bytes a test chooses, however they
are cut. Packets split anywhere arrive whole; whatever the bytes, the connection delivers
what it can read, closes with a reason on what it cannot, and never raises."""

from __future__ import annotations

import asyncio
import struct
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.integrations.mqtt.connection import Connection, ConnectionFailed

CONNACK_OK = bytes([0x20, 2, 0, 0])


def publish(topic: str, payload: bytes, qos: int = 0, packet_id: int = 1) -> bytes:
    body = struct.pack("!H", len(topic.encode())) + topic.encode()
    body += struct.pack("!H", packet_id) if qos else b""
    body += payload
    length, header = len(body), bytearray([0x30 | qos << 1])
    while True:
        length, digit = divmod(length, 128)
        header.append(digit | (0x80 if length else 0))
        if not length:
            return bytes(header) + body


@dataclass
class Broker:
    """Accepts one connection, answers its CONNACK with ``connack``, then sends ``script``."""

    connack: bytes = CONNACK_OK
    script: list[bytes] = field(default_factory=list)
    received: bytearray = field(default_factory=bytearray)
    port: int = 0

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            self.received += await reader.read(1024)  # the CONNECT
            writer.write(self.connack)
            for chunk in self.script:
                writer.write(chunk)
                await writer.drain()
                await asyncio.sleep(0)
            while data := await reader.read(1024):
                self.received += data
        except ConnectionError:
            pass  # the hub hung up on what it was sent: as it should
        finally:
            writer.close()


@pytest.fixture
async def broker() -> AsyncIterator[Broker]:
    fake = Broker()
    server = await asyncio.start_server(fake.serve, "127.0.0.1", 0)
    fake.port = server.sockets[0].getsockname()[1]
    async with server:
        yield fake


async def connect(broker: Broker) -> tuple[Connection, list[tuple[str, bytes, int, bool]]]:
    messages: list[tuple[str, bytes, int, bool]] = []
    connection = Connection(
        "127.0.0.1", broker.port, on_message=lambda *message: messages.append(message)
    )
    await connection.open(5)
    return connection, messages


async def settle(connection: Connection, until: int, messages: list) -> None:
    async with asyncio.timeout(5):
        while len(messages) < until and not connection.closed.done():
            await asyncio.sleep(0.005)


async def test_packets_cut_anywhere_arrive_whole_and_qos_1_is_acknowledged(
    broker: Broker,
) -> None:
    stream = publish("zigbee2mqtt/kitchen_smoke", b'{"smoke":true}', qos=1, packet_id=7)
    stream += publish("a/" + "长" * 100, b"x" * 300)  # a two-byte remaining length
    broker.script = [stream[i : i + 3] for i in range(0, len(stream), 3)]
    connection, messages = await connect(broker)
    await settle(connection, 2, messages)
    assert messages == [
        ("zigbee2mqtt/kitchen_smoke", b'{"smoke":true}', 1, False),
        ("a/" + "长" * 100, b"x" * 300, 0, False),
    ]
    await asyncio.sleep(0.05)
    assert bytes([0x40, 2, 0, 7]) in broker.received  # PUBACK of packet 7
    await connection.close()


async def test_a_refused_login_says_so(broker: Broker) -> None:
    broker.connack = bytes([0x20, 2, 0, 5])
    with pytest.raises(ConnectionFailed, match="not authorised") as refused:
        await connect(broker)
    assert refused.value.login_refused


async def test_a_packet_a_broker_never_sends_closes_the_connection_with_a_reason(
    broker: Broker,
) -> None:
    broker.script = [publish("ok/1", b"1"), bytes([0x10, 0]), publish("after/2", b"2")]
    connection, messages = await connect(broker)
    reason = await asyncio.wait_for(asyncio.shield(connection.closed), 5)
    assert reason == "protocol error: packet type 1 from a broker"
    assert messages == [("ok/1", b"1", 0, False)]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(garbage=st.binary(max_size=300), cuts=st.integers(1, 50))
async def test_any_bytes_leave_the_connection_open_or_closed_with_a_reason(
    broker: Broker, caplog: pytest.LogCaptureFixture, garbage: bytes, cuts: int
) -> None:
    stream = publish("first/one", b"1") + garbage
    broker.script = [stream[i : i + cuts] for i in range(0, len(stream), cuts)]
    connection, messages = await connect(broker)
    await settle(connection, 1, messages)
    await asyncio.sleep(0.01)
    assert messages[0] == ("first/one", b"1", 0, False)
    if connection.closed.done():
        assert connection.closed.result()
    await connection.close()
    assert not [record for record in caplog.records if record.levelname == "ERROR"]
