"""``POST /connect/<endpoint>/webhook``: the courier system's messages, answered in JSON.

- deposit: 201 ``{"parcel_id", "compartment", "status": "waiting"}`` (200 for a repeat);
- pickup: ``{"open": true}``, or ``{"open": false, "tries_left": n, "locked": bool}``;
- door: ``{"compartment", "door"}``; return: ``{"parcel_id", "status": "returned"}``.

Refusals say what is wrong, and change nothing: 401/409 for the signature (:mod:`.signed`),
400 naming the field for a message that cannot be read (:mod:`.messages`), 404 for an
unknown compartment or parcel, 409 for one in the wrong state, 422 for a recipient the
hub cannot place (the parcel is kept for the property office all the same). An answer is
sent once what it reports is stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import hdrs, web

from linli.http.endpoints import EndpointHandler
from linli.http.view import ApiError, json_response

from .const import WEBHOOK_PATH
from .messages import BadMessage, Deposit, Door, Message, Pickup, TakeBack, parse_message
from .model import Conflict, LockerError, NotFound, UnknownRecipient
from .signed import ReplayGuard

if TYPE_CHECKING:
    from .bank import LockerBank

STATUSES: dict[type[LockerError], tuple[int, str]] = {
    NotFound: (404, "not_found"),
    Conflict: (409, "conflict"),
    UnknownRecipient: (422, "unknown_recipient"),
}


def webhook(bank: LockerBank, guard: ReplayGuard) -> EndpointHandler:
    """The handler of the bank's endpoint."""

    async def handle(request: web.Request) -> web.StreamResponse:
        endpoint = bank.settings.endpoint
        if request.match_info["rest"] != WEBHOOK_PATH:
            raise ApiError(
                404, "not_found", f"Nothing at {request.path}: post to /connect/{endpoint}/webhook"
            )
        if request.method != hdrs.METH_POST:
            raise ApiError(405, "method_not_allowed", f"{request.method} is not allowed: use POST")
        body = await request.read()
        guard.check(bank.settings.secret, request.headers, body, bank.hub.clock.time())
        try:
            message = parse_message(body)
        except BadMessage as error:
            code = "invalid_format" if error.field else "invalid_json"
            raise ApiError(400, code, error.message, error.field) from None
        try:
            status, answer = await _answer(bank, message)
        except LockerError as error:
            status, code = STATUSES[type(error)]
            raise ApiError(status, code, error.message, error.field) from None
        finally:
            await bank.hub.database.flush()  # what the answer reports is stored
        return json_response(answer, status)

    return handle


async def _answer(bank: LockerBank, message: Message) -> tuple[int, dict[str, Any]]:
    match message:
        case Deposit():
            parcel, new = await bank.deposit(message)
            answer = {"parcel_id": parcel.parcel_id, "compartment": parcel.compartment}
            return (201 if new else 200), {**answer, "status": parcel.status}
        case Pickup(compartment, code):
            opened = await bank.pickup(compartment, code)
            if opened.open:
                return 200, {"open": True}
            return 200, {"open": False, "tries_left": opened.tries_left, "locked": opened.locked}
        case Door(compartment, is_open):
            bank.door(compartment, is_open)
            return 200, {"compartment": compartment, "door": "open" if is_open else "closed"}
        case TakeBack(parcel_id):
            parcel = bank.take_back(parcel_id)
            return 200, {"parcel_id": parcel_id, "status": parcel.status}
