"""What an automation is made of, as voluptuous schemas: the Home Assistant format.

Both of Home Assistant's spellings are read: ``trigger:``/``condition:``/``action:`` with
``platform:`` and ``service:``, and the newer ``triggers:``/``conditions:``/``actions:``
with ``trigger:`` and ``action:``. :func:`automation_config` returns one normal form:
``triggers``, ``conditions`` and ``actions`` lists whose items say what they are under
``trigger``, ``condition`` and ``kind``. Templates are refused: linli is template-free.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import time, timedelta
from typing import Any, Final

import voluptuous as vol

from ..alarms.model import Severity
from ..states import valid_entity_id

MODES: Final = ("single", "restart", "queued", "parallel")
DEFAULT_MAX_RUNS: Final = 10
WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RECIPIENTS: Final = ("household", "caregivers", "security", "external")  # or user ids

Validator = Callable[[Any], Any]


def _no_template(value: Any) -> Any:
    if isinstance(value, str) and ("{{" in value or "{%" in value):
        raise vol.Invalid("templates are not supported: linli automations are template-free")
    return value


def entity_id(value: Any) -> str:
    if not isinstance(value, str) or not valid_entity_id(value.strip().lower()):
        raise vol.Invalid(f"{value!r} is not an entity id (domain.object_id)")
    return value.strip().lower()


def entity_ids(value: Any) -> list[str]:
    """One entity id, a comma-separated list or a list."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise vol.Invalid("expected an entity id or a list of them")
    return [entity_id(item) for item in items]


def duration(value: Any) -> timedelta:
    """Seconds, "HH:MM[:SS]", or {days, hours, minutes, seconds, milliseconds}."""
    try:
        return _duration(value)
    except (OverflowError, ValueError) as error:
        raise vol.Invalid(f"expected a duration of at most {timedelta.max.days} days") from error


def _duration(value: Any) -> timedelta:
    if isinstance(value, bool):
        raise vol.Invalid(f"expected a duration, got {value!r}")
    if isinstance(value, int | float):
        result = timedelta(seconds=value)
    elif isinstance(value, str):
        _no_template(value)
        match = re.fullmatch(r"(-?\d+):(\d{1,2})(?::(\d{1,2}(?:\.\d+)?))?", value.strip())
        if not match:
            raise vol.Invalid(f"expected a duration such as 00:05:00 or 300, got {value!r}")
        hours, minutes, seconds = match.groups()
        result = timedelta(hours=int(hours), minutes=int(minutes), seconds=float(seconds or 0))
    elif isinstance(value, dict):
        units = ("days", "hours", "minutes", "seconds", "milliseconds")
        if not value or set(value) - set(units):
            raise vol.Invalid(f"a duration's keys are {', '.join(units)}")
        parts = {key: vol.Coerce(float)(number) for key, number in value.items()}
        result = timedelta(**parts)
    else:
        raise vol.Invalid(f"expected a duration, got {value!r}")
    if result < timedelta(0):
        raise vol.Invalid("a duration cannot be negative")
    return result


def time_of_day(value: Any) -> time:
    if isinstance(value, str):
        match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", value.strip())
        if match and int(match[1]) < 24 and int(match[2]) < 60 and int(match[3] or 0) < 60:
            return time(int(match[1]), int(match[2]), int(match[3] or 0))
    raise vol.Invalid(f"expected a time of day such as 07:30 or 22:00:00, got {value!r}")


def pattern_values(value: Any, top: int) -> list[int]:
    """The values 0..top-1 a time_pattern part matches: ``*`` (or left out), ``/5``, or a
    number."""
    text = "*" if value is None else str(value).strip()
    if text == "*":
        return list(range(top))
    if text.startswith("/") and text[1:].isdigit() and 0 < int(text[1:]) < top:
        return list(range(0, top, int(text[1:])))
    if text.isdigit() and int(text) < top:
        return [int(text)]
    raise vol.Invalid(f"expected '*', '/N' or a number below {top}, got {value!r}")


def _pattern_part(top: int) -> Validator:
    def check(value: Any) -> Any:
        pattern_values(value, top)
        return value

    return check


def _one_or_many(validator: Validator) -> Validator:
    def check(value: Any) -> list[Any]:
        return [validator(item) for item in (value if isinstance(value, list) else [value])]

    return check


