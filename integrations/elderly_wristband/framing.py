"""Framing of the GPS-watch text protocol: ``[VV*DEVICEID*LLLL*CONTENT]``.

``VV`` is the vendor code (3G, SG, CS, ZJ…), ``DEVICEID`` the watch's id (usually ten
digits of its IMEI), ``LLLL`` the length of ``CONTENT`` in bytes as four hex digits, and
``CONTENT`` a command with comma-separated fields (``LK,50,100,100``). Binary content
(voice messages) escapes ``[``, ``]``, ``,`` and ``*``, so a frame never contains a bracket:
the closing bracket, not the length field, ends a frame. Real watches send wrong length
fields; such frames are accepted.

:class:`FrameDecoder` cuts a TCP byte stream into frames (half frames wait for the rest,
bytes outside frames are skipped and counted, frames too long are dropped);
:func:`parse_frame` reads one frame's header; :func:`encode_frame` writes a frame.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Final

_LOGGER = logging.getLogger(__name__)

FRAME_START: Final = ord("[")
FRAME_END: Final = ord("]")
# The longest frame accepted, brackets included. Location reports with a full cell and
# Wi-Fi list stay well under 1 KiB; voice and image uploads are longer and not supported.
MAX_FRAME_BYTES: Final = 4096

_VENDOR = re.compile(rb"[A-Z0-9]{2}")
_DEVICE_ID = re.compile(rb"[0-9A-Za-z]{1,20}")
_LENGTH = re.compile(rb"[0-9A-Fa-f]{4}")
_SHOWN_BYTES = 60  # of a bad frame, in log messages and errors


class ProtocolError(ValueError):
    """Bytes that are not what the watch protocol says they should be."""


def shown(data: bytes) -> str:
    """``data`` for a log message or an error: its start, printable."""
    text = repr(data[:_SHOWN_BYTES])
    return text if len(data) <= _SHOWN_BYTES else f"{text}… ({len(data)} bytes)"


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame's header and its content (``LK,50,100,100``), as bytes."""

    vendor: str
    device_id: str
    declared_length: int
    content: bytes


def parse_frame(frame: bytes) -> Frame:
    """Read a frame without its brackets (``3G*8800000015*0002*LK``).

    Raises :class:`ProtocolError` saying what is wrong. A length field that does not match
    the content is logged at debug level and otherwise ignored.
    """
    parts = frame.split(b"*", 3)
    if len(parts) < 4:
        raise ProtocolError(f"expected [vendor*id*length*content], got {shown(frame)}")
    vendor, device_id, length, content = parts
    if not _VENDOR.fullmatch(vendor):
        raise ProtocolError(f"vendor {shown(vendor)} is not two capitals or digits")
    if not _DEVICE_ID.fullmatch(device_id):
        raise ProtocolError(f"device id {shown(device_id)} is not 1 to 20 letters or digits")
    if not _LENGTH.fullmatch(length):
        raise ProtocolError(
            f"length {shown(length)} of watch {device_id.decode()} is not four hex digits"
        )
    if not content:
        raise ProtocolError(f"frame of watch {device_id.decode()} has no content")
    declared_length = int(length, 16)
    if declared_length != len(content):
        _LOGGER.debug(
            "Watch %s declared %d content bytes but sent %d; trusting the closing bracket",
            device_id.decode(),
            declared_length,
            len(content),
        )
    return Frame(vendor.decode(), device_id.decode(), declared_length, content)


def encode_frame(vendor: str, device_id: str, content: str) -> bytes:
    """The frame carrying ``content`` (ASCII text) with the right length field."""
    data = content.encode("ascii")
    return b"[%s*%s*%04X*%s]" % (vendor.encode(), device_id.encode(), len(data), data)


class FrameDecoder:
    """Cuts a byte stream into frames; :meth:`feed` returns each frame without brackets.

    Counts what it skips: ``garbage_bytes`` outside frames (a frame cut short by the
    start of another counts as garbage too) and ``oversized`` frames with no closing
    bracket within ``max_frame`` bytes. ``oversized_in_a_row`` starts again at 0 with
    every complete frame, so a caller can give up on a stream that only sends those.
    """

    def __init__(self, max_frame: int = MAX_FRAME_BYTES) -> None:
        self.max_frame = max_frame
        self.garbage_bytes = 0
        self.oversized = 0
        self.oversized_in_a_row = 0
        self._buffer = bytearray()

    @property
    def pending(self) -> int:
        """Bytes of a frame begun but not ended yet."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[bytes]:
        """Take the next bytes of the stream; return the frames they complete."""
        buffer = self._buffer
        buffer += data
        frames: list[bytes] = []
        position = 0
        while position < len(buffer):
            start = buffer.find(FRAME_START, position)
            if start < 0:
                self.garbage_bytes += len(buffer) - position
                position = len(buffer)
                break
            self.garbage_bytes += start - position
            end = buffer.find(FRAME_END, start + 1)
            restart = buffer.find(FRAME_START, start + 1, len(buffer) if end < 0 else end)
            if end < 0 and restart < 0:
                if len(buffer) - start <= self.max_frame:
                    position = start  # the rest of the frame is still to come
                    break
                stop = len(buffer)  # dropped; what follows up to its end is garbage
            else:
                stop = restart if restart >= 0 else end + 1
            if stop - start > self.max_frame:
                self.oversized += 1
                self.oversized_in_a_row += 1
                position = stop
                continue
            if restart >= 0:  # a frame cut short: the new one starts here
                self.garbage_bytes += restart - start
                position = restart
                continue
            frames.append(bytes(buffer[start + 1 : end]))
            self.oversized_in_a_row = 0
            position = end + 1
        del buffer[:position]
        return frames
