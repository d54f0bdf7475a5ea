"""The hub's HTTP server: the REST API under ``/api/`` and the web app at ``/``.

Everything under ``/api/`` needs ``Authorization: Bearer <token>``; only the web app's
page is served without, the login and token refresh (how a client gets a token), and
``/api/websocket``, whose clients (browsers) cannot set headers and authenticate in its
handshake instead. Devices and vendors' systems call the integrations' endpoints under
``/connect/`` (:mod:`.endpoints`), which check them by their own means. Every error is
JSON, ``{"message": …, "code": …}``, with a ``field`` when one field of the request is
wrong.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Final

from aiohttp import hdrs, web

from .. import frontend
from ..exceptions import LinliError
from .api import ROUTES, auth, websocket
from .endpoints import PATH as ENDPOINTS_PATH
from .endpoints import Endpoints
from .panels import PANELS_PATH, Panels
from .tokens import TokenRefused, TokenStore
from .view import HUB, TOKEN, ApiError

if TYPE_CHECKING:
    from ..hub import Hub

_LOGGER = logging.getLogger(__name__)

MAX_BODY: Final = 1024 * 1024  # bytes; a larger request body is refused with 413
SHUTDOWN_TIMEOUT: Final = 5.0  # seconds requests under way may take to finish at stop
WEB_APP_FOLDER: Final = Path(frontend.__file__).parent.resolve()
WEB_APP_INDEX: Final = WEB_APP_FOLDER / "index.html"
WEB_APP_PATH: Final = "/frontend/"  # the web app's modules, styles and texts
# What the web app's folder may serve: its Python package marker is not for browsers.
WEB_APP_FILES: Final = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}

# Codes of the errors aiohttp raises itself (no route, wrong method, body too large…).
_CODES: Final = {
    400: "invalid_format",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
}


class ServeError(LinliError):
    """The server cannot listen on its address (port in use, no such host…)."""


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message)


def _message(request: web.Request, error: web.HTTPException) -> str:
    """What went wrong, in words, for an error aiohttp raised."""
    if error.status == 404:
        return f"Nothing at {request.path}"
    if error.status == 405:
        allowed = error.headers.get(hdrs.ALLOW, "")
        return f"{request.method} is not allowed on {request.path} (allowed: {allowed})"
    if error.status == 413:
        return f"The request body is larger than {MAX_BODY} bytes"
    return error.reason


@web.middleware
async def json_errors(request: web.Request, handler: web.Handler) -> web.StreamResponse:
    """Turn every error into a JSON answer; log the unexpected ones, tell the client little."""
    try:
        return await handler(request)
    except ApiError as error:
        return error.response()
    except web.HTTPException as error:
        if error.status < 400:
            raise
        response = ApiError(
            error.status, _CODES.get(error.status, "http_error"), _message(request, error)
        ).response()
        if allowed := error.headers.get(hdrs.ALLOW):
            response.headers[hdrs.ALLOW] = allowed
        return response
    except ConnectionResetError:
        raise  # the client went away: nobody to answer, nothing to log
    except Exception:
        _LOGGER.exception("Error answering %s %s", request.method, request.path)
        return ApiError(
            500, "internal_error", "Internal error; the hub's log has the details"
        ).response()


@web.middleware
async def require_token(request: web.Request, handler: web.Handler) -> web.StreamResponse:
    """Let a request under ``/api/`` through only with a valid bearer token."""
    if request.path != "/api" and not request.path.startswith("/api/"):
        return await handler(request)
    if request.path == websocket.WEBSOCKET_PATH:
        return await handler(request)  # browsers cannot set headers: auth in the handshake
    if request.path in auth.ANONYMOUS_PATHS:
        return await handler(request)  # logging in, refreshing: how a client gets a token
    header = request.headers.get(hdrs.AUTHORIZATION)
    if header is None:
        raise _unauthorized("Missing 'Authorization: Bearer <token>' header")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("The Authorization header must be 'Bearer <token>'")
    try:
        record = request.app[HUB].http.tokens.authenticate(token.strip())
    except TokenRefused as error:
        raise _unauthorized(str(error)) from None
    request[TOKEN] = record
    return await handler(request)


# The page runs only the hub's own modules and talks only to the hub; nobody may frame it.
WEB_APP_HEADERS: Final = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; connect-src 'self'; "
    "img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    hdrs.CACHE_CONTROL: "no-cache",
}


async def web_app(request: web.Request) -> web.StreamResponse:
    """The web app's page, if the web app is installed."""
    if not WEB_APP_INDEX.is_file():
        raise ApiError(404, "not_found", "No web app is installed; the API is under /api/")
    return web.FileResponse(WEB_APP_INDEX, headers=WEB_APP_HEADERS)


def _static_file(folder: Path, relative: str) -> web.FileResponse:
    """A file of ``folder`` the browser may load: a module, style sheet, text or image,
    checked again on each load (``no-cache``) so that an upgrade never runs stale modules."""
    path = (folder / relative).resolve()
    content_type = WEB_APP_FILES.get(path.suffix)
    if content_type is None or not path.is_file() or not path.is_relative_to(folder):
        raise ApiError(404, "not_found", f"The web app has no file {relative!r}")
    response = web.FileResponse(path, headers=WEB_APP_HEADERS)
    response.content_type = content_type
    return response


async def web_app_file(request: web.Request) -> web.StreamResponse:
    return _static_file(WEB_APP_FOLDER, request.match_info["path"])


async def panel_file(request: web.Request) -> web.StreamResponse:
    """A file of a panel a plugin adds (:mod:`.panels`)."""
    name = request.match_info["name"]
    panel = request.app[HUB].http.panels.all().get(name)
    if panel is None:
        raise ApiError(404, "not_found", f"No web app panel {name!r}")
    return _static_file(panel.static_folder.resolve(), request.match_info["path"])


class HttpServer:
    """The hub's web application, its tokens, and the listening socket once started."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.tokens = TokenStore(hub)
        self.endpoints = Endpoints()
        self.panels = Panels(hub)
        self.app = web.Application(
            client_max_size=MAX_BODY, middlewares=[json_errors, require_token]
        )
        self.app[HUB] = hub
        for table in ROUTES:
            self.app.router.add_routes(table)
        self.app.router.add_get("/", web_app)
        self.app.router.add_get(PANELS_PATH + "{name}/{path:.+}", panel_file)
        self.app.router.add_get(WEB_APP_PATH + "{path:.+}", web_app_file)
        self.app.router.add_route("*", ENDPOINTS_PATH, self.endpoints.dispatch)
        websocket.setup(self.app)  # closes the WebSocket connections when the server stops
        self._runner: web.AppRunner | None = None

    @property
    def port(self) -> int | None:
        """The port the server listens on (the real one when configured as 0)."""
        if self._runner is None or not self._runner.addresses:
            return None
        return self._runner.addresses[0][1]

    async def start(self) -> None:
        """Listen on ``http_host``:``http_port``; :class:`ServeError` if that fails."""
        host, port = self.hub.config.http_host, self.hub.config.http_port
        runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as error:
            await runner.cleanup()
            raise ServeError(
                f"Cannot serve the API on {host}:{port}: {error.strerror or error}; choose "
                "another http.port in linli.yaml or run with --port N"
            ) from error
        self._runner = runner
        _LOGGER.info("Serving the API on http://%s:%s", host, self.port)

    async def stop(self) -> None:
        """Stop listening and finish the requests under way; nothing if not started."""
        if self._runner is None:
            return
        runner, self._runner = self._runner, None
        await runner.cleanup()
        _LOGGER.info("Stopped serving the API")
