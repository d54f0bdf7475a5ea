"""The courier system's messages: JSON objects whose ``type`` says what happened.

- ``deposit`` {parcel_id, tracking_number, carrier, recipient, compartment}: a courier put
  a parcel in a compartment and closed it;
- ``pickup`` {compartment, code}: someone typed a pickup code on the locker's keypad;
- ``door`` {compartment, door: "open" | "closed"}: a compartment's door opened or closed;
- ``return`` {parcel_id}: the courier took a parcel back.

Other fields are ignored. :func:`parse_message` names the field that is missing or wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

import orjson

from linli.http.view import describe_type

PARCEL_ID: Final = re.compile(r"[A-Za-z0-9._:-]{1,63}")
CODE: Final = re.compile(r"[0-9]{6}")
DOOR_STATES: Final = {"open": True, "closed": False}
TEXT_LENGTHS: Final = {"tracking_number": 64, "carrier": 32, "recipient": 64}
SHOWN_LENGTH: Final = 40  # characters of a wrong value quoted back


class BadMessage(ValueError):
    """A message that cannot be read; ``field`` is the one at fault (None: the body)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True, slots=True)
class Deposit:
    parcel_id: str
    tracking_number: str
    carrier: str
    recipient: str
    compartment: int


@dataclass(frozen=True, slots=True)
class Pickup:
    compartment: int
    code: str


@dataclass(frozen=True, slots=True)
class Door:
    compartment: int
    is_open: bool


@dataclass(frozen=True, slots=True)
class TakeBack:
    parcel_id: str


Message = Deposit | Pickup | Door | TakeBack


def parse_message(body: bytes) -> Message:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise BadMessage(f"The body is not valid JSON: {error}") from None
    if not isinstance(data, dict):
        raise BadMessage(f"The body must be a JSON object, not {describe_type(data)}")
    kind = _field(data, "type")
    match kind:
        case "deposit":
            return Deposit(
                parcel_id=_parcel_id(data),
                tracking_number=_text(data, "tracking_number"),
                carrier=_text(data, "carrier"),
                recipient=_text(data, "recipient"),
                compartment=_compartment(data),
            )
        case "pickup":
            return Pickup(_compartment(data), _code(data))
        case "door":
            return Door(_compartment(data), _door(data))
        case "return":
            return TakeBack(_parcel_id(data))
    raise BadMessage(
        f"Field 'type' must be one of deposit, pickup, door, return, not {_shown(kind)}", "type"
    )


def _shown(value: Any) -> str:
    """A wrong value in an error message: short text and numbers as they are, else the type."""
    if isinstance(value, str):
        return repr(value if len(value) <= SHOWN_LENGTH else value[:SHOWN_LENGTH] + "…")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value)
    return describe_type(value)


def _field(data: dict[str, Any], name: str) -> Any:
    if name not in data:
        raise BadMessage(f"Field '{name}' is missing", name)
    return data[name]


def _text(data: dict[str, Any], name: str) -> str:
    value = _field(data, name)
    longest = TEXT_LENGTHS[name]
    if not isinstance(value, str) or not value.strip() or len(value) > longest:
        raise BadMessage(
            f"Field '{name}' must be text of 1 to {longest} characters, not {_shown(value)}", name
        )
    return value.strip()


def _parcel_id(data: dict[str, Any]) -> str:
    value = _field(data, "parcel_id")
    if not isinstance(value, str) or not PARCEL_ID.fullmatch(value):
        raise BadMessage(
            "Field 'parcel_id' must be 1 to 63 letters, digits, '.', '_', ':' or '-', "
            f"not {_shown(value)}",
            "parcel_id",
        )
    return value


def _compartment(data: dict[str, Any]) -> int:
    value = _field(data, "compartment")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BadMessage(
            f"Field 'compartment' must be a compartment number (1, 2, …), not {_shown(value)}",
            "compartment",
        )
    return value


def _code(data: dict[str, Any]) -> str:
    value = _field(data, "code")
    if not isinstance(value, str) or not CODE.fullmatch(value):
        raise BadMessage(
            f"Field 'code' must be 6 digits in a string, e.g. \"042917\", not {_shown(value)}",
            "code",
        )
    return value


def _door(data: dict[str, Any]) -> bool:
    value = _field(data, "door")
    if not isinstance(value, str) or value not in DOOR_STATES:
        raise BadMessage(f'Field \'door\' must be "open" or "closed", not {_shown(value)}', "door")
    return DOOR_STATES[value]