def _state_value(value: Any) -> str | None:
    """A state to match: text (numbers and booleans as Home Assistant's YAML writes them)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(_no_template(value))


_BASE: Final = {vol.Optional("id"): vol.Coerce(str), vol.Optional("enabled", default=True): bool}
STATES: Final = vol.Any(None, _one_or_many(_state_value))

TRIGGER_SCHEMAS: Final[dict[str, dict[Any, Any]]] = {
    "state": {
        vol.Required("entity_id"): entity_ids,
        vol.Optional("from"): STATES,
        vol.Optional("to"): STATES,
        vol.Optional("attribute"): str,
        vol.Optional("for"): duration,
    },
    "numeric_state": {
        vol.Required("entity_id"): entity_ids,
        vol.Optional("above"): vol.Coerce(float),
        vol.Optional("below"): vol.Coerce(float),
        vol.Optional("attribute"): str,
        vol.Optional("for"): duration,
    },
    "event": {
        vol.Required("event_type"): _one_or_many(vol.All(str, _no_template)),
        vol.Optional("event_data", default=dict): dict,
    },
    "time": {vol.Required("at"): _one_or_many(time_of_day)},
    "time_pattern": {
        vol.Optional("hours"): _pattern_part(24),
        vol.Optional("minutes"): _pattern_part(60),
        vol.Optional("seconds"): _pattern_part(60),
    },
    "alarm": {
        vol.Optional("alarm_type"): _one_or_many(str),
        vol.Optional("severity"): _one_or_many(vol.In([s.value for s in Severity])),
    },
    "webhook": {
        vol.Required("webhook_id"): vol.All(str, vol.Match(r"^[A-Za-z0-9_-]{8,64}$")),
        vol.Optional("allowed_methods", default=["POST", "PUT"]): [vol.In(["GET", "POST", "PUT"])],
        vol.Optional("local_only"): bool,
    },
}
#: Trigger platforms an integration adds (``mqtt``), with their schemas: set at its setup.
EXTRA_TRIGGER_SCHEMAS: dict[str, dict[Any, Any]] = {}


def _platform_of(value: Any, kinds: Mapping[str, Any], what: str, keys: tuple[str, ...]) -> str:
    if not isinstance(value, dict):
        raise vol.Invalid(f"expected a {what} (a mapping), got {value!r}")
    found = [value[key] for key in keys if key in value]
    if not found:
        raise vol.Invalid(f"a {what} needs '{keys[0]}' naming its kind")
    kind = found[0]
    if kind not in kinds:
        raise vol.Invalid(f"unknown {what} {kind!r} (known: {', '.join(sorted(kinds))})")
    return str(kind)


def trigger(value: Any) -> dict[str, Any]:
    """One trigger, normalised to ``{"trigger": platform, …}``."""
    schemas = {**TRIGGER_SCHEMAS, **EXTRA_TRIGGER_SCHEMAS}
    platform = _platform_of(value, schemas, "trigger", ("trigger", "platform"))
    body = {key: item for key, item in value.items() if key not in ("trigger", "platform")}
    result = vol.Schema({**_BASE, **schemas[platform]})(body)
    if platform == "numeric_state" and "above" not in result and "below" not in result:
        raise vol.Invalid("a numeric_state trigger needs 'above' or 'below'")
    return {"trigger": platform, **result}


def triggers(value: Any) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise vol.Invalid("at least one trigger is needed")
    return vol.Schema([trigger])(items)


# -- conditions -------------------------------------------------------------------------


def condition(value: Any) -> dict[str, Any]:
    """One condition, normalised to ``{"condition": kind, …}``."""
    if isinstance(value, str) and value in ("and", "or", "not"):
        raise vol.Invalid(f"'{value}' needs its conditions: condition: {value}, conditions: […]")
    kind = _platform_of(value, CONDITION_SCHEMAS, "condition", ("condition",))
    body = {key: item for key, item in value.items() if key != "condition"}
    result = vol.Schema({**_BASE, **CONDITION_SCHEMAS[kind]})(body)
    if kind == "numeric_state" and "above" not in result and "below" not in result:
        raise vol.Invalid("a numeric_state condition needs 'above' or 'below'")
    return {"condition": kind, **result}


def conditions(value: Any) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return vol.Schema([condition])(items)


def _template_refused(_value: Any) -> Any:
    raise vol.Invalid("template conditions are not supported: linli automations are template-free")


CONDITION_SCHEMAS: Final[dict[str, dict[Any, Any]]] = {
    "state": {
        vol.Required("entity_id"): entity_ids,
        vol.Required("state"): _one_or_many(_state_value),
        vol.Optional("attribute"): str,
        vol.Optional("for"): duration,
        vol.Optional("match", default="all"): vol.In(["all", "any"]),
    },
    "numeric_state": {
        vol.Required("entity_id"): entity_ids,
        vol.Optional("above"): vol.Coerce(float),
        vol.Optional("below"): vol.Coerce(float),
        vol.Optional("attribute"): str,
    },
    "time": {
        vol.Optional("after"): time_of_day,
        vol.Optional("before"): time_of_day,
        vol.Optional("weekday"): _one_or_many(vol.In(WEEKDAYS)),
    },
    # The alarm that triggered the run (an alarm trigger's): whether it is acknowledged yet,
    # or still active. linli's own: without templates, a run can ask no other way.
    "alarm": {vol.Optional("acknowledged"): bool, vol.Optional("active"): bool},
    "and": {vol.Required("conditions"): conditions},
    "or": {vol.Required("conditions"): conditions},
    "not": {vol.Required("conditions"): conditions},
    "template": {vol.Optional("value_template"): _template_refused},
}


# -- actions ----------------------------------------------------------------------------


def _service_name(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[a-z0-9_]+\.[a-z0-9_]+", value):
        raise vol.Invalid(f"expected a service as domain.service, got {value!r}")
    return value


def _target(value: Any) -> dict[str, list[str]]:
    schema = vol.Schema(
        {
            vol.Optional("entity_id"): entity_ids,
            vol.Optional("device_id"): _one_or_many(str),
            vol.Optional("area_id"): _one_or_many(str),
        }
    )
    return schema(value)


def _plain(value: Any) -> Any:
    """Data as written, with no template anywhere in it."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return _no_template(value)


