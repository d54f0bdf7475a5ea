"""Shared helpers of the HTTP API tests: check a JSON error answer in one line."""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import ClientResponse

ExpectError = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def expect_error() -> ExpectError:
    """``await expect_error(response, 400, "invalid_format", field="state")``: the error's
    JSON, after checking its status, code and field."""

    async def check(
        response: ClientResponse, status: int, code: str, field: str | None = None
    ) -> dict[str, Any]:
        assert response.status == status, await response.text()
        assert response.content_type == "application/json"
        body = await response.json()
        assert body["code"] == code
        assert body["message"]
        assert body.get("field") == field
        return body

    return check
