"""The watch protocol read from bytes: frames out of a stream, messages out of frames."""

from datetime import UTC, datetime

import pytest

from linli.integrations.elderly_wristband.framing import (
    FrameDecoder,
    ProtocolError,
    encode_frame,
    parse_frame,
)
from linli.integrations.elderly_wristband.messages import (
    BloodPressure,
    BodyTemperature,
    Cell,
    HeartRate,
    Link,
    PositionReport,
    UnknownCommand,
    WatchStatus,
    WifiAccessPoint,
    answer,
    parse_message,
)

# From the SeTracker protocol document (its example, ids and values as published).
UD = (
    b"UD,220414,134652,A,22.571707,N,113.8613968,E,0.1,0.0,100,7,60,90,1000,50,0000,4,1,460,"
    b"0,9360,4082,131,9360,4092,148,9360,4091,143,9360,4153,141"
)


def test_a_stream_is_cut_into_frames_whatever_the_reads() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(b"[3G*8800000015*0002*LK][SG*88000") == [b"3G*8800000015*0002*LK"]
    assert decoder.pending == len(b"[SG*88000")
    assert decoder.feed(b"00015*000D*LK,50,") == []
    assert decoder.feed(b"100,100]") == [b"SG*8800000015*000D*LK,50,100,100"]
    assert (decoder.pending, decoder.garbage_bytes) == (0, 0)


def test_garbage_between_frames_is_skipped_and_counted() -> None:
    decoder = FrameDecoder()
    frames = decoder.feed(b"\r\nGET / HTTP/1.1\r\n[3G*1*0002*LK]\x00\xff]]LK[3G*1*0002*LK]")
    assert frames == [b"3G*1*0002*LK", b"3G*1*0002*LK"]
    assert decoder.garbage_bytes == len(b"\r\nGET / HTTP/1.1\r\n") + len(b"\x00\xff]]LK")


def test_a_frame_cut_short_by_the_next_one_is_garbage() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(b"[3G*1*0002*L[3G*1*0002*LK]") == [b"3G*1*0002*LK"]
    assert decoder.garbage_bytes == len(b"[3G*1*0002*L")


def test_a_frame_without_end_is_dropped_once_too_long() -> None:
    decoder = FrameDecoder(max_frame=64)
    assert decoder.feed(b"[3G*1*0040*UD," + b"9" * 40) == []
    assert decoder.oversized == 0  # it may still end
    assert decoder.feed(b"9" * 20) == []
    assert (decoder.oversized, decoder.oversized_in_a_row, decoder.pending) == (1, 1, 0)
    # Its tail is garbage; the next frame is read, and the count in a row starts again.
    assert decoder.feed(b"999][3G*1*0002*LK]") == [b"3G*1*0002*LK"]
    assert decoder.oversized_in_a_row == 0
    assert decoder.feed(b"[" + b"x" * 80 + b"]") == []  # ended, but too long all the same
    assert decoder.oversized == 2


def test_a_frame_header_is_read_and_a_wrong_length_trusted_to_the_bracket() -> None:
    frame = parse_frame(b"SG*8800000015*0002*LK,50,100,100")  # the watch says 2 bytes
    assert (frame.vendor, frame.device_id, frame.declared_length) == ("SG", "8800000015", 2)
    assert frame.content == b"LK,50,100,100"
    assert encode_frame("3G", "8800000015", "LK,50,100,100") == (
        b"[3G*8800000015*000D*LK,50,100,100]"
    )


@pytest.mark.parametrize(
    ("frame", "cause"),
    [
        (b"3G*8800000015*0002", "expected \\[vendor\\*id\\*length\\*content\\]"),
        (b"3g*8800000015*0002*LK", "vendor b'3g'"),
        (b"3G*88-00*0002*LK", "device id b'88-00'"),
        (b"3G*8800000015*2*LK", "length b'2' of watch 8800000015"),
        (b"3G*8800000015*00G2*LK", "length b'00G2'"),
        (b"3G*8800000015*0000*", "has no content"),
    ],
)
def test_a_malformed_frame_is_refused_saying_why(frame: bytes, cause: str) -> None:
    with pytest.raises(ProtocolError, match=cause):
        parse_frame(frame)


def test_a_location_report_is_read_in_the_documented_order() -> None:
    report = parse_message(UD)
    assert report == PositionReport(
        command="UD",
        time=datetime(2014, 4, 22, 13, 46, 52, tzinfo=UTC),
        fix=True,
        latitude=22.571707,
        longitude=113.8613968,
        speed=0.1,
        direction=0.0,
        altitude=100.0,
        satellites=7,
        gsm_signal=60,
        battery=90,
        steps=1000,
        rolls=50,
        status=WatchStatus(0),
        cells=(
            Cell(460, 0, 9360, 4082, 131),
            Cell(460, 0, 9360, 4092, 148),
            Cell(460, 0, 9360, 4091, 143),
            Cell(460, 0, 9360, 4153, 141),
        ),
    )
    assert answer(report) is None


