"""Fuzzing the watch protocol: no input makes the parser raise anything but its own error,
and no byte stream on the watch port crashes the server or stops good frames after it.

The TCP tests share one hub across their examples on purpose: it has to survive them all.
"""

import logging
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wristband_helpers import site_of

from linli.config_entries import ConfigEntry
from linli.hub import Hub
from linli.integrations.elderly_wristband.framing import (
    FrameDecoder,
    ProtocolError,
    encode_frame,
    parse_frame,
)
from linli.integrations.elderly_wristband.messages import answer, parse_message
from linli.integrations.elderly_wristband.simulator import SimulatedWatch, position_content

FUZZ_ID = "FUZZ000001"
LK = encode_frame("3G", FUZZ_ID, "LK")

COMMANDS = ["LK", "UD", "UD2", "UD_LTE", "AL", "AL_LTE", "bphrt", "blood", "heart", "btemp2"]
# Fields that are almost numbers, or other than they look (Unicode digits pass isdigit()).
ODD_FIELDS = ["", "A", "V", "N", "S", "E", "W", "nan", "inf", "1_0", " 7", "FFFFFFFF", "²105", "٣"]
FIELD = st.one_of(
    st.from_regex(r"-?[0-9]{1,12}(\.[0-9]{0,12})?", fullmatch=True),
    st.sampled_from(ODD_FIELDS),
    st.text(max_size=8),
)
# Commands the parser knows, with fields that look almost right.
CONTENT = st.builds(
    lambda command, fields: ",".join([command, *fields]).encode(),
    st.sampled_from(COMMANDS),
    st.lists(FIELD, max_size=30),
)
STREAM_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def chunks(data: bytes, cuts: list[int]) -> Iterator[bytes]:
    """``data`` cut after each of ``cuts`` bytes (the rest in one piece)."""
    start = 0
    for size in cuts:
        yield data[start : start + size]
        start += size
    yield data[start:]


@given(st.binary(max_size=300))
def test_a_frame_is_read_or_refused_with_a_protocol_error(data: bytes) -> None:
    try:
        frame = parse_frame(data)
    except ProtocolError:
        return
    assert frame.content


@given(st.one_of(st.binary(max_size=300), CONTENT))
def test_a_message_is_read_or_refused_with_a_protocol_error(content: bytes) -> None:
    try:
        message = parse_message(content)
    except ProtocolError:
        return
    answer(message)  # whatever it is, it can be answered or not


@given(st.binary(max_size=600), st.lists(st.integers(1, 80), max_size=20))
def test_how_a_stream_is_cut_into_reads_does_not_change_its_frames(
    stream: bytes, cuts: list[int]
) -> None:
    whole = FrameDecoder(max_frame=128)
    expected = whole.feed(stream)
    pieces = FrameDecoder(max_frame=128)
    frames = [frame for chunk in chunks(stream, cuts) for frame in pieces.feed(chunk)]
    assert frames == expected
    assert (pieces.garbage_bytes, pieces.oversized) == (whole.garbage_bytes, whole.oversized)
    assert pieces.pending <= 128


@given(st.binary(max_size=600), CONTENT)
def test_a_good_frame_after_any_garbage_is_read(garbage: bytes, content: bytes) -> None:
    decoder = FrameDecoder(max_frame=2048)  # room for the longest CONTENT (about 1 KB)
    frames = decoder.feed(garbage + b"[3G*" + FUZZ_ID.encode() + b"*0000*" + content + b"]")
    if b"[" not in content and b"]" not in content:
        assert frames[-1] == b"3G*" + FUZZ_ID.encode() + b"*0000*" + content


@STREAM_SETTINGS
@given(st.binary(max_size=2000), st.lists(st.integers(1, 300), max_size=10))
async def test_any_bytes_on_the_watch_port_leave_the_server_answering(
    hub: Hub,
    wristbands: ConfigEntry,
    caplog: pytest.LogCaptureFixture,
    garbage: bytes,
    cuts: list[int],
) -> None:
    async with SimulatedWatch(FUZZ_ID, wristbands.data["port"]) as watch:
        for chunk in chunks(garbage + LK, cuts):
            await watch.write(chunk)
        # The garbage may hold frames of other watches that are answered too.
        while (answer := await watch.answer()).device_id != FUZZ_ID:
            pass
        assert answer.content == b"LK"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


GOOD = st.integers(0, 99_999).map(
    lambda steps: (1, encode_frame("3G", FUZZ_ID, f"LK,{steps},0,90"))
)
REPORT = st.just((0, encode_frame("3G", FUZZ_ID, position_content(31.2, 121.4))))
NOISE = st.binary(max_size=60).map(lambda data: (0, data.replace(b"[", b"").replace(b"]", b"")))
BROKEN = st.binary(max_size=60).map(
    lambda data: (0, b"[" + data.replace(b"[", b"").replace(b"]", b"") + b"]")
)


@STREAM_SETTINGS
@given(
    st.lists(st.one_of(GOOD, REPORT, NOISE, BROKEN), max_size=15),
    st.lists(st.integers(1, 120), max_size=15),
)
async def test_every_good_frame_in_a_noisy_stream_is_answered_in_order(
    hub: Hub,
    wristbands: ConfigEntry,
    pieces: list[tuple[int, bytes]],
    cuts: list[int],
) -> None:
    stats = site_of(hub, wristbands).server.stats
    frames_before = stats.frames
    async with SimulatedWatch(FUZZ_ID, wristbands.data["port"]) as watch:
        for chunk in chunks(b"".join(data for _, data in pieces) + LK, cuts):
            await watch.write(chunk)
        for _ in range(sum(answered for answered, _ in pieces) + 1):
            assert (await watch.answer()).content == b"LK"
    good = sum(data.startswith(b"[3G*" + FUZZ_ID.encode()) for _, data in pieces)
    assert stats.frames - frames_before >= good + 1
