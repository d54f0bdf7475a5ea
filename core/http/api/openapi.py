"""``GET /api/openapi.json``: the OpenAPI 3.1 document of the REST API under ``/api/``.

The document is built from small pieces: each schema once under a clear name in
``components``, the error answers once in ``components.responses``, and every operation
from :func:`operation`, which adds the answers all operations share (401; 400 and 413 when
there is a body; 404 when there are path parameters). tests/http/test_openapi.py checks
that it lists exactly the routes the server has, and runs schemathesis against a hub with
a community in it, as its admin, staff and residents.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from enum import Enum
from typing import Any, Final

import orjson
from aiohttp import web

from ... import __version__
from ...alarms.ladder import Rung
from ...alarms.manager import MAX_COMMENT
from ...alarms.model import AlarmState, Severity
from ...auth.passwords import MAX_LENGTH as MAX_PASSWORD
from ...auth.passwords import MIN_LENGTH as MIN_PASSWORD
from ...auth.users import Role
from ...automation.config import MODES
from ...automation.trace import KEPT_RUNS, REASONS
from ...community import export
from ...community.consent import ALL_INTEGRATIONS, Capacity
from ...community.households import MemberRole
from ...community.matters import Matter
from ...community.proposals import TITLE_LENGTH, Action, ProposalStatus
from ...community.ratings import COMMENT_LENGTH, SCORES
from ...community.tally import Choice
from ...config_entries.entry import ConfigEntryState
from ...const import MAX_STATE_LENGTH
from ...flows.handler import FlowResultType
from ...loader.manifest import FUNDING_MODELS
from ...loader.setup import IntegrationState
from ...metering.statements import FIRST_YEAR, LAST_YEAR, MONTH_PATTERN
from ...recorder.purge import PROTECTED_CATEGORIES
from ...registry.areas import AreaKind
from ...registry.devices import DeviceDisabledBy
from ...registry.entities import DisabledBy, HiddenBy
from ...services import SupportsResponse
from ..tokens import ACCESS_LIFETIME, TokenKind
from ..view import json_bytes_response
from .alarms import DEFAULT_ALARM_LIMIT, MAX_ALARM_LIMIT
from .auth import LOGIN_PATH, MAX_TOKEN_NAME, REFRESH_PATH
from .automations import SOURCES
from .community import MAX_ROSTER
from .history import PERIODS
from .integrations import LANGUAGES
from .privacy import DEFAULT_AUDIT_LIMIT, MAX_AUDIT_LIMIT
from .websocket import WEBSOCKET_PATH

routes = web.RouteTableDef()

OPENAPI_PATH: Final = "/api/openapi.json"

# Routes under /api/ the document leaves out on purpose, and why.
UNDOCUMENTED: Final = {
    ("GET", WEBSOCKET_PATH): (
        "a WebSocket: messages both ways after an upgrade, which OpenAPI cannot describe; "
        "it authenticates in its handshake, not with the Authorization header"
    ),
}

# The same rule as linli.states.valid_entity_id (ECMA 262 and Python read it alike).
ENTITY_ID_PATTERN: Final = r"^(?!.+__)(?!_)[\da-z_]+(?<!_)\.(?!_)[\da-z_]+(?<!_)$"
EVENT_TYPE_PATTERN: Final = r"^[a-z0-9_.]{1,64}$"
AUTOMATION_ID_PATTERN: Final = r"^[A-Za-z0-9_.-]{1,64}$"

FORM_FIELD_TYPES: Final = (
    "string",
    "password",
    "integer",
    "float",
    "boolean",
    "select",
    "multi_select",
)

Schema = dict[str, Any]

# The shared error answers: status -> (name in components.responses, description).
ERRORS: Final = {
    400: ("InvalidRequest", "The request is wrong: `field` names the parameter or body field"),
    401: ("Unauthorized", "No token, or one that is invalid or revoked"),
    403: ("Forbidden", "The caller may not do this (their role, or whom they act for)"),
    404: ("NotFound", "No such thing, or one the caller may not see"),
    409: (
        "Conflict",
        "The request does not fit the thing's current state (busy, taken, closed…): "
        "`code` says which",
    ),
    413: ("TooLarge", "The request body is larger than 1 MiB"),
    423: ("Locked", "Logins with this username are locked after repeated failures"),
    429: ("TooManyAttempts", "Too many failed logins with this username: wait before trying"),
}
# Errors that say when to try again.
RETRY_AFTER: Final = {
    "Retry-After": {
        "required": True,
        "description": "Seconds to wait before trying again",
        "schema": {"type": "integer", "minimum": 1},
    }
}


# Small pieces.


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    """``schema`` or null."""
    if "type" in schema and "$ref" not in schema:
        return {**schema, "type": [schema["type"], "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def enum_of(values: Iterable[Any]) -> Schema:
    return {"type": "string", "enum": [v.value if isinstance(v, Enum) else v for v in values]}


def closed(required: dict[str, Schema], optional: dict[str, Schema] | None = None) -> Schema:
    """An object with exactly these properties: ``required`` always, ``optional`` maybe."""
    return {
        "type": "object",
        "properties": {**required, **(optional or {})},
        "required": list(required),
        "additionalProperties": False,
    }


STRING: Final[Schema] = {"type": "string"}
NUMBER: Final[Schema] = {"type": "number"}
BOOLEAN: Final[Schema] = {"type": "boolean"}
OBJECT: Final[Schema] = {"type": "object"}
DATE_TIME: Final[Schema] = {"type": "string", "format": "date-time"}
TIMESTAMP: Final[Schema] = {"type": "number", "description": "Seconds since 1970 (UTC)"}


def json_content(schema: Schema) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def answer(description: str, schema: Schema, headers: dict[str, Any] | None = None) -> Schema:
    """A JSON answer."""
    result: Schema = {"description": description, "content": json_content(schema)}
    if headers:
        result["headers"] = headers
    return result


def path_parameter(name: str, description: str, schema: Schema = STRING) -> Schema:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {**schema, "minLength": 1} if schema.get("type") == "string" else schema,
    }


def query_parameter(
    name: str, description: str, schema: Schema = STRING, *, required: bool = False
) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }


def list_parameter(name: str, description: str, items: Schema, *, required: bool) -> Schema:
    """Values separated by commas (``a,b``); repeating the parameter adds more."""
    schema = {"type": "array", "items": items, "minItems": 1}
    parameter = query_parameter(name, description, schema, required=required)
    return {**parameter, "style": "form", "explode": False}


def entity_ids_parameter(name: str, description: str, *, required: bool) -> Schema:
    items = {"type": "string", "pattern": ENTITY_ID_PATTERN}
    return list_parameter(name, description, items, required=required)


def operation(
    operation_id: str,
    tag: str,
    summary: str,
    answers: dict[int, Schema],
    *,
    parameters: Iterable[Schema] = (),
    body: Schema | None = None,
    body_required: bool = True,
    body_content: dict[str, Any] | None = None,
    errors: Iterable[int] = (),
    description: str | None = None,
    anonymous: bool = False,
) -> Schema:
    """An operation: its own ``answers`` and ``errors``, plus the errors every operation of
    its kind may answer (401 always; 400 and 413 with a body; 404 with path parameters).

    ``body`` is a JSON body's schema; ``body_content`` the body's media types when they
    are others. An answer in ``answers`` for an error's status replaces the shared one.
    ``anonymous``: the operation needs no token."""
    parameters = list(parameters)
    statuses = {401, *errors}
    if body is not None:
        body_content = json_content(body)
    if body_content is not None:
        statuses |= {400, 413}  # malformed, too large
    if any(parameter["in"] == "path" for parameter in parameters):
        statuses.add(404)  # a path parameter the router cannot match (empty, a slash…)
    result: Schema = {"operationId": operation_id, "tags": [tag], "summary": summary}
    if description:
        result["description"] = description
    if anonymous:
        result["security"] = []
    if parameters:
        result["parameters"] = parameters
    if body_content is not None:
        result["requestBody"] = {"required": body_required, "content": body_content}
    shared = {
        status: {"$ref": f"#/components/responses/{ERRORS[status][0]}"} for status in statuses
    }
    result["responses"] = {
        str(status): schema for status, schema in sorted({**shared, **answers}.items())
    }
    return result


def removed(key: str) -> Schema:
    """The answer to a removal: ``{key: id, "removed": true}``."""
    return closed({key: STRING, "removed": {"const": True}})


def not_blank(description: str | None = None, **keywords: Any) -> Schema:
    """A string with at least one character that is not white space."""
    schema: Schema = {"type": "string", "pattern": r"\S", **keywords}
    if description:
        schema["description"] = description
    return schema


# The schemas, each under its name in components.schemas.


def schemas() -> dict[str, Schema]:
    from ...hub import HubState  # here: linli.hub imports this module (through the server)

    state_fields = {
        "entity_id": {"type": "string", "pattern": ENTITY_ID_PATTERN},
        "state": {"type": "string", "maxLength": MAX_STATE_LENGTH},
        "attributes": OBJECT,
        "last_changed": DATE_TIME,
        "last_updated": DATE_TIME,
        "context": ref("Context"),
    }
    optional_string = nullable(STRING)
    optional_number = nullable(NUMBER)
    entity = closed(
        {
            "id": STRING,
            "entity_id": state_fields["entity_id"],
            "unique_id": STRING,
            "platform": STRING,
            "device_id": optional_string,
            "household_id": optional_string,
            "area_id": optional_string,
            "config_entry_id": optional_string,
            "name": optional_string,
            "original_name": optional_string,
            "device_class": optional_string,
            "unit_of_measurement": optional_string,
            "disabled_by": nullable(enum_of(DisabledBy)),
            "hidden_by": nullable(enum_of(HiddenBy)),
            "created_at": TIMESTAMP,
            "modified_at": TIMESTAMP,
        }
    )
    return {
        "Error": closed(
            {
                "message": {"type": "string", "description": "What went wrong, in words"},
                "code": {
                    "type": "string",
                    "description": "What went wrong, for programs: invalid_format, "
                    "invalid_json, unauthorized, forbidden, not_found, conflict, "
                    "request_too_large; logins: invalid_credentials, account_disabled, "
                    "account_locked, too_many_attempts; votes and ratings: not_owner, "
                    "not_a_user, voting_not_open, voting_closed, not_enabled; consents: "
                    "already_withdrawn…",
                },
            },
            {"field": {"type": "string", "description": "The field or parameter at fault"}},
        ),
        "HubInfo": closed(
            {
                "name": STRING,
                "version": STRING,
                "state": enum_of(HubState),
                "time_zone": STRING,
                "language": STRING,
            }
        ),
        "Context": closed(
            {
                "id": STRING,
                "user_id": optional_string,
                "parent_id": optional_string,
                "origin": optional_string,
            }
        ),
        "State": closed(state_fields),
        "NewState": closed(
            {"state": state_fields["state"]},
            {"attributes": OBJECT, "force_update": BOOLEAN},
        ),
        "ServiceDomain": closed(
            {
                "domain": STRING,
                "services": {
                    "type": "object",
                    "additionalProperties": closed(
                        {"supports_response": enum_of(SupportsResponse)}
                    ),
                },
            }
        ),
        "ServiceResponse": closed(
            {"changed_states": array(ref("State")), "service_response": OBJECT}
        ),
        "EventFired": closed({"message": STRING}),
        "ConfigEntry": closed(
            {
                "entry_id": STRING,
                "domain": STRING,
                "title": STRING,
                "source": STRING,
                "state": enum_of(ConfigEntryState),
                "reason": optional_string,
                "disabled_by": optional_string,
                "household_id": optional_string,
                "unique_id": optional_string,
                "version": {"type": "integer"},
                "minor_version": {"type": "integer"},
                "created_at": TIMESTAMP,
                "modified_at": TIMESTAMP,
            }
        ),
        "EntryReloaded": closed({"loaded": BOOLEAN, "entry": ref("ConfigEntry")}),
        "EntryRemoved": closed({"entry_id": STRING, "removed": {"const": True}}),
        "FlowStart": {
            "type": "object",
            "properties": {
                "handler": {
                    "type": "string",
                    "description": "Config flows: an integration's domain; options flows: "
                    "a config entry's id",
                },
                "household_id": {
                    "type": "string",
                    "description": "Config flows of a device: the household it is for "
                    "(default: the caller's, which a caller of several households must "
                    "name; staff's devices are the community's); options flows ignore it",
                },
            },
            "required": ["handler"],
        },
        "FormField": closed(
            {
                "name": STRING,
                "type": enum_of(FORM_FIELD_TYPES),
                "required": BOOLEAN,
            },
            {
                "default": {},
                "description": STRING,
                "choices": array({}),
                "min": NUMBER,
                "max": NUMBER,
                "min_length": {"type": "integer"},
                "max_length": {"type": "integer"},
            },
        ),
        "FlowResult": closed(
            {"type": enum_of(FlowResultType), "flow_id": STRING, "handler": STRING},
            {
                "step_id": STRING,
                "data_schema": array(ref("FormField")),
                "errors": {"type": "object", "additionalProperties": STRING},
                "description_placeholders": {
                    "type": "object",
                    "additionalProperties": STRING,
                },
                "last_step": BOOLEAN,
                "title": STRING,
                "reason": STRING,
                "result": ref("ConfigEntry"),
            },
        ),
        "FlowAborted": closed({"flow_id": STRING, "aborted": {"const": True}}),
        "Device": closed(
            {
                "id": STRING,
                "identifiers": array(ref("Pair")),
                "connections": array(ref("Pair")),
                "manufacturer": optional_string,
                "model": optional_string,
                "name": optional_string,
                "name_by_user": optional_string,
                "sw_version": optional_string,
                "hw_version": optional_string,
                "household_id": optional_string,
                "area_id": optional_string,
                "via_device_id": optional_string,
                "config_entry_ids": array(STRING),
                "disabled_by": nullable(enum_of(DeviceDisabledBy)),
                "created_at": TIMESTAMP,
                "modified_at": TIMESTAMP,
            }
        ),
        "Pair": {
            "type": "array",
            "prefixItems": [STRING, STRING],
            "minItems": 2,
            "maxItems": 2,
            "description": "(domain or connection type, value)",
        },
        "Entity": entity,
        "ExportedEntity": closed(
            {**entity["properties"], "state": nullable(ref("State"))},
        ),
        "Area": closed(
            {
                "id": STRING,
                "name": STRING,
                "kind": enum_of(AreaKind),
                "parent_id": optional_string,
                "created_at": TIMESTAMP,
                "modified_at": TIMESTAMP,
            }
        ),
        "StateChange": closed({"state": state_fields["state"], "last_changed": DATE_TIME}),
        "History": {
            "type": "object",
            "description": "Entity id -> its states, oldest first",
            "additionalProperties": array({"anyOf": [ref("State"), ref("StateChange")]}),
        },
        "LogbookEntry": closed(
            {
                "when": DATE_TIME,
                "message": STRING,
                "entity_id": optional_string,
                "cause": optional_string,
                "context_id": optional_string,
                "context_user_id": optional_string,
            }
        ),
        "StatisticsRow": closed(
            {
                "start": DATE_TIME,
                "end": DATE_TIME,
                "mean": optional_number,
                "min": optional_number,
                "max": optional_number,
                "sum": optional_number,
                "state": optional_number,
            }
        ),
        "Statistics": {
            "type": "object",
            "description": "Statistic id -> its rows, oldest first",
            "additionalProperties": array(ref("StatisticsRow")),
        },
        **account_schemas(),
        **community_schemas(),
        **governance_schemas(),
        **privacy_schemas(),
        **alarm_schemas(),
        **metering_schemas(),
        **web_app_schemas(),
        **automation_schemas(),
    }


INTEGER: Final[Schema] = {"type": "integer"}
COUNT: Final[Schema] = {"type": "integer", "minimum": 0}
ISO_TIME: Final[Schema] = {**DATE_TIME, "description": "ISO 8601, in UTC"}
AREA: Final[Schema] = {
    "type": "string",
    "pattern": r"^\d+\.\d{2}$",
    "description": 'Square metres with two decimals, e.g. "89.35"',
}
SHARE: Final[Schema] = {"type": "string", "pattern": r"^\d+/\d+$", "description": "part/whole"}
SHA256: Final[Schema] = {"type": "string", "pattern": r"^[0-9a-f]{64}$"}
# A time as proposals take it: with an offset, or without one (the community's time zone).
LOCAL_DATE_TIME: Final[Schema] = {
    "type": "string",
    "anyOf": [
        {"format": "date-time"},
        {"pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$"},
    ],
}


def account_schemas() -> dict[str, Schema]:
    user_summary = {
        "id": STRING,
        "username": STRING,
        "name": STRING,
        "role": enum_of(Role),
    }
    token = {
        "id": STRING,
        "name": STRING,
        "kind": enum_of(TokenKind),
        "created_at": TIMESTAMP,
        "last_used_at": nullable(TIMESTAMP),
        "expires_at": {**nullable(NUMBER), "description": "Seconds since 1970; null: never"},
    }
    return {
        "Login": closed({"username": STRING, "password": STRING}, {"client_name": not_blank()}),
        "Refresh": closed({"refresh_token": STRING}),
        "LoginTokens": closed(
            {
                "access_token": STRING,
                "token_type": {"const": "Bearer"},
                "expires_in": {
                    "const": ACCESS_LIFETIME,
                    "description": "Seconds the access token is valid",
                },
                "refresh_token": STRING,
                "user": ref("UserSummary"),
            }
        ),
        "LoggedOut": closed({"logged_out": {"const": True}}),
        "UserSummary": closed(user_summary),
        "Me": closed(
            {
                **user_summary,
                "households": array(closed({"id": STRING, "name": STRING})),
            }
        ),
        "Token": closed(token),
        "NewToken": closed({**token, "token": {**STRING, "description": "Shown this once"}}),
        "NewTokenName": closed(
            {
                "name": not_blank(
                    f"At most {MAX_TOKEN_NAME} characters (leading and trailing spaces "
                    "aside); not the name of another of the caller's long-lived tokens"
                )
            }
        ),
        "TokenRevoked": closed({"token_id": STRING, "revoked": {"const": True}}),
        "User": closed(
            {
                **user_summary,
                "disabled": BOOLEAN,
                "has_password": BOOLEAN,
                "created_at": TIMESTAMP,
                "modified_at": TIMESTAMP,
            }
        ),
        "NewUser": closed(
            {
                "username": not_blank(
                    "2 to 64 letters, digits or . @ + - _ (leading and trailing spaces "
                    "aside); not another user's"
                )
            },
            {
                "name": not_blank("Default: the username"),
                "role": {**enum_of(Role), "description": "Default: resident"},
                "password": password_schema("Without one, the user cannot log in yet"),
            },
        ),
        "UserChanges": closed(
            {},
            {
                "name": not_blank(),
                "role": enum_of(Role),
                "disabled": BOOLEAN,
                "password": password_schema("Ends the user's logins"),
            },
        ),
    }


def password_schema(description: str) -> Schema:
    return {
        "type": "string",
        "description": f"{MIN_PASSWORD} to {MAX_PASSWORD} characters, not only digits, not "
        f"the username. {description}",
    }


def community_schemas() -> dict[str, Schema]:
    record_times = {"created_at": TIMESTAMP, "modified_at": TIMESTAMP}
    unit_fields = {
        "id": STRING,
        "building": STRING,
        "unit": {**STRING, "description": "Empty where buildings have no units"},
        "room": STRING,
        **record_times,
        "address": {**STRING, "description": 'As residents write it: "7号楼 2单元 1203"'},
    }
    counts = closed(dict.fromkeys(("created", "updated", "unchanged", "removed"), COUNT))
    return {
        "Unit": closed({**unit_fields, "area": AREA}),
        "NewUnit": closed(
            {
                "address": {
                    **STRING,
                    "description": 'A flat: "7号楼 2单元 1203", "7栋1203室" or "7-2-1203"; '
                    "not the address of another unit",
                },
                "area": {
                    **STRING,
                    "description": 'The exclusive area in m², at most two decimals: "89.35" '
                    '(or "89.35㎡"); above 0, at most 10000',
                },
            }
        ),
        "UnitChanges": closed({}, {"area": {**STRING, "description": "As for a new unit"}}),
        "Household": closed(
            {"id": STRING, "name": STRING, "unit_id": nullable(STRING), **record_times}
        ),
        "NewHousehold": closed(
            {"name": not_blank()},
            {"unit_id": {**nullable(STRING), "description": "An existing unit, or none"}},
        ),
        "HouseholdChanges": closed(
            {},
            {
                "name": not_blank(),
                "unit_id": {**nullable(STRING), "description": "An existing unit, or none"},
            },
        ),
        "Member": closed(
            {
                "id": STRING,
                "household_id": STRING,
                "name": STRING,
                "role": enum_of(MemberRole),
                "phone": nullable(STRING),
                "user_id": nullable(STRING),
                "cares_for": {
                    **array(STRING),
                    "description": "A caregiver's: the members who named them",
                },
                **record_times,
            }
        ),
        "NewMember": closed(
            {
                "name": not_blank("Not the name of another member of the household"),
                "role": enum_of(MemberRole),
            },
            member_fields(),
        ),
        "MemberChanges": closed(
            {},
            {
                "name": not_blank("Not the name of another member of the household"),
                "role": {
                    **enum_of(MemberRole),
                    "description": "One who stops being a caregiver cares for nobody",
                },
                **member_fields(),
            },
        ),
        "ImportReport": closed(
            {
                "dry_run": BOOLEAN,
                "rows": {**COUNT, "description": "Rows with content below the header"},
                "units": counts,
                "households": counts,
                "members": counts,
                "missing_removed": BOOLEAN,
                "errors": array(
                    closed(
                        {
                            "row": INTEGER,
                            "column": {
                                **nullable(STRING),
                                "description": "The header of the cell at fault, as the "
                                "file writes it; null when no one cell is",
                            },
                            "message": STRING,
                        }
                    )
                ),
            }
        ),
        "ExportedUnit": closed({**unit_fields, "area_dm2": INTEGER}),
    }


def member_fields() -> dict[str, Schema]:
    return {
        "phone": {
            **nullable(STRING),
            "description": "Digits as written, e.g. 13800138000 or 010-62345678",
        },
        "user_id": {**nullable(STRING), "description": "An existing user's account, or none"},
        "cares_for": {
            **array(STRING),
            "description": "Ids of members of the same household; a caregiver's only",
        },
    }


def governance_schemas() -> dict[str, Schema]:
    proposal = {
        "id": STRING,
        "title": STRING,
        "description": STRING,
        "matter": enum_of(Matter),
        "domain": nullable(STRING),
        "action": nullable(enum_of(Action)),
        "funding_model": nullable(enum_of(FUNDING_MODELS)),
        "amount_fen": INTEGER,
        "opens_at": ISO_TIME,
        "closes_at": ISO_TIME,
        "created_by": {**nullable(STRING), "description": "null: the hub (low ratings)"},
        "status": enum_of(ProposalStatus),
        "decided_at": nullable(ISO_TIME),
        "created_at": ISO_TIME,
        "voting_open": BOOLEAN,
    }
    local_time = (
        "ISO 8601; without an offset, in the community's time zone, e.g. 2026-12-01T20:00:00"
    )
    choices = [choice.value for choice in Choice]
    return {
        "Proposal": closed(proposal),
        "ProposalWithTally": closed(
            {
                **proposal,
                "tally": {
                    **ref("Tally"),
                    "description": "The decision's, or the count so far while it is open",
                },
                "my_ballots": {
                    **array(
                        closed({"unit_id": STRING, "address": STRING, "choice": enum_of(Choice)})
                    ),
                    "description": "The caller's current ballots, one per unit they own that "
                    "has voted; empty once the proposal is decided",
                },
            }
        ),
        "NewProposal": closed(
            {
                "title": {
                    **STRING,
                    "description": f"1 to {TITLE_LENGTH} characters (leading and trailing "
                    "spaces aside)",
                },
                "matter": enum_of(Matter),
                "closes_at": {**LOCAL_DATE_TIME, "description": f"When voting ends: {local_time}"},
            },
            {
                "description": STRING,
                "domain": {
                    **nullable({"type": "string", "pattern": "^[a-z0-9_]+$"}),
                    "description": "The integration the proposal enables or disables (with "
                    "`action`); if installed, one of type device or service",
                },
                "action": {
                    **nullable(enum_of(Action)),
                    "description": "Given exactly when `domain` is",
                },
                "funding_model": {
                    **nullable(enum_of(FUNDING_MODELS)),
                    "description": "One the integration offers, if it names any",
                },
                "amount_fen": {**COUNT, "description": "Default: 0"},
                "opens_at": {**LOCAL_DATE_TIME, "description": f"Default: now. {local_time}"},
            },
        ),
        "Tally": closed(
            {
                "matter": enum_of(Matter),
                "quorum_bar": STRING,
                "approval_bar": STRING,
                "total_area_dm2": COUNT,
                "owner_count": COUNT,
                "participating_area_dm2": COUNT,
                "participating_owners": COUNT,
                **{f"{choice}_area_dm2": COUNT for choice in choices},
                **{f"{choice}_owners": COUNT for choice in choices},
                "ignored_ballots": COUNT,
                "participation_by_area": SHARE,
                "participation_by_owners": SHARE,
                "agreement_by_area": SHARE,
                "agreement_by_owners": SHARE,
                "quorum_by_area": BOOLEAN,
                "quorum_by_owners": BOOLEAN,
                "quorum": BOOLEAN,
                "approved_by_area": BOOLEAN,
                "approved_by_owners": BOOLEAN,
                "passed": BOOLEAN,
                "reason": STRING,
            }
        ),
        "NewBallot": {
            "type": "object",
            "properties": {
                "choice": enum_of(Choice),
                "unit_id": {
                    **nullable(STRING),
                    "description": "The unit voted for; may be left out by who owns one",
                },
            },
            "required": ["choice"],
        },
        "Ballot": closed(
            {
                "proposal_id": STRING,
                "seq": {**INTEGER, "minimum": 1, "description": "1, 2, … in the order cast"},
                "unit_id": STRING,
                "address": {**nullable(STRING), "description": "null: the unit was removed"},
                "user_id": STRING,
                "choice": enum_of(Choice),
                "cast_at": ISO_TIME,
            }
        ),
        "NewRating": {
            "type": "object",
            "properties": {
                "domain": {**STRING, "description": "A service the caller's household uses"},
                "score": {"type": "integer", "minimum": SCORES.start, "maximum": SCORES.stop - 1},
                "comment": {
                    **nullable(STRING),
                    "description": f"At most {COMMENT_LENGTH} characters",
                },
            },
            "required": ["domain", "score"],
        },
        "Rating": closed(
            {
                "id": STRING,
                "domain": STRING,
                "score": {"type": "integer", "minimum": SCORES.start, "maximum": SCORES.stop - 1},
                "comment": nullable(STRING),
                "rated_at": ISO_TIME,
                "summary": ref("RatingSummary"),
            }
        ),
        "RatingSummary": closed(
            {
                "domain": STRING,
                "count": COUNT,
                "total": COUNT,
                "average": nullable(NUMBER),
                "window_days": INTEGER,
                "bar": closed({"below": STRING, "at_least": INTEGER}),
                "below_bar": BOOLEAN,
            }
        ),
    }


def privacy_schemas() -> dict[str, Schema]:
    record_times = {"created_at": TIMESTAMP, "modified_at": TIMESTAMP}
    category = enum_of(sorted(PROTECTED_CATEGORIES))
    audit_record = closed(
        {
            "seq": {**INTEGER, "minimum": 1},
            "at": TIMESTAMP,
            "kind": STRING,
            "actor": {**nullable(STRING), "description": "A user id; null: the hub"},
            "data": OBJECT,
            "prev_hash": SHA256,
            "hash": SHA256,
        }
    )
    return {
        "Consent": closed(
            {
                "id": STRING,
                "member_id": STRING,
                "category": category,
                "scope": {
                    **STRING,
                    "description": f"An integration's domain, or {ALL_INTEGRATIONS!r}",
                },
                "given_by": STRING,
                "given_as": enum_of(Capacity),
                "withdrawn_at": nullable(TIMESTAMP),
                "withdrawn_by": nullable(STRING),
                **record_times,
            }
        ),
        "NewConsent": closed(
            {"member_id": STRING, "category": category},
            {
                "scope": {
                    **STRING,
                    "description": f"{ALL_INTEGRATIONS!r} (the default; so is an empty "
                    "string), or an installed integration that collects the category",
                }
            },
        ),
        "Withdrawal": closed(
            {
                "consent": ref("Consent"),
                "erased": closed(
                    {"entity_ids": array(STRING), "states": COUNT, "statistics": COUNT}
                ),
            }
        ),
        "NewDataSubject": closed(
            {
                "target": {**STRING, "description": "An entity_id, or a device's id"},
                "member_id": STRING,
            }
        ),
        "DataSubject": closed(
            {
                "id": STRING,
                "member_id": STRING,
                "device_id": nullable(STRING),
                "entity_id": nullable(STRING),
                "assigned_by": STRING,
                **record_times,
            }
        ),
        "AuditRecord": audit_record,
        "AuditPage": closed(
            {
                "records": array(ref("AuditRecord")),
                "next_after_seq": {
                    **nullable(INTEGER),
                    "description": "`after_seq` of the next page; null: this is the last",
                },
            }
        ),
        "AuditVerification": closed(
            {
                "ok": BOOLEAN,
                "records": {**COUNT, "description": "The records that hold"},
                "head": {**SHA256, "description": "The hash of the last record that holds"},
                "problem": {**nullable(STRING), "description": "The first record that does not"},
            }
        ),
        "HouseholdExport": {
            "type": "object",
            "description": "Every section the hub's modules export; modules may add others",
            "properties": {
                "format": {"const": export.FORMAT},
                "version": {"const": export.VERSION},
                "exported_at": DATE_TIME,
                "household": closed(
                    {
                        "id": STRING,
                        "name": STRING,
                        "unit_id": nullable(STRING),
                        **record_times,
                        "unit": nullable(ref("ExportedUnit")),
                        "members": array(ref("Member")),
                        "users": array(ref("UserSummary")),
                    }
                ),
                "devices": array(ref("Device")),
                "entities": array(ref("ExportedEntity")),
                "history": {
                    "type": "object",
                    "description": "Entity id -> every state kept, oldest first",
                    "additionalProperties": array(ref("State")),
                },
                "consents": closed(
                    {"consents": array(ref("Consent")), "subjects": array(ref("DataSubject"))}
                ),
                "audit": array(ref("AuditRecord")),
                "ballots": {
                    **array(
                        closed(
                            {
                                "proposal_id": STRING,
                                "seq": {**INTEGER, "minimum": 1},
                                "unit_id": STRING,
                                "user_id": STRING,
                                "choice": enum_of(Choice),
                                "cast_at": TIMESTAMP,
                                "proposal_title": nullable(STRING),
                            }
                        )
                    ),
                    "description": "Every ballot cast for the household's unit, changes "
                    "included, oldest first",
                },
                "usage": {
                    **array(ref("UsageRecord")),
                    "description": "Every use of a paid service metered for the household, "
                    "oldest first",
                },
            },
            "required": ["format", "version", "exported_at", *export.EXPORTERS],
        },
    }


# The operations, by group.

ENTITY_ID: Final = path_parameter("entity_id", "An entity id, `domain.object_id`")
NEW_ENTITY_ID: Final = path_parameter(
    "entity_id",
    "An entity id: `domain.object_id` in lower-case letters, digits and single underscores",
    {"type": "string", "pattern": ENTITY_ID_PATTERN},
)
ENTRY_ID: Final = path_parameter("entry_id", "A config entry's id")
FLOW_ID: Final = path_parameter("flow_id", "The id of a flow in progress")
START: Final = query_parameter(
    "start",
    "ISO 8601; without an offset, in the hub's time zone. Default: a day before `end`",
    DATE_TIME,
)
END: Final = query_parameter(
    "end", "ISO 8601; without an offset, in the hub's time zone. Default: now", DATE_TIME
)


def hub_paths() -> dict[str, Schema]:
    return {
        "/api/": {
            "get": operation(
                "getHubInfo",
                "hub",
                "The hub's name, version and state",
                {200: answer("The hub", ref("HubInfo"))},
            )
        },
        OPENAPI_PATH: {
            "get": operation(
                "getOpenApi",
                "hub",
                "This document",
                {200: answer("The OpenAPI 3.1 document", OBJECT)},
            )
        },
    }


def state_paths() -> dict[str, Schema]:
    location = {
        "Location": {
            "required": True,
            "description": "The state's URL",
            "schema": STRING,
        }
    }
    return {
        "/api/states": {
            "get": operation(
                "getStates",
                "states",
                "Every state the caller may see",
                {200: answer("The states", array(ref("State")))},
            )
        },
        "/api/states/{entity_id}": {
            "get": operation(
                "getState",
                "states",
                "One entity's state",
                {200: answer("The state", ref("State"))},
                parameters=[ENTITY_ID],
            ),
            "post": operation(
                "setState",
                "states",
                "Write an entity's state",
                {
                    200: answer("The state, changed", ref("State"), location),
                    201: answer("The state, the entity's first", ref("State"), location),
                },
                parameters=[NEW_ENTITY_ID],
                body=ref("NewState"),
                errors=[403],
                description="A state of an entity no integration has: the hub keeps it "
                "until it restarts. Writing the state of an entity the hub does not know "
                "makes one of the community's.",
            ),
        },
    }


def service_paths() -> dict[str, Schema]:
    return {
        "/api/services": {
            "get": operation(
                "getServices",
                "services",
                "Every service, by domain",
                {200: answer("The services", array(ref("ServiceDomain")))},
            )
        },
        "/api/services/{domain}/{service}": {
            "post": operation(
                "callService",
                "services",
                "Call a service with the body as its data",
                {
                    200: answer(
                        "The states the call changed; with `return_response`, those and "
                        "the service's answer",
                        {"oneOf": [array(ref("State")), ref("ServiceResponse")]},
                    )
                },
                parameters=[
                    path_parameter("domain", "The service's domain"),
                    path_parameter("service", "The service's name"),
                    query_parameter(
                        "return_response",
                        "Answer the service's response too (`1`/`0` and an empty value, "
                        "meaning true, work as well)",
                        BOOLEAN,
                    ),
                ],
                body=OBJECT,
                body_required=False,
                errors=[403],
                description="The caller must control every entity (`entity_id`) and device "
                "(`device_id`) the call targets: one they may not see is a 404. A call "
                "without a target, or for an `area_id`, acts on the community.",
            )
        },
    }


def event_paths() -> dict[str, Schema]:
    return {
        "/api/events/{event_type}": {
            "post": operation(
                "fireEvent",
                "events",
                "Fire an event with the body as its data",
                {200: answer("The event was fired", ref("EventFired"))},
                parameters=[
                    path_parameter(
                        "event_type",
                        "Up to 64 lower-case letters, digits, underscores and dots; not "
                        "one of the events only the hub fires (state_changed…)",
                        {"type": "string", "pattern": EVENT_TYPE_PATTERN},
                    )
                ],
                body=OBJECT,
                body_required=False,
                errors=[403],
                description="For operators and admins: listeners trust what an event says.",
            )
        },
    }


def flow_paths(path: str, kind: str, tag: str) -> dict[str, Schema]:
    """Start, continue and abort flows of one kind (config or options)."""
    name = kind.capitalize()
    return {
        path: {
            "post": operation(
                f"start{name}Flow",
                tag,
                f"Start a {kind} flow",
                {200: answer("The flow's first step", ref("FlowResult"))},
                body=ref("FlowStart"),
                errors=[403, 404],
            )
        },
        path + "/{flow_id}": {
            "post": operation(
                f"continue{name}Flow",
                tag,
                "Submit the form the flow waits on; no body shows the form again",
                {200: answer("The flow's next step", ref("FlowResult"))},
                parameters=[FLOW_ID],
                body=OBJECT,
                body_required=False,
            ),
            "delete": operation(
                f"abort{name}Flow",
                tag,
                f"Abort a {kind} flow",
                {200: answer("The flow was aborted", ref("FlowAborted"))},
                parameters=[FLOW_ID],
            ),
        },
    }


def config_paths() -> dict[str, Schema]:
    return {
        "/api/config/entries": {
            "get": operation(
                "getConfigEntries",
                "config",
                "Every config entry, oldest first (without its data and options)",
                {200: answer("The entries", array(ref("ConfigEntry")))},
                parameters=[query_parameter("domain", "Only this integration's entries")],
            )
        },
        "/api/config/entries/{entry_id}": {
            "delete": operation(
                "removeConfigEntry",
                "config",
                "Unload and remove an entry, with its devices and entities",
                {200: answer("The entry was removed", ref("EntryRemoved"))},
                parameters=[ENTRY_ID],
                errors=[403],
            )
        },
        "/api/config/entries/{entry_id}/reload": {
            "post": operation(
                "reloadConfigEntry",
                "config",
                "Unload an entry and set it up again",
                {
                    200: answer(
                        "Whether the entry is loaded now, and the entry", ref("EntryReloaded")
                    )
                },
                parameters=[ENTRY_ID],
                errors=[403, 409],
            )
        },
        **flow_paths("/api/config/flows", "config", "config"),
        **flow_paths("/api/config/options/flows", "options", "config"),
    }


def registry_paths() -> dict[str, Schema]:
    listings = {"devices": "Device", "entities": "Entity", "areas": "Area"}
    return {
        f"/api/registry/{name}": {
            "get": operation(
                f"get{name.capitalize()}",
                "registry",
                f"Every {schema.lower()} in the registry",
                {200: answer(f"The {name}", array(ref(schema)))},
            )
        }
        for name, schema in listings.items()
    }


def history_paths() -> dict[str, Schema]:
    window = "The window from `start` to `end` may be at most {} long."
    return {
        "/api/history": {
            "get": operation(
                "getHistory",
                "history",
                "Each entity's states from `start` to `end`",
                {200: answer("The states, by entity", ref("History"))},
                parameters=[
                    entity_ids_parameter(
                        "entity_id", "Entity ids, separated by commas", required=True
                    ),
                    START,
                    END,
                    query_parameter(
                        "minimal",
                        "After the first state, only changes of the state, as `{state, "
                        "last_changed}`",
                        BOOLEAN,
                    ),
                ],
                errors=[400],
                description="The state each entity was in at `start`, then every write. "
                + window.format("31 days"),
            )
        },
        "/api/logbook": {
            "get": operation(
                "getLogbook",
                "history",
                "What happened from `start` to `end`, oldest first",
                {200: answer("The entries", array(ref("LogbookEntry")))},
                parameters=[
                    entity_ids_parameter(
                        "entity_id", "Only these entities' changes of state", required=False
                    ),
                    START,
                    END,
                ],
                errors=[400],
                description=window.format("31 days"),
            )
        },
        "/api/statistics": {
            "get": operation(
                "getStatistics",
                "history",
                "Statistics (mean, min, max or sum) by hour, day or month",
                {200: answer("The rows, by statistic", ref("Statistics"))},
                parameters=[
                    entity_ids_parameter(
                        "statistic_id", "Statistic ids, separated by commas", required=True
                    ),
                    START,
                    END,
                    query_parameter(
                        "period", "Rows by hour (default), day or month", enum_of(PERIODS)
                    ),
                ],
                errors=[400],
                description="Days and months follow the hub's time zone; a period starting "
                "before `start` is included whole. " + window.format("5 years"),
            )
        },
    }


def auth_paths() -> dict[str, Schema]:
    user_id = path_parameter("user_id", "A user's id")
    no_store = {
        "Cache-Control": {"required": True, "schema": {"const": "no-store"}},
    }
    tokens = answer("A new access token and refresh token", ref("LoginTokens"), no_store)
    return {
        LOGIN_PATH: {
            "post": operation(
                "logIn",
                "auth",
                "Log in with a username and a password",
                {200: tokens},
                body=ref("Login"),
                errors=[403, 423, 429],
                anonymous=True,
                description="Needs no token. A wrong password and a username nobody has are "
                "both 401 `invalid_credentials`. After 5 failures with a username, each "
                "attempt waits longer (429 `too_many_attempts`); after 10, the username is "
                "locked for 15 minutes (423 `account_locked`); both say for how long in "
                "`Retry-After`. A disabled account with the right password is 403 "
                "`account_disabled`.",
            )
        },
        REFRESH_PATH: {
            "post": operation(
                "refreshToken",
                "auth",
                "Exchange a refresh token for a new access token and refresh token",
                {200: tokens},
                body=ref("Refresh"),
                anonymous=True,
                description="Needs no token. The refresh token is replaced: using it again "
                "ends its login.",
            )
        },
        "/api/auth/logout": {
            "post": operation(
                "logOut",
                "auth",
                "End the login of the caller's access token",
                {200: answer("The login ended", ref("LoggedOut"))},
                errors=[400],
                description="A token that is not from a login (an admin or long-lived token) "
                "is a 400: revoke it with `DELETE /api/auth/tokens/{token_id}`.",
            )
        },
        "/api/auth/me": {
            "get": operation(
                "getMe",
                "auth",
                "The caller's user and households",
                {200: answer("The caller", ref("Me"))},
            )
        },
        "/api/auth/tokens": {
            "get": operation(
                "getTokens",
                "auth",
                "The caller's valid tokens: long-lived, admin, and one refresh token a login",
                {200: answer("The tokens, oldest first", array(ref("Token")))},
            ),
            "post": operation(
                "createToken",
                "auth",
                "Make a long-lived token for a device or a script of the caller",
                {201: answer("The token, shown this once", ref("NewToken"))},
                body=ref("NewTokenName"),
            ),
        },
        "/api/auth/tokens/{token_id}": {
            "delete": operation(
                "revokeToken",
                "auth",
                "Revoke one of the caller's tokens (a login's: the whole login)",
                {200: answer("The token was revoked", ref("TokenRevoked"))},
                parameters=[path_parameter("token_id", "The id of one of the caller's tokens")],
            )
        },
        "/api/auth/users": {
            "get": operation(
                "getUsers",
                "auth",
                "Every user (for admins)",
                {200: answer("The users", array(ref("User")))},
                errors=[403],
            ),
            "post": operation(
                "createUser",
                "auth",
                "Add a user (for admins)",
                {201: answer("The user", ref("User"))},
                body=ref("NewUser"),
                errors=[403],
            ),
        },
        "/api/auth/users/{user_id}": {
            "patch": operation(
                "changeUser",
                "auth",
                "Change a user's name, role, password or status (for admins)",
                {200: answer("The user, changed", ref("User"))},
                parameters=[user_id],
                body=ref("UserChanges"),
                errors=[403, 409],
                description="409 when the change would leave no enabled admin.",
            )
        },
    }


MANAGERS_ONLY: Final = "For admins and operators."
SEEN_BY: Final = (
    "For staff, and the household's members (not the caregivers its members named); 404 "
    "for anyone else."
)
MEMBER_MANAGERS: Final = (
    "For staff, and a household admin for their household's members but its owners (who "
    "vote for their unit); 404 for a household or member the caller may not see."
)


def community_paths() -> dict[str, Schema]:
    unit_id = path_parameter("unit_id", "A unit's id")
    household_id = path_parameter("household_id", "A household's id")
    member_id = path_parameter("member_id", "A member's id")
    roster_file = {"type": "string", "contentMediaType": "text/csv"}
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return {
        "/api/community/units": {
            "get": operation(
                "getUnits",
                "community",
                "Every unit, oldest first",
                {200: answer("The units", array(ref("Unit")))},
            ),
            "post": operation(
                "createUnit",
                "community",
                "Add a unit",
                {201: answer("The unit", ref("Unit"))},
                body=ref("NewUnit"),
                errors=[403, 409],
                description=f"{MANAGERS_ONLY} 409 when a unit has the address already.",
            ),
        },
        "/api/community/units/{unit_id}": {
            "get": operation(
                "getUnit",
                "community",
                "One unit",
                {200: answer("The unit", ref("Unit"))},
                parameters=[unit_id],
            ),
            "patch": operation(
                "changeUnit",
                "community",
                "Correct a unit's area (its address is what identifies it)",
                {200: answer("The unit", ref("Unit"))},
                parameters=[unit_id],
                body=ref("UnitChanges"),
                errors=[403],
                description=MANAGERS_ONLY,
            ),
            "delete": operation(
                "removeUnit",
                "community",
                "Remove a unit; its households stay, without a unit",
                {200: answer("The unit was removed", removed("unit_id"))},
                parameters=[unit_id],
                errors=[403],
                description=MANAGERS_ONLY,
            ),
        },
        "/api/community/households": {
            "get": operation(
                "getHouseholds",
                "community",
                "The households the caller may see, oldest first",
                {200: answer("The households", array(ref("Household")))},
                description="Staff see every household; a household's user, their own.",
            ),
            "post": operation(
                "createHousehold",
                "community",
                "Add a household",
                {201: answer("The household", ref("Household"))},
                body=ref("NewHousehold"),
                errors=[403],
                description=MANAGERS_ONLY,
            ),
        },
        "/api/community/households/{household_id}": {
            "get": operation(
                "getHousehold",
                "community",
                "One household",
                {200: answer("The household", ref("Household"))},
                parameters=[household_id],
                description=SEEN_BY,
            ),
            "patch": operation(
                "changeHousehold",
                "community",
                "Rename a household or move it to another unit (or none)",
                {200: answer("The household", ref("Household"))},
                parameters=[household_id],
                body=ref("HouseholdChanges"),
                errors=[403],
                description=MANAGERS_ONLY,
            ),
            "delete": operation(
                "removeHousehold",
                "community",
                "Remove a household with its members",
                {200: answer("The household was removed", removed("household_id"))},
                parameters=[household_id],
                errors=[403],
                description=MANAGERS_ONLY,
            ),
        },
        "/api/community/households/{household_id}/members": {
            "get": operation(
                "getMembers",
                "community",
                "The members of a household, oldest first",
                {200: answer("The members", array(ref("Member")))},
                parameters=[household_id],
                description=SEEN_BY,
            ),
            "post": operation(
                "createMember",
                "community",
                "Add a member to a household",
                {201: answer("The member", ref("Member"))},
                parameters=[household_id],
                body=ref("NewMember"),
                errors=[403, 409],
                description=f"{MEMBER_MANAGERS} 409 when the household has a member of that "
                "name already.",
            ),
        },
        "/api/community/members/{member_id}": {
            "patch": operation(
                "changeMember",
                "community",
                "Change a member's name, role, phone, account or whom they care for",
                {200: answer("The member", ref("Member"))},
                parameters=[member_id],
                body=ref("MemberChanges"),
                errors=[403, 409],
                description=f"{MEMBER_MANAGERS} 409 when another member of the household has "
                "the name.",
            ),
            "delete": operation(
                "removeMember",
                "community",
                "Remove a member",
                {200: answer("The member was removed", removed("member_id"))},
                parameters=[member_id],
                errors=[403],
                description=MEMBER_MANAGERS,
            ),
        },
        "/api/community/roster": {
            "post": operation(
                "importRoster",
                "community",
                "Import a roster: units, households and members from a CSV or XLSX file",
                {
                    200: answer("What the import did (or, dry, would do)", ref("ImportReport")),
                    413: answer(
                        f"The roster is larger than {MAX_ROSTER // (1024 * 1024)} MiB",
                        ref("Error"),
                    ),
                },
                parameters=[
                    query_parameter(
                        "dry_run",
                        "Report without changing anything (`1`/`0` work as well)",
                        BOOLEAN,
                    ),
                    query_parameter(
                        "remove_missing",
                        "Remove the units and members the roster does not list, if it has "
                        "no bad rows (`1`/`0` work as well)",
                        BOOLEAN,
                    ),
                    query_parameter("sheet", "The sheet of an XLSX workbook (default: the first)"),
                ],
                body_content={
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "properties": {"file": roster_file},
                            "required": ["file"],
                        },
                        "encoding": {"file": {"contentType": f"text/csv, {xlsx}"}},
                    },
                    "text/csv": {"schema": roster_file},
                    xlsx: {"schema": {"type": "string", "contentMediaType": xlsx}},
                },
                errors=[403],
                description=f"{MANAGERS_ONLY} The file is a form's field `file` (or its first "
                "file), or the whole body: CSV (UTF-8, UTF-16 with a BOM, or GBK) or XLSX, at "
                f"most {MAX_ROSTER // (1024 * 1024)} MiB. One row per person: address (地址, "
                "or 楼栋, 单元 and 房号), area (专有面积), name (姓名), role (身份), and "
                "optionally phone (电话), whom a caregiver cares for (照护对象) and the "
                "household's name (户名). Bad rows are in the report's `errors` and the good "
                "ones are imported; a file that cannot be read as a roster is a 400.",
            )
        },
    }


def governance_paths() -> dict[str, Schema]:
    proposal_id = path_parameter("proposal_id", "A proposal's id")
    return {
        "/api/community/proposals": {
            "get": operation(
                "getProposals",
                "proposals",
                "Every proposal, newest first",
                {200: answer("The proposals", array(ref("Proposal")))},
            ),
            "post": operation(
                "openProposal",
                "proposals",
                "Open a proposal for the owners to vote on",
                {201: answer("The proposal", ref("Proposal"))},
                body=ref("NewProposal"),
                errors=[403],
                description=f"{MANAGERS_ONLY} It is decided when voting closes.",
            ),
        },
        "/api/community/proposals/{proposal_id}": {
            "get": operation(
                "getProposal",
                "proposals",
                "A proposal with its tally",
                {200: answer("The proposal", ref("ProposalWithTally"))},
                parameters=[proposal_id],
            )
        },
        "/api/community/proposals/{proposal_id}/ballots": {
            "post": operation(
                "castBallot",
                "proposals",
                "Cast the ballot of a unit the caller owns; a later cast replaces it",
                {201: answer("The ballot, committed", ref("Ballot"))},
                parameters=[proposal_id],
                body=ref("NewBallot"),
                errors=[403, 409],
                description="403 `not_owner` when the caller owns no unit, or not the one "
                "named; 409 `voting_not_open` or `voting_closed` outside the voting window; "
                "400 `invalid_format` with `field` unit_id when the caller owns several units "
                "and names none.",
            )
        },
        "/api/community/proposals/{proposal_id}/ballots/history": {
            "get": operation(
                "getBallotHistory",
                "proposals",
                "Every cast on a proposal, in the order cast",
                {200: answer("The casts", array(ref("Ballot")))},
                parameters=[proposal_id],
                errors=[403],
                description=MANAGERS_ONLY,
            )
        },
        "/api/community/ratings": {
            "post": operation(
                "rateService",
                "proposals",
                "Rate a service the caller's household uses (1 to 5)",
                {201: answer("The rating, with the service's summary", ref("Rating"))},
                body=ref("NewRating"),
                errors=[403, 409],
                description="A rating within 30 days of the caller's last one of the service "
                "replaces it. 403 `not_a_user` when the caller's household does not use the "
                "service; 409 `not_enabled` when it does not run by the community's vote. A "
                "service whose average falls under the community's bar is put back to a vote.",
            )
        },
        "/api/community/ratings/{domain}": {
            "get": operation(
                "getRatingSummary",
                "proposals",
                "A service's average rating over the bar's window, and how many ratings",
                {200: answer("The summary", ref("RatingSummary"))},
                parameters=[path_parameter("domain", "An integration's domain")],
            )
        },
    }


def privacy_paths() -> dict[str, Schema]:
    audit_readers = "For admins and operators."
    whole_number = "A whole number from {} to {}"
    return {
        "/api/privacy/consents": {
            "get": operation(
                "getConsents",
                "privacy",
                "Consents, active and withdrawn, of the caller's household and of whom they "
                "care for",
                {200: answer("The consents", array(ref("Consent")))},
                parameters=[query_parameter("member_id", "Only this member's")],
                errors=[404],
                description="Admins see every member's. 404 when `member_id` is no member "
                "whose consents the caller may see.",
            ),
            "post": operation(
                "giveConsent",
                "privacy",
                "Consent, for a member, to the collection of their protected data",
                {
                    200: answer("The same consent, given before", ref("Consent")),
                    201: answer("The consent", ref("Consent")),
                },
                body=ref("NewConsent"),
                errors=[403],
                description="Only the member, an owner or household admin of their household, "
                "or a caregiver they named may consent (403 otherwise; admins neither).",
            ),
        },
        "/api/privacy/consents/{consent_id}": {
            "delete": operation(
                "withdrawConsent",
                "privacy",
                "Withdraw a consent: collection stops and what was kept is erased",
                {200: answer("The consent and what was erased", ref("Withdrawal"))},
                parameters=[path_parameter("consent_id", "A consent's id")],
                errors=[403, 409],
                description="Who may: as for giving it. 409 `already_withdrawn`.",
            )
        },
        "/api/privacy/subjects": {
            "post": operation(
                "assignDataSubject",
                "privacy",
                "Name the member whose data a device or an entity collects",
                {200: answer("The data subject", ref("DataSubject"))},
                body=ref("NewDataSubject"),
                errors=[403],
                description="Who may: as for consents.",
            )
        },
        "/api/privacy/households/{household_id}/export": {
            "get": operation(
                "exportHousehold",
                "privacy",
                "All of a household's data, as one JSON file",
                {
                    200: answer(
                        "The household's data",
                        ref("HouseholdExport"),
                        {
                            "Content-Disposition": {
                                "required": True,
                                "schema": {
                                    "type": "string",
                                    "pattern": r'^attachment; filename="household-[^"]+\.json"$',
                                },
                            }
                        },
                    )
                },
                parameters=[path_parameter("household_id", "A household's id")],
                errors=[403],
                description="For the household's members (not the caregivers its members "
                "named) and admins, whose export leaves out the states and history of the "
                "household's protected data; 403 for an operator of another household, 404 "
                "for anyone else.",
            )
        },
        "/api/privacy/audit": {
            "get": operation(
                "getAuditRecords",
                "privacy",
                "A page of the audit trail, oldest first",
                {200: answer("The records", ref("AuditPage"))},
                parameters=[
                    query_parameter(
                        "after_seq",
                        "Records after this one. " + whole_number.format(0, "2⁶²"),
                        {"type": "integer", "minimum": 0, "maximum": 2**62},
                    ),
                    query_parameter(
                        "limit",
                        f"At most this many (default {DEFAULT_AUDIT_LIMIT}). "
                        + whole_number.format(1, MAX_AUDIT_LIMIT),
                        {"type": "integer", "minimum": 1, "maximum": MAX_AUDIT_LIMIT},
                    ),
                    query_parameter("kind", "Only records of this kind (e.g. ballot_cast)"),
                ],
                errors=[400, 403],
                description=audit_readers,
            )
        },
        "/api/privacy/audit/verify": {
            "get": operation(
                "verifyAudit",
                "privacy",
                "Check the audit trail's hash chain from its first record",
                {
                    200: answer(
                        "How many records hold, and the first that does not",
                        ref("AuditVerification"),
                    )
                },
                errors=[403],
                description=audit_readers,
            )
        },
    }


def alarm_schemas() -> dict[str, Schema]:
    comment = not_blank(maxLength=MAX_COMMENT)
    user = nullable(STRING)
    return {
        "Alarm": closed(
            {
                "id": STRING,
                "alarm_type": {**STRING, "description": "What happened: sos, fall, smoke, gas…"},
                "severity": enum_of(Severity),
                "state": enum_of(AlarmState),
                "source_entity_id": nullable(STRING),
                "household_id": {**nullable(STRING), "description": "null: the community's"},
                "message": STRING,
                "data": {**OBJECT, "description": "What the integration adds"},
                "raised_at": TIMESTAMP,
                "acknowledged_by": {**user, "description": "A user id"},
                "acknowledged_at": nullable(TIMESTAMP),
                "cleared_by": {**user, "description": "A user id; null: the device cleared it"},
                "cleared_at": nullable(TIMESTAMP),
                "comments": array(ref("AlarmComment")),
                "escalation_step": {
                    **nullable(COUNT),
                    "description": "The ladder's step last notified: 0 the household, then "
                    "the caregivers, the security desk, the external contacts (as configured)",
                },
                "next_escalation_at": {
                    **nullable(TIMESTAMP),
                    "description": "When the next step is notified unless someone "
                    "acknowledges; null: acknowledged, or the ladder has ended",
                },
                "modified_at": TIMESTAMP,
                "ladder": {
                    **array(enum_of(Rung)),
                    "description": "Whom each step of its escalation ladder notifies, in order",
                },
                "names": {
                    "type": "object",
                    "description": "User id -> name, of who acknowledged, cleared or commented",
                    "additionalProperties": STRING,
                },
            }
        ),
        "AlarmComment": closed(
            {"by": {**user, "description": "A user id"}, "at": TIMESTAMP, "text": STRING}
        ),
        "AlarmHandling": closed({}, {"comment": comment}),
        "NewAlarmComment": closed({"text": comment}),
        "Notification": closed(
            {
                "id": STRING,
                "user_id": STRING,
                "alarm_id": nullable(STRING),
                "title": STRING,
                "message": STRING,
                "created_at": TIMESTAMP,
                "read_at": {**nullable(TIMESTAMP), "description": "null: not read yet"},
            }
        ),
    }


def alarm_paths() -> dict[str, Schema]:
    alarm_id = path_parameter("alarm_id", "An alarm's id")
    handlers = (
        "Who may: the alarm's household, the caregivers of the member it is about, operators "
        "and admins; 404 for anyone else."
    )

    def handling(operation_id: str, summary: str, description: str) -> Schema:
        return operation(
            operation_id,
            "alarms",
            summary,
            {200: answer("The alarm", ref("Alarm"))},
            parameters=[alarm_id],
            body=ref("AlarmHandling"),
            body_required=False,
            description=f"{description} {handlers}",
        )

    return {
        "/api/alarms": {
            "get": operation(
                "getAlarms",
                "alarms",
                "The alarms the caller may handle, newest first",
                {200: answer("The alarms", array(ref("Alarm")))},
                parameters=[
                    list_parameter(
                        "state", "Only in these states", enum_of(AlarmState), required=False
                    ),
                    list_parameter(
                        "severity", "Only of these severities", enum_of(Severity), required=False
                    ),
                    query_parameter("household_id", "Only this household's"),
                    query_parameter(
                        "limit",
                        f"At most this many (default {DEFAULT_ALARM_LIMIT}). A whole number from 1 "
                        f"to {MAX_ALARM_LIMIT}",
                        {"type": "integer", "minimum": 1, "maximum": MAX_ALARM_LIMIT},
                    ),
                ],
                errors=[400],
                description=handlers.removesuffix("; 404 for anyone else.") + ".",
            )
        },
        "/api/alarms/{alarm_id}": {
            "get": operation(
                "getAlarm",
                "alarms",
                "One alarm",
                {200: answer("The alarm", ref("Alarm"))},
                parameters=[alarm_id],
                description=handlers,
            )
        },
        "/api/alarms/{alarm_id}/acknowledge": {
            "post": handling(
                "acknowledgeAlarm",
                "Take an alarm in hand: its escalation stops",
                "Acknowledging it again changes nothing but adds the comment.",
            )
        },
        "/api/alarms/{alarm_id}/clear": {
            "post": handling(
                "clearAlarm",
                "Say the alarm's condition is over",
                "An unacknowledged alarm stays open, and escalating, until someone "
                "acknowledges it. Clearing it again changes nothing but adds the comment.",
            )
        },
        "/api/alarms/{alarm_id}/comments": {
            "post": operation(
                "commentAlarm",
                "alarms",
                "Add a comment to an alarm, open or closed",
                {201: answer("The alarm with its comments", ref("Alarm"))},
                parameters=[alarm_id],
                body=ref("NewAlarmComment"),
                description=handlers,
            )
        },
        "/api/notifications": {
            "get": operation(
                "getNotifications",
                "alarms",
                "The caller's notifications, newest first",
                {200: answer("The notifications", array(ref("Notification")))},
                parameters=[
                    query_parameter("unread", "Only unread ones", enum_of(("true", "false")))
                ],
                errors=[400],
            )
        },
        "/api/notifications/{notification_id}/read": {
            "post": operation(
                "readNotification",
                "alarms",
                "Mark one of the caller's notifications read",
                {200: answer("The notification", ref("Notification"))},
                parameters=[path_parameter("notification_id", "A notification's id")],
                description="Another user's notification is not found (404).",
            )
        },
    }


def metering_schemas() -> dict[str, Schema]:
    fen = {**COUNT, "description": "Fen (分): 1/100 yuan"}
    return {
        "UsageRecord": closed(
            {
                "id": STRING,
                "household_id": STRING,
                "domain": {**STRING, "description": "The integration that metered it"},
                "item": {**STRING, "description": "What was used: energy, idle_fee…"},
                "description": STRING,
                "quantity_milli": {**COUNT, "description": "Thousandths of `unit`"},
                "unit": STRING,
                "unit_price_fen": {**COUNT, "description": "Fen a whole unit"},
                "amount_fen": {
                    **fen,
                    "description": "The quantity at the unit price, rounded half up to the fen; 0 "
                    "unless the service's funding is market",
                },
                "funding": enum_of(FUNDING_MODELS),
                "reference": {**STRING, "description": "What it is for: a session, a parcel…"},
                "occurred_at": TIMESTAMP,
                "recorded_at": TIMESTAMP,
            }
        ),
        "Statement": closed(
            {
                "household_id": STRING,
                "month": {"type": "string", "pattern": MONTH_PATTERN},
                "total_fen": fen,
                "totals_by_service": {
                    "type": "object",
                    "description": "Integration domain -> fen owed for it",
                    "additionalProperties": fen,
                },
                "lines": {**array(ref("UsageRecord")), "description": "Oldest first"},
            }
        ),
    }


MONTH: Final[Schema] = {
    "type": "string",
    "pattern": MONTH_PATTERN,
    "description": f"A calendar month of the community's time zone, YYYY-MM from "
    f"{FIRST_YEAR}-01 to {LAST_YEAR}-12, e.g. 2026-11",
}


def metering_paths() -> dict[str, Schema]:
    staff = "For operators and admins."
    month = query_parameter("month", "The month", MONTH, required=True)
    return {
        "/api/households/{household_id}/statements/{month}": {
            "get": operation(
                "getStatement",
                "metering",
                "A household's statement for one month: what it used of paid services, "
                "and what it owes",
                {200: answer("The statement; no lines when nothing was used", ref("Statement"))},
                parameters=[
                    path_parameter("household_id", "A household's id"),
                    path_parameter("month", "The month", MONTH),
                ],
                errors=[400],
                description="For the household's members (not the caregivers its members "
                "named), operators and admins; 404 for anyone else.",
            )
        },
        "/api/statements": {
            "get": operation(
                "getStatements",
                "metering",
                "The statement of every household that used a paid service in the month",
                {200: answer("The statements, by household id", array(ref("Statement")))},
                parameters=[month],
                errors=[400, 403],
                description=staff,
            )
        },
        "/api/usage/export": {
            "get": operation(
                "exportUsage",
                "metering",
                "Every usage record of the month as CSV, for the operator's accounts",
                {
                    200: {
                        "description": "One row a record, by household then time, with a "
                        "header row; amounts in fen and in yuan. Text a spreadsheet would run "
                        "as a formula starts with an apostrophe",
                        "content": {"text/csv": {"schema": STRING}},
                        "headers": {
                            "Content-Disposition": {
                                "required": True,
                                "schema": {
                                    "type": "string",
                                    "pattern": r'^attachment; filename="usage-\d{4}-\d{2}\.csv"$',
                                },
                            }
                        },
                    }
                },
                parameters=[month],
                errors=[400, 403],
                description=staff,
            )
        },
    }


def web_app_schemas() -> dict[str, Schema]:
    counts = {"type": "object", "additionalProperties": COUNT}
    return {
        "Integration": closed(
            {
                "domain": STRING,
                "name": {**STRING, "description": "In the language asked for"},
                "integration_type": STRING,
                "config_flow": BOOLEAN,
                "builtin": BOOLEAN,
                "version": nullable(STRING),
                "vendor": nullable(STRING),
                "data_categories": array(STRING),
                "funding": array(enum_of(FUNDING_MODELS)),
                "funding_model": nullable(enum_of(FUNDING_MODELS)),
                "allowed": {**BOOLEAN, "description": "Whether the community's vote lets it run"},
                "refusal": nullable({**STRING, "description": "Why it may not run"}),
                "decided_by": nullable(
                    closed(
                        {
                            "id": STRING,
                            "title": STRING,
                            "action": nullable(STRING),
                            "decided_at": nullable(TIMESTAMP),
                        }
                    )
                ),
                "state": enum_of(IntegrationState),
                "failure": nullable({**STRING, "description": "Why it failed, when it did"}),
                "entries": {**array(ref("ConfigEntry")), "description": "Those the caller sees"},
            }
        ),
        "Dashboard": closed(
            {
                "community": closed({"units": COUNT, "households": COUNT, "members": COUNT}),
                "devices": closed({"total": COUNT, "online": COUNT}),
                "alarms": closed(
                    {"active": COUNT, "by_severity": {**counts, "description": "Open alarms"}}
                ),
                "integrations": closed({"loaded": COUNT, "failed": COUNT}),
                "services": {
                    "type": "object",
                    "description": "Integration domain -> the figures it contributes",
                    "additionalProperties": {"type": "object", "additionalProperties": NUMBER},
                },
                "usage": closed(
                    {
                        "month": {"type": "string", "pattern": MONTH_PATTERN},
                        "total_fen": COUNT,
                        "by_service": {**counts, "description": "Domain -> fen billed"},
                    }
                ),
            }
        ),
    }


def web_app_paths() -> dict[str, Schema]:
    languages = enum_of(LANGUAGES)
    return {
        "/api/integrations": {
            "get": operation(
                "listIntegrations",
                "integrations",
                "Every integration the hub knows: whether the community's vote lets it run, "
                "its state and failure, and the config entries the caller may see",
                {200: answer("The integrations, by domain", array(ref("Integration")))},
                parameters=[
                    query_parameter(
                        "language",
                        "The language of the names (others: English)",
                        {**STRING, "default": LANGUAGES[0]},
                    )
                ],
            )
        },
        "/api/translations/{language}": {
            "get": operation(
                "getTranslations",
                "integrations",
                "The integrations' texts in a language, with English for what one lacks",
                {
                    200: answer(
                        "Integration domain -> its texts (translations/<language>.json)",
                        {"type": "object", "additionalProperties": OBJECT},
                    )
                },
                parameters=[path_parameter("language", "The language", languages)],
            )
        },
        "/api/panels": {
            "get": operation(
                "listPanels",
                "integrations",
                "The pages plugins add to the web app that the caller's role may open",
                {
                    200: answer(
                        "The panels; each module defines the element <name>-panel",
                        array(
                            closed(
                                {
                                    "name": STRING,
                                    "title": STRING,
                                    "icon": STRING,
                                    "module_url": {**STRING, "pattern": "^/frontend/panels/"},
                                }
                            )
                        ),
                    )
                },
            )
        },
        "/api/dashboard": {
            "get": operation(
                "getDashboard",
                "integrations",
                "The community's key figures: households, devices online, open alarms, "
                "integrations, the integrations' own figures and this month's billed usage",
                {200: answer("The figures", ref("Dashboard"))},
                errors=[403],
                description="For operators and admins.",
            )
        },
    }


# Automations and blueprints.

RUN_STATES: Final = ("running", "finished", "stopped", "error", "cancelled", "skipped")


AUTOMATION_EXAMPLE: Final = {
    "alias": "Morning reminder",
    "triggers": [{"trigger": "time", "at": "07:30"}],
    "conditions": [{"condition": "time", "weekday": ["mon", "tue", "wed", "thu", "fri"]}],
    "actions": [
        {"notify": {"to": "household", "title": "Good morning", "message": "Take the keys"}}
    ],
}
BLUEPRINT_EXAMPLE: Final = """\
blueprint:
  name: Morning reminder
  domain: automation
  input:
    at:
      name: When
      default: "07:30:00"
      selector:
        time: {}
