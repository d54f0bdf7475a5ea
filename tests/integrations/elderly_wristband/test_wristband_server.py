"""The watch server through its TCP socket: answers, split frames, wrong lengths, garbage,
oversized frames and unknown commands, as real watches send them."""

import asyncio
import logging

import pytest
from wristband_helpers import WATCH_ID, site_of

from linli.config_entries import ConfigEntry
from linli.hub import Hub
from linli.integrations.elderly_wristband.simulator import SimulatedWatch, position_content

SOS = 1 << 16


async def test_a_keep_alive_is_answered_in_the_watchs_framing(
    hub: Hub, wristbands: ConfigEntry
) -> None:
    async with SimulatedWatch(WATCH_ID, wristbands.data["port"], vendor="SG") as watch:
        answer = await watch.link(steps=50, rolls=100, battery=100)
    assert (answer.vendor, answer.device_id, answer.content) == ("SG", WATCH_ID, b"LK")
    assert answer.declared_length == 2
    assert site_of(hub, wristbands).server.stats.frames == 1


async def test_frames_split_across_reads_or_sharing_one_are_all_answered(
    watch: SimulatedWatch,
) -> None:
    two = watch.frame("LK") + watch.frame("LK,10,0,90")
    for byte in two[:30]:
        await watch.write(bytes([byte]))
        await asyncio.sleep(0)
    await watch.write(two[30:])
    assert [(await watch.answer()).content for _ in range(2)] == [b"LK", b"LK"]


async def test_a_wrong_length_field_is_tolerated(
    watch: SimulatedWatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, "linli.integrations.elderly_wristband")
    await watch.write(b"[3G*8800000015*0009*LK,50,100,100]")  # 13 bytes, not 9
    assert (await watch.answer()).content == b"LK"
    assert "declared 9 content bytes but sent 13" in caplog.text


async def test_garbage_between_frames_is_skipped_and_counted(
    hub: Hub, wristbands: ConfigEntry, watch: SimulatedWatch
) -> None:
    await watch.write(b"\r\n\x00\xffGET / HTTP/1.1\r\n" + watch.frame("LK") + b"]]\n")
    await watch.write(b"noise" + watch.frame("LK"))
    assert [(await watch.answer()).content for _ in range(2)] == [b"LK", b"LK"]
    stats = site_of(hub, wristbands).server.stats
    assert stats.garbage_bytes == len(b"\r\n\x00\xffGET / HTTP/1.1\r\n]]\nnoise")
    assert stats.bad_frames == 0


async def test_a_malformed_frame_is_logged_dropped_and_not_answered(
    hub: Hub, wristbands: ConfigEntry, watch: SimulatedWatch, caplog: pytest.LogCaptureFixture
) -> None:
    await watch.write(b"[3G*8800000015*00G2*LK]")
    await watch.send(position_content(95.0, 121.4))  # no such latitude
    assert (await watch.link()).content == b"LK"  # the first answer is the keep-alive's
    assert site_of(hub, wristbands).server.stats.bad_frames == 2
    dropped = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert dropped == [
        "Dropped a frame from watch (not identified) at 127.0.0.1: "
        "length b'00G2' of watch 8800000015 is not four hex digits",
        "Dropped a frame from watch 8800000015 at 127.0.0.1: UD field 'latitude' (4): "
        "expected a number from -90 to 90, got b'95.000000'",
    ]


async def test_unknown_commands_are_logged_and_not_answered(
    hub: Hub, wristbands: ConfigEntry, watch: SimulatedWatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "linli.integrations.elderly_wristband")
    await watch.send("ICCID,89860000000000000000")
    await watch.write(watch.frame("TK,") + b"\x7d\x01\x00\xff" + b"]")
    assert (await watch.link()).content == b"LK"
    assert site_of(hub, wristbands).server.stats.unknown_commands == 2
    assert "Ignoring the unknown command ICCID from watch 8800000015" in caplog.text


async def test_alarms_and_health_measurements_are_answered_as_the_protocol_expects(
    watch: SimulatedWatch,
) -> None:
    assert (await watch.alarm(31.2, 121.4, SOS)).content == b"AL"
    assert (await watch.request("bphrt,120,79,73,,,,")).content == b"bphrt"
    assert (await watch.request("btemp2,1,36.6")).content == b"btemp2"
    await watch.send("heart,78")  # not answered
    await watch.send("blood,120,80")  # not answered
    await watch.report(31.2, 121.4)  # not answered
    assert (await watch.link()).content == b"LK"


async def test_a_connection_sending_only_oversized_frames_is_closed(
    hub: Hub, wristbands: ConfigEntry, watch: SimulatedWatch
) -> None:
    port = wristbands.data["port"]
    async with SimulatedWatch("8800000016", port) as neighbour:
        for _ in range(3):
            await watch.write(b"[3G*8800000015*1400*UD," + b"9" * 5000)
        with pytest.raises(ConnectionResetError):
            await watch.answer()
        assert (await neighbour.link()).content == b"LK"  # the others carry on
    stats = site_of(hub, wristbands).server.stats
    assert (stats.oversized_frames, stats.dropped_connections) == (3, 1)
    async with SimulatedWatch(WATCH_ID, port) as again:
        assert (await again.link()).content == b"LK"


async def test_an_oversized_frame_now_and_then_is_only_dropped(
    hub: Hub, wristbands: ConfigEntry, watch: SimulatedWatch
) -> None:
    for _ in range(3):
        await watch.write(b"[3G*8800000015*1400*UD," + b"9" * 5000 + b"]")
        assert (await watch.link()).content == b"LK"
    assert site_of(hub, wristbands).server.stats.oversized_frames == 3


async def test_unloading_closes_the_connections_and_the_port(
    hub: Hub, wristbands: ConfigEntry, watch: SimulatedWatch
) -> None:
    await watch.link()
    assert await hub.config_entries.unload(wristbands.id)
    with pytest.raises(ConnectionResetError):
        await watch.answer()
    with pytest.raises(ConnectionRefusedError):
        await asyncio.open_connection("127.0.0.1", wristbands.data["port"])