def test_an_alarm_carries_its_status_bits_and_is_answered() -> None:
    report = parse_message(
        b"AL_LTE,010526,081500,V,33.1,S,70.5,W,,,,0,40,15,12,0,00310001,0,0,2,a,aa:bb,-50,b,cc:dd,"
    )
    assert isinstance(report, PositionReport)
    assert (report.alarm, report.fix, report.latitude, report.longitude) == (
        True,
        False,
        -33.1,
        -70.5,
    )
    assert (report.speed, report.direction, report.altitude) == (None, None, None)
    status = report.status
    assert (status.sos, status.fall, status.taken_off) == (True, True, True)
    assert WatchStatus.low_battery in status
    assert report.cells == ()
    assert report.wifi == (
        WifiAccessPoint("a", "aa:bb", -50),
        WifiAccessPoint("b", "cc:dd", None),
    )
    assert answer(report) == "AL"


def test_an_alarm_with_a_network_list_it_cannot_read_still_counts() -> None:
    report = parse_message(b"AL,010526,081500,A,31.2,N,121.4,E,0,0,0,9,80,90,0,0,00010000,3,x")
    assert isinstance(report, PositionReport)
    assert report.status.sos
    assert report.cells == ()


@pytest.mark.parametrize("date", ["000000", "320526", "\u00b20526", "0105"])
def test_a_report_without_a_real_date_has_no_time(date: str) -> None:
    content = f"UD,{date},081500,V,0,N,0,E,0,0,0,0,40,15,12,0,00000000"
    report = parse_message(content.encode())
    assert isinstance(report, PositionReport)
    assert report.time is None


@pytest.mark.parametrize(
    ("content", "cause"),
    [
        (b"UD,010526,081500,A,91.0,N,121.4,E", "'latitude' \\(4\\): expected a number from -90"),
        (b"UD,010526,081500,A,nan,N,121.4,E", "'latitude'"),
        (b"UD,010526,081500,X,31.2,N,121.4,E", "'fix' \\(3\\): expected 'A' or 'V'"),
        (b"UD,010526,081500,A,31.2,N,121.4,E,0,0,0,9,80,90,0,0", "has no field 'status'"),
        (b"AL,010526,081500,A,31.2,N,121.4,E,0,0,0,9,80,90,0,0,SOS!", "'status'"),
        (b"LK,1_000,0,90", "'steps'"),
        (b"heart,-60", "'heart rate'"),
        (b"btemp2,1,hot", "'temperature'"),
    ],
)
def test_a_malformed_message_is_refused_naming_the_field(content: bytes, cause: str) -> None:
    with pytest.raises(ProtocolError, match=cause):
        parse_message(content)


def test_keep_alives_are_answered() -> None:
    assert parse_message(b"LK") == Link(command="LK")
    link = parse_message(b"LK,50,100,85")
    assert link == Link(command="LK", steps=50, rolls=100, battery=85)
    assert answer(link) == "LK"


@pytest.mark.parametrize(
    ("content", "message", "answered"),
    [
        (
            b"bphrt,120,79,73,170,1,65,60",
            BloodPressure(command="bphrt", systolic=120, diastolic=79, heart_rate=73),
            "bphrt",
        ),
        (
            b"bphrt,0,0,78",  # blood pressure not measured
            BloodPressure(command="bphrt", systolic=None, diastolic=None, heart_rate=78),
            "bphrt",
        ),
        (
            b"blood,135,88",
            BloodPressure(command="blood", systolic=135, diastolic=88, heart_rate=None),
            None,
        ),
        (b"heart,64", HeartRate(command="heart", heart_rate=64), None),
        (b"btemp2,1,36.7", BodyTemperature(command="btemp2", celsius=36.7), "btemp2"),
        (b"btemp2,0,1", BodyTemperature(command="btemp2", celsius=None), "btemp2"),
    ],
)
def test_health_measurements_are_read(
    content: bytes, message: object, answered: str | None
) -> None:
    parsed = parse_message(content)
    assert parsed == message
    assert answer(parsed) == answered


def test_unknown_commands_are_named_and_not_answered() -> None:
    unknown = parse_message(b"TKQ2")
    assert unknown == UnknownCommand(command="TKQ2")
    assert answer(unknown) is None
    assert parse_message(b"TK,\x7d\x01\x23\xff") == UnknownCommand(command="TK")
