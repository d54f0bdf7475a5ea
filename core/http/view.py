"""What every API handler uses: the hub, the caller, JSON in and out, errors as JSON."""

from __future__ import annotations

from collections.abc import Iterable
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


_TYPE_NAMES: Final = {str: "a string", dict: "an object", bool: "a boolean", list: "an array"}


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
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise ApiError(
            400, "invalid_json", f"The request body is not valid JSON: {error}"
        ) from None


async def read_object(request: web.Request, what: str) -> dict[str, Any]:
    """The request's body as a JSON object (``{}`` when empty); ``what`` names it in errors."""
    body = await read_json(request)
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise invalid(f"{what} must be a JSON object, got {describe_type(body)}")
    return body


def field_of(body: dict[str, Any], name: str, kind: type, *, required: bool = False) -> Any:
    """``body[name]`` checked to be of ``kind`` (str, dict, bool or list); None if absent."""
    if name not in body:
        if required:
            raise invalid(f"Field '{name}' is required", name)
        return None
    value = body[name]
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        expected = _TYPE_NAMES[kind]
        raise invalid(f"Field '{name}' must be {expected}, got {describe_type(value)}", name)
    return value
