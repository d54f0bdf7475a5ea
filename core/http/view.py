"""What every API handler uses: the hub, the caller, JSON in and out, errors as JSON."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any, Final

import orjson
from aiohttp import web

from ..context import Context
from .tokens import TokenRecord

if TYPE_CHECKING:
    from ..hub import Hub

HUB: Final = web.AppKey["Hub"]("hub")
TOKEN: Final = web.RequestKey("token", TokenRecord)

JSON: Final = "application/json"
# Levels of arrays and objects a request body may nest: far more than any real request,
# far less than the 255 orjson can write back (states and events are sent out again).
MAX_DEPTH: Final = 32


class ApiError(Exception):
    """An error answered as ``{"message", "code"[, "field"]}`` with an HTTP status."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field

    def response(self) -> web.Response:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.field is not None:
            body["field"] = self.field
        response = json_response(body, self.status)
        if self.status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response


def not_found(message: str) -> ApiError:
    return ApiError(404, "not_found", message)


def invalid(message: str, field: str | None = None) -> ApiError:
    return ApiError(400, "invalid_format", message, field)


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(data), status=status, content_type=JSON)


def json_bytes_response(body: bytes, status: int = 200) -> web.Response:
    """A response of JSON already serialised (cached state JSON)."""
    return web.Response(body=body, status=status, content_type=JSON)


def json_array(items: Iterable[bytes]) -> bytes:
    """Serialised JSON values joined into one array, without parsing them again."""
    return b"[" + b",".join(items) + b"]"


def hub_of(request: web.Request) -> Hub:
    return request.app[HUB]


def caller(request: web.Request) -> TokenRecord:
    """The token the request was authorised with (set by the auth middleware)."""
    return request[TOKEN]


def context_of(request: web.Request) -> Context:
    """A new Context for what the request does, carrying the caller's user id."""
    return Context(user_id=caller(request).user_id, origin="user")


_TYPE_NAMES: Final = {
    str: "a string",
    int: "an integer",
    dict: "an object",
    bool: "a boolean",
    list: "an array",
}


def describe_type(value: object) -> str:
    """A JSON value's type in words, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


async def read_json(request: web.Request) -> Any:
    """The request's JSON body; None when it has none. Malformed JSON is a 400."""
    raw = await request.read()
    if not raw.strip():
        return None
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise ApiError(
            400, "invalid_json", f"The request body is not valid JSON: {error}"
        ) from None
    if _too_deep(body):
        raise ApiError(
            400, "invalid_json", f"The request body nests deeper than {MAX_DEPTH} levels"
        )
    return body


def _too_deep(value: Any) -> bool:
    """Whether ``value`` nests arrays and objects deeper than :data:`MAX_DEPTH`."""
    level = [value]
    for _ in range(MAX_DEPTH):
        level = [
            child
            for item in level
            if isinstance(item, dict | list)
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return False
    return any(isinstance(item, dict | list) for item in level)


async def read_object(request: web.Request, what: str) -> dict[str, Any]:
    """The request's body as a JSON object (``{}`` when empty); ``what`` names it in errors."""
    body = await read_json(request)
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise invalid(f"{what} must be a JSON object, got {describe_type(body)}")
    return body


def field_of(body: dict[str, Any], name: str, kind: type, *, required: bool = False) -> Any:
    """``body[name]`` checked to be of ``kind`` (str, int, dict, bool or list); None if absent.

    Its errors are 400 ``invalid_format`` naming the field; the WebSocket API turns them
    into error results with the same message.
    """
    if name not in body:
        if required:
            raise invalid(f"Field '{name}' is required", name)
        return None
    value = body[name]
    if kind is int and isinstance(value, float) and value.is_integer():
        return int(value)  # JSON has one kind of number: 3.0 is the integer 3
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        expected = _TYPE_NAMES[kind]
        raise invalid(f"Field '{name}' must be {expected}, got {describe_type(value)}", name)
    return value


def query_whole_number(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    """The query parameter ``name``, a whole number from ``low`` to ``high``; ``default`` if
    absent."""
    value = request.query.get(name)
    if value is None:
        return default
    if not value.isdecimal() or not low <= int(value) <= high:
        raise invalid(f"{name} must be a whole number from {low} to {high}, got {value!r}", name)
    return int(value)


def only_fields(body: dict[str, Any], allowed: Iterable[str]) -> None:
    """Refuse a body with a field other than ``allowed``: a 400 naming the unknown ones
    (the first as its ``field``) and what is expected."""
    expected = tuple(allowed)
    if unknown := sorted(set(body).difference(expected)):
        raise invalid(
            f"Unknown field {', '.join(map(repr, unknown))}; expected any of {', '.join(expected)}",
            unknown[0],
        )


# Nothing was recorded before 1970; the bounds keep date arithmetic (a day, a month more or
# less, another time zone) within what datetime can hold.
FIRST_YEAR: Final = 1970
LAST_YEAR: Final = 9998
# An offset whose "+" a client did not percent-encode in a query arrives as a space.
_UNENCODED_PLUS: Final = re.compile(r" (\d{2}(?::?\d{2})?)$")


def parse_time(value: str, what: str, field: str, zone: tzinfo) -> datetime:
    """``value``, an ISO 8601 date and time, as an aware datetime (in ``zone`` when it has
    no offset); otherwise a 400 that says ``what`` is wrong and names ``field``."""
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        try:
            when = datetime.fromisoformat(_UNENCODED_PLUS.sub(r"+\1", value))
        except ValueError:
            raise invalid(
                f"{what} must be an ISO 8601 date and time, e.g. 2026-11-23T08:00:00+08:00, "
                f"got {value!r}",
                field,
            ) from None
    if not FIRST_YEAR <= when.year <= LAST_YEAR:
        raise invalid(
            f"{what} must be between the years {FIRST_YEAR} and {LAST_YEAR}, got {value!r}", field
        )
    return when if when.tzinfo is not None else when.replace(tzinfo=zone)