triggers:
  - trigger: time
    at: !input at
actions:
  - notify: {to: household, title: Good morning, message: Take the keys}
"""


def automation_schemas() -> dict[str, Schema]:
    def one_or_many(what: str, description: str) -> Schema:
        item = {**OBJECT, "description": description}
        return {"anyOf": [item, array(item)], "description": f"One {what} or a list of them"}

    trigger = one_or_many(
        "trigger",
        "`trigger` (or `platform`) names its kind (state, numeric_state, event, time, "
        "time_pattern, alarm, webhook, mqtt…), beside its options as Home Assistant writes them",
    )
    condition = one_or_many(
        "condition",
        "`condition` names its kind (state, numeric_state, time, alarm, and, or, not), beside "
        "its options; templates are refused",
    )
    action = one_or_many(
        "action",
        "A service call (`action: domain.service`, `target`, `data`), or notify, alarm, event, "
        "delay, wait_for_trigger, condition, choose, repeat, stop",
    )
    nullable_text = nullable(STRING)
    return {
        "Automation": closed(
            {
                "id": STRING,
                "alias": {**STRING, "description": "Its alias, else its id"},
                "description": STRING,
                "household_id": {**nullable(STRING), "description": "null: the community's"},
                "owner_id": {
                    **nullable(STRING),
                    "description": "The user whose rights its runs act with; null: the hub's "
                    "(an automation of automations.yaml)",
                },
                "source": {
                    **enum_of(SOURCES),
                    "description": "yaml: written in automations.yaml (edited there); api: "
                    "made through the API",
                },
                "enabled": BOOLEAN,
                "failure": {
                    **nullable_text,
                    "description": "Why it cannot listen for its triggers, when it cannot",
                },
                "mode": enum_of(MODES),
                "running": {**COUNT, "description": "Runs under way"},
                "last_run": nullable(
                    closed({"started_at": TIMESTAMP, "state": enum_of(RUN_STATES)})
                ),
                "config": {**OBJECT, "description": "As written, with its id"},
            }
        ),
        "NewAutomation": closed(
            {},
            {
                "id": {
                    "type": "string",
                    "pattern": AUTOMATION_ID_PATTERN,
                    "description": "Made up when left out; in a replacement, the automation's",
                },
                "alias": {"type": "string", "minLength": 1, "maxLength": 120},
                "description": STRING,
                "household_id": {
                    **nullable(STRING),
                    "description": "Whose it is (null: the community's). Left out: the "
                    "caller's household, or the community's for operators and admins; in a "
                    "replacement, whose it was",
                },
                "mode": enum_of(MODES),
                "max": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 100,
                    "description": "Runs at once (parallel) or waiting (queued)",
                },
                "max_exceeded": enum_of(("silent", "warning", "error")),
                "initial_state": BOOLEAN,
                "triggers": trigger,
                "trigger": {**trigger, "description": "The older spelling of `triggers`"},
                "conditions": condition,
                "condition": {**condition, "description": "The older spelling of `conditions`"},
                "actions": action,
                "action": {**action, "description": "The older spelling of `actions`"},
                "use_blueprint": closed(
                    {"path": {**STRING, "description": "The blueprint's path"}},
                    {"input": {**OBJECT, "description": "Input name -> its value"}},
                ),
            },
        )
        | {
            "description": "An automation as Home Assistant writes it: its triggers and actions "
            "(in either spelling, not both), or a blueprint it uses with its inputs (what "
            "else it says replaces the blueprint's)",
            "anyOf": [
                {"required": ["triggers", "actions"]},
                {"required": ["trigger", "action"]},
                {"required": ["use_blueprint"]},
            ],
        },
        "AutomationRun": closed(
            {
                "run_id": STRING,
                "automation_id": STRING,
                "context_id": {**STRING, "description": "Empty for a run refused as a loop"},
                "trigger": {
                    **OBJECT,
                    "description": "What started it: `platform`, `id`, `description` and the "
                    "platform's facts. The state of an entity the caller may not see is null",
                },
                "started_at": TIMESTAMP,
                "state": {
                    **enum_of(RUN_STATES),
                    "description": "stopped: by a stop step or a condition; cancelled: by a "
                    "newer run or the automation turned off; skipped: refused by its mode, or "
                    "as a loop of automations",
                },
                "message": {**nullable_text, "description": "How it ended, in the hub's words"},
                "reason": {
                    "anyOf": [enum_of(REASONS), {"type": "null"}],
                    "description": "Why it ended other than finished, for an app's own words: "
                    "conditions (the automation's), condition (a condition step), timeout (a "
                    "wait's), stop (a stop step), error, cancelled; for a run refused: mode "
                    "(its limit), loop, owner (who lost the right). Null while running and "
                    "once finished",
                },
                "finished_at": nullable(TIMESTAMP),
                "duration": {**nullable(NUMBER), "description": "Seconds; null while running"},
                "steps": array(ref("AutomationStep")),
            }
        ),
        "AutomationStep": closed(
            {
                "path": {**STRING, "description": "Where in the automation: action/2/choose/1"},
                "kind": STRING,
                "at": TIMESTAMP,
                "result": OBJECT,
                "error": nullable_text,
            }
        ),
        "Blueprint": closed(
            {
                "path": {**STRING, "description": "What use_blueprint names, e.g. linli/sos.yaml"},
                "name": STRING,
                "domain": STRING,
                "description": nullable_text,
                "author": nullable_text,
                "source_url": nullable_text,
                "inputs": array(ref("BlueprintInput")),
                "sections": array(
                    closed(
                        {
                            "name": STRING,
                            "label": nullable_text,
                            "description": nullable_text,
                            "icon": nullable_text,
                            "collapsed": BOOLEAN,
                            "inputs": {**array(STRING), "description": "Its inputs' names"},
                        }
                    )
                ),
            }
        ),
        "BlueprintInput": closed(
            {
                "name": {**STRING, "description": "What use_blueprint's input names it"},
                "label": {**nullable_text, "description": "The name to show"},
                "description": nullable_text,
                "selector": {
                    **nullable(OBJECT),
                    "description": "What it takes, as Home Assistant writes it: {kind: options}",
                },
                "section": {**nullable_text, "description": "The section it is shown in"},
            },
            {"default": {"description": "Its value when none is given; absent: required"}},
        ),
    }


def automation_paths() -> dict[str, Schema]:
    automation_id = path_parameter("automation_id", "An automation's id")
    readers = (
        "For the automation's household's members, operators and admins (the community's) "
        "and admins (every household's), if they may see every entity it names (not a "
        "member's health data); 404 for anyone else."
    )

    def change(operation_id: str, summary: str, answers: dict[int, Schema], **more: Any) -> Schema:
        return operation(
            operation_id,
            "automations",
            summary,
            answers,
            parameters=[automation_id],
            errors=[403, *more.pop("errors", ())],
            description=more.pop("description", readers),
            **more,
        )

    automation_body = {
        "application/json": {"schema": ref("NewAutomation"), "example": AUTOMATION_EXAMPLE}
    }
    file_only = (
        "An automation of automations.yaml is changed in the file: 409 `read_only`. " + readers
    )
    return {
        "/api/automations": {
            "get": operation(
                "getAutomations",
                "automations",
                "The automations the caller may read",
                {200: answer("The automations", array(ref("Automation")))},
                parameters=[query_parameter("household_id", "Only this household's")],
                description=readers.removesuffix("; 404 for anyone else.") + ".",
            ),
            "post": operation(
                "createAutomation",
                "automations",
                "Make an automation, in the Home Assistant format, owned by the caller",
                {201: answer("The automation, listening for its triggers", ref("Automation"))},
                body_content=automation_body,
                errors=[403, 404],
                description="Its runs act with the caller's rights. A mistake is a 400 whose "
                "`field` is the path of the part, e.g. `triggers.0.entity_id`; an entity the "
                "caller may not see is one that does not exist. A household's members make its "
                "automations, operators and admins the community's, admins any household's; "
                "`household_id` naming a household the caller may not see is a 404.",
            ),
        },
        "/api/automations/problems": {
            "get": operation(
                "getAutomationProblems",
                "automations",
                "What automations.yaml could not load, and why",
                {
                    200: answer(
                        "The automation's id (or where it is in the file) -> the message",
                        {"type": "object", "additionalProperties": STRING},
                    )
                },
                errors=[403],
                description="For operators and admins.",
            )
        },
        "/api/automations/{automation_id}": {
            "get": operation(
                "getAutomation",
                "automations",
                "One automation",
                {200: answer("The automation", ref("Automation"))},
                parameters=[automation_id],
                description=readers,
            ),
            "put": change(
                "replaceAutomation",
                "Replace an automation's configuration; its id and owner stay",
                {200: answer("The automation as it is now", ref("Automation"))},
                body_content=automation_body,
                errors=[409],
                description=file_only,
            ),
            "delete": change(
                "removeAutomation",
                "Remove an automation; its runs under way stop",
                {200: answer("The automation was removed", removed("automation_id"))},
                errors=[409],
                description=file_only,
            ),
        },
        "/api/automations/{automation_id}/enable": {
            "post": change(
                "enableAutomation",
                "Turn an automation on: it listens for its triggers again",
                {200: answer("The automation", ref("Automation"))},
            )
        },
        "/api/automations/{automation_id}/disable": {
            "post": change(
                "disableAutomation",
                "Turn an automation off: its runs under way stop",
                {200: answer("The automation", ref("Automation"))},
            )
        },
        "/api/automations/{automation_id}/trigger": {
            "post": change(
                "triggerAutomation",
                "Run an automation now, without its triggers (its conditions and mode apply)",
                {200: answer("The run's trace, as it is once started", ref("AutomationRun"))},
            )
        },
        "/api/automations/{automation_id}/traces": {
            "get": operation(
                "getAutomationTraces",
                "automations",
                f"An automation's last {KEPT_RUNS} runs, newest first",
                {200: answer("Their traces", array(ref("AutomationRun")))},
                parameters=[automation_id],
                description=readers,
            )
        },
        "/api/blueprints": {
            "get": operation(
                "getBlueprints",
                "automations",
                "Every blueprint automations may use",
                {
                    200: answer(
                        "The blueprints by path, and the files that could not be read",
                        closed(
                            {
                                "blueprints": array(ref("Blueprint")),
                                "problems": {
                                    "type": "object",
                                    "description": "The blueprint's path -> what is wrong; "
                                    "empty but for operators and admins",
                                    "additionalProperties": STRING,
                                },
                            }
                        ),
                    )
                },
            ),
            "post": operation(
                "importBlueprint",
                "automations",
                "Import a blueprint in the Home Assistant format",
                {201: answer("The blueprint, at imported/<filename>", ref("Blueprint"))},
                body_content={
                    "application/json": {
                        "schema": closed(
                            {
                                "filename": {
                                    **STRING,
                                    "description": "A plain file name ending in .yaml, e.g. "
                                    "motion_light.yaml: not one imported already",
                                },
                                "text": {**STRING, "description": "The blueprint's YAML"},
                            }
                        ),
                        "example": {"filename": "morning_reminder.yaml", "text": BLUEPRINT_EXAMPLE},
                    }
                },
                errors=[403],
                description="For operators and admins. A blueprint that cannot be read is a "
                "400 whose message names each problem, with its line.",
            ),
        },
    }


def build_document() -> Schema:
    """The whole OpenAPI document."""
    error_responses: dict[str, Schema] = {
        name: answer(description, ref("Error")) for name, description in ERRORS.values()
    }
    error_responses["Unauthorized"]["headers"] = {
        "WWW-Authenticate": {"required": True, "schema": {"const": "Bearer"}}
    }
    for name in ("Locked", "TooManyAttempts"):
        error_responses[name]["headers"] = RETRY_AFTER
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "linli",
            "version": __version__,
            "description": "The REST API of a linli hub. Every operation but logging in "
            "and refreshing a token needs `Authorization: Bearer <token>`; every error is JSON, "
            '`{"message", "code", "field"?}`. The WebSocket API at `/api/websocket` is not '
            "described here.",
        },
        "security": [{"bearer": []}],
        "tags": [
            {"name": name}
            for name in (
                "hub",
                "states",
                "services",
                "events",
                "config",
                "registry",
                "history",
                "auth",
                "community",
                "proposals",
                "privacy",
                "alarms",
                "metering",
                "automations",
                "integrations",
            )
        ],
        "paths": {
            **hub_paths(),
            **state_paths(),
            **service_paths(),
            **event_paths(),
            **config_paths(),
            **registry_paths(),
            **history_paths(),
            **auth_paths(),
            **community_paths(),
            **governance_paths(),
            **privacy_paths(),
            **alarm_paths(),
            **metering_paths(),
            **automation_paths(),
            **web_app_paths(),
        },
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token: an access token from a login, a "
                    "long-lived token, or the admin token in `<config folder>/admin_token`",
                }
            },
            "schemas": schemas(),
            "responses": error_responses,
        },
    }


@functools.cache
def document_bytes() -> bytes:
    """The document, serialised once: it changes only with the code."""
    return orjson.dumps(build_document())


@routes.get(OPENAPI_PATH)
async def get_openapi(request: web.Request) -> web.Response:
    return json_bytes_response(document_bytes())
