"""The status a locker bank reports, read and counted."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from linli_acme_locker.api import BankStatus, InvalidResponse
from linli_acme_locker.simulator import sample_status

NOW = datetime(2026, 5, 2, 12, 0, tzinfo=UTC)


def status_line(data: object) -> bytes:
    return json.dumps(data).encode() + b"\n"


def test_a_status_is_counted_by_compartment() -> None:
    status = BankStatus.parse(status_line(sample_status(NOW)))

    assert (status.serial, status.model, status.firmware) == ("AL24-000731", "AL-24", "2.3.1")
    assert status.free == 3  # the broken compartment is not free
    assert status.free_by_size() == {"S": 1, "M": 1, "L": 1}
    assert status.parcels == 2
    assert status.overdue(NOW) == 1
    assert status.overdue(NOW + timedelta(hours=23)) == 2


@pytest.mark.parametrize(
    ("line", "cause"),
    [
        (b"HTTP/1.1 400 Bad Request\r\n", "Expecting value"),
        (status_line({"serial": "X"}), "'model'"),
        (status_line({**sample_status(NOW), "compartments": [{"id": "A", "size": "XL"}]}), "XL"),
        (
            status_line(
                {
                    **sample_status(NOW),
                    "compartments": [
                        {"id": "A", "size": "S", "parcel": {"deposited_at": "2026-05-01T08:00"}}
                    ],
                }
            ),
            "no time zone",
        ),
    ],
)
def test_anything_else_is_an_invalid_response(line: bytes, cause: str) -> None:
    with pytest.raises(InvalidResponse, match=cause):
        BankStatus.parse(line)
