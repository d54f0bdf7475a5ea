"""Only the courier system's signed requests, each once.

The courier system signs as the hub signs its own webhooks (:mod:`linli.notifications.
webhook`): ``X-Linli-Timestamp`` (epoch seconds) and ``X-Linli-Signature: sha256=<hex>``,
the HMAC-SHA256 with the shared secret of ``<timestamp>.<body>``. A request is refused
(401) unsigned, with a signature that does not match, or with a timestamp more than
:data:`REPLAY_WINDOW` seconds from the hub's clock; a signature already seen within that
window is a replay (409). A courier system that retries signs the retry anew.

The signatures seen are kept on the hub, per endpoint, so a reload of the bank (new
options) keeps them; a restart forgets them. A request replayed across a restart meets a
bank where it does nothing new: a deposit or return is recognised by its parcel_id and a
pickup code opens once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from linli.http.view import ApiError
from linli.notifications.webhook import REPLAY_WINDOW, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify

from .const import DOMAIN

if TYPE_CHECKING:
    from linli.hub import Hub

SCHEME: Final = f"HMAC-SHA256 of '<{TIMESTAMP_HEADER}>.<body>' with the shared secret"


class ReplayGuard:
    """The signatures accepted within the window, until they expire."""

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}  # signature -> when it can no longer verify

    def check(self, secret: str, headers: Mapping[str, str], body: bytes, now: float) -> None:
        """Let a genuine, recent, first request through; raise :class:`ApiError` else."""
        timestamp = headers.get(TIMESTAMP_HEADER)
        signed = headers.get(SIGNATURE_HEADER)
        if timestamp is None or signed is None:
            missing = SIGNATURE_HEADER if signed is None else TIMESTAMP_HEADER
            raise _refused(
                "unsigned", f"Unsigned request: the {missing} header is missing ({SCHEME})"
            )
        try:
            sent_at = float(timestamp)
        except ValueError:
            raise _refused(
                "bad_signature", f"{TIMESTAMP_HEADER} must be epoch seconds, not {timestamp[:20]!r}"
            ) from None
        if abs(now - sent_at) > REPLAY_WINDOW:
            raise _refused(
                "stale",
                f"{TIMESTAMP_HEADER} {timestamp[:20]} is more than {REPLAY_WINDOW:.0f} s away from "
                "the hub's clock: a replay, or the courier system's clock is wrong",
            )
        if not verify(secret, timestamp, body, signed, now=now):
            raise _refused(
                "bad_signature",
                f"{SIGNATURE_HEADER} does not match the body: a wrong secret, or a changed body "
                f"({SCHEME})",
            )
        self._seen = {sig: until for sig, until in self._seen.items() if until >= now}
        if signed in self._seen:
            raise ApiError(
                409, "replayed", "This signed request was received before: a replay is refused"
            )
        self._seen[signed] = sent_at + REPLAY_WINDOW


def replay_guard(hub: Hub, endpoint: str) -> ReplayGuard:
    """The guard of ``endpoint``, the same for as long as the hub runs."""
    guards: dict[str, ReplayGuard] = hub.data.setdefault(f"{DOMAIN}.replay_guards", {})
    return guards.setdefault(endpoint, ReplayGuard())


def _refused(code: str, message: str) -> ApiError:
    return ApiError(401, code, message)