ACTION_SCHEMAS: Final[dict[str, dict[Any, Any]]] = {
    "service": {
        vol.Required("action"): _service_name,
        vol.Optional("target", default=dict): _target,
        vol.Optional("data", default=dict): vol.All(dict, _plain),
    },
    "notify": {
        vol.Required("notify"): vol.Schema(
            {
                vol.Required("to"): _one_or_many(str),
                vol.Required("title"): vol.All(str, _no_template),
                vol.Required("message"): vol.All(str, _no_template),
                vol.Optional("household_id"): str,
            }
        )
    },
    "alarm": {
        vol.Required("alarm"): vol.Any(
            vol.Schema(
                {
                    vol.Required("raise"): str,
                    vol.Required("severity"): vol.In([s.value for s in Severity]),
                    vol.Required("message"): vol.All(str, _no_template),
                    vol.Optional("source_entity_id"): entity_id,
                    vol.Optional("household_id"): str,
                }
            ),
            vol.Schema(
                {
                    vol.Required("clear"): str,
                    vol.Optional("source_entity_id"): entity_id,
                    vol.Optional("household_id"): str,
                }
            ),
        )
    },
    "event": {
        vol.Required("event"): vol.All(str, vol.Match(r"^[a-z0-9_.]{1,64}$")),
        vol.Optional("event_data", default=dict): vol.All(dict, _plain),
    },
    "delay": {vol.Required("delay"): duration},
    "wait_for_trigger": {
        vol.Required("wait_for_trigger"): triggers,
        vol.Optional("timeout"): duration,
        vol.Optional("continue_on_timeout", default=True): bool,
    },
    "condition": {},  # filled below: a condition as a step
    "choose": {
        vol.Required("choose"): lambda value: vol.Schema([_option])(
            value if isinstance(value, list) else [value]
        ),
        vol.Optional("default"): lambda value: actions(value),
    },
    "repeat": {vol.Required("repeat"): lambda value: _repeat(value)},
    "stop": {vol.Required("stop"): vol.All(str, _no_template), vol.Optional("error"): bool},
}


def _option(value: Any) -> dict[str, Any]:
    schema = vol.Schema(
        {
            vol.Optional("alias"): str,
            vol.Required("conditions"): conditions,
            vol.Required("sequence"): lambda item: actions(item),
        }
    )
    return schema(value)


def _repeat(value: Any) -> dict[str, Any]:
    schema = vol.Schema(
        {
            vol.Exclusive("count", "loop"): vol.All(int, vol.Range(min=0, max=10_000)),
            vol.Exclusive("while", "loop"): conditions,
            vol.Exclusive("until", "loop"): conditions,
            vol.Required("sequence"): lambda item: actions(item),
        }
    )
    result = schema(value)
    if not {"count", "while", "until"} & set(result):
        raise vol.Invalid("a repeat needs 'count', 'while' or 'until'")
    return result


def _kind_of_action(value: Any) -> str:
    if not isinstance(value, dict):
        raise vol.Invalid(f"expected an action (a mapping), got {value!r}")
    if "action" in value or "service" in value:
        return "service"
    for kind in ACTION_SCHEMAS:
        if kind in value and kind != "service":
            return kind
    raise vol.Invalid(
        "unknown action: expected one of action (a service), "
        + ", ".join(kind for kind in ACTION_SCHEMAS if kind != "service")
    )


def action(value: Any) -> dict[str, Any]:
    """One step, normalised to ``{"kind": …, …}`` (a service call's name under ``action``)."""
    kind = _kind_of_action(value)
    body = dict(value)
    body.pop("alias", None)
    if kind == "service" and "service" in body:
        body["action"] = body.pop("service")
    if kind == "service" and "service_data" in body:
        body["data"] = body.pop("service_data")
    if kind == "condition":
        return {"kind": kind, **condition(body)}
    return {"kind": kind, **vol.Schema({**_BASE, **ACTION_SCHEMAS[kind]})(body)}


def actions(value: Any) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return vol.Schema([action])(items)


# -- the automation ---------------------------------------------------------------------


def _either(config: dict[str, Any], new: str, old: str, *, required: bool) -> Any:
    if new in config and old in config:
        raise vol.Invalid(f"give '{new}' or '{old}', not both", path=[new])
    if new in config or old in config:
        return config[new] if new in config else config[old]
    if required:
        raise vol.Invalid(f"required: '{new}'", path=[new])
    return []


AUTOMATION_FIELDS: Final = {
    vol.Optional("id"): vol.All(vol.Coerce(str), vol.Match(r"^[A-Za-z0-9_.-]{1,64}$")),
    vol.Optional("alias"): vol.All(str, vol.Length(min=1, max=120)),
    vol.Optional("description", default=""): str,
    vol.Optional("mode", default="single"): vol.In(MODES),
    vol.Optional("max", default=DEFAULT_MAX_RUNS): vol.All(int, vol.Range(min=1, max=100)),
    vol.Optional("max_exceeded", default="warning"): vol.In(["silent", "warning", "error"]),
    vol.Optional("household_id"): vol.Any(None, str),
    vol.Optional("initial_state"): bool,
    vol.Optional("variables"): lambda _value: _template_refused(_value),
}


def _part(
    check: Validator, config: dict[str, Any], new: str, old: str, *, required: bool
) -> list[dict[str, Any]]:
    """One of the three lists, checked, its errors' paths starting with its (new) name."""
    try:
        return check(_either(config, new, old, required=required))
    except vol.Invalid as error:
        if error.path[:1] == [new]:
            raise
        raise vol.Invalid(error.msg, path=[new, *error.path]) from None


def automation_config(config: Any) -> dict[str, Any]:
    """An automation's configuration, checked and normalised; :class:`vol.Invalid` (with
    the path of the bad part) when it is wrong."""
    if not isinstance(config, dict):
        raise vol.Invalid(f"expected an automation (a mapping), got {config!r}")
    config = dict(config)
    parts = {
        "triggers": _part(triggers, config, "triggers", "trigger", required=True),
        "conditions": _part(conditions, config, "conditions", "condition", required=False),
        "actions": _part(actions, config, "actions", "action", required=True),
    }
    for key in ("triggers", "trigger", "conditions", "condition", "actions", "action"):
        config.pop(key, None)
    return {**vol.Schema(AUTOMATION_FIELDS)(config), **parts}
