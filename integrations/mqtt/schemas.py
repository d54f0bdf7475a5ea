"""What a discovery config must hold, per component, once its abbreviations are spelt out.

Keys linli does not use are allowed and ignored (devices send many); a key it uses with a
wrong value, or a required key missing, rejects the config with the key named.
"""

from __future__ import annotations

from typing import Any, Final

import voluptuous as vol

from linli.entities import EntityCategory

from .templates import TemplateError, ValueTemplate, text_of
from .topics import InvalidTopic, check_topic_filter, check_topic_name

MAX_TEXT: Final = 255


def topic_filter(value: Any) -> str:
    try:
        return check_topic_filter(value)
    except InvalidTopic as error:
        raise vol.Invalid(str(error)) from None


def topic_name(value: Any) -> str:
    try:
        return check_topic_name(value)
    except InvalidTopic as error:
        raise vol.Invalid(str(error)) from None


def template(value: Any) -> ValueTemplate:
    try:
        return ValueTemplate.parse(value)
    except TemplateError as error:
        raise vol.Invalid(str(error)) from None


def payload(value: Any) -> str:
    """A payload to compare or send: JSON true becomes "True", as Home Assistant has it."""
    if isinstance(value, str | bool | int | float):
        return text_of(value)
    raise vol.Invalid(f"expected text, a number or true/false, got {type(value).__name__}")


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise vol.Invalid(f"expected text, got {type(value).__name__}")
    if len(value) > MAX_TEXT:
        raise vol.Invalid(f"longer than {MAX_TEXT} characters")
    return value


def _identifiers(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    if not values:
        raise vol.Invalid("expected at least one identifier")
    return [text(text_of(item)) if isinstance(item, int) else text(item) for item in values]


def _connection(value: Any) -> tuple[str, str]:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise vol.Invalid("a connection is a pair like ['mac', '02:5b:26:a8:dc:12']")
    return text(value[0]), text(value[1])


DEVICE_SCHEMA: Final = vol.All(
    vol.Schema(
        {
            vol.Optional("identifiers"): _identifiers,
            vol.Optional("connections"): [_connection],
            vol.Optional("manufacturer"): text,
            vol.Optional("model"): text,
            vol.Optional("name"): text,
            vol.Optional("sw_version"): vol.Any(text, vol.All(vol.Coerce(str), text)),
            vol.Optional("hw_version"): vol.Any(text, vol.All(vol.Coerce(str), text)),
            vol.Optional("via_device"): text,
            vol.Optional("suggested_area"): text,
        },
        extra=vol.ALLOW_EXTRA,
    ),
    vol.Msg(
        vol.Any(
            vol.Schema({vol.Required("identifiers"): object}, extra=vol.ALLOW_EXTRA),
            vol.Schema({vol.Required("connections"): object}, extra=vol.ALLOW_EXTRA),
        ),
        "a device needs identifiers or connections",
    ),
)

AVAILABILITY_SCHEMA: Final = vol.Schema(
    {
        vol.Required("topic"): topic_filter,
        vol.Optional("payload_available", default="online"): payload,
        vol.Optional("payload_not_available", default="offline"): payload,
        vol.Optional("value_template"): template,
    },
    extra=vol.ALLOW_EXTRA,
)

ENTITY_SCHEMA: Final = vol.Schema(
    {
        vol.Optional("name"): vol.Any(None, text),
        vol.Optional("unique_id"): vol.All(vol.Coerce(str), text),
        vol.Optional("device"): DEVICE_SCHEMA,
        vol.Optional("icon"): text,
        vol.Optional("device_class"): vol.Any(None, text),
        vol.Optional("entity_category"): vol.Any(None, vol.Coerce(EntityCategory)),
        vol.Optional("enabled_by_default", default=True): bool,
        vol.Optional("qos", default=0): vol.All(int, vol.Range(min=0, max=2)),
        vol.Optional("availability_topic"): topic_filter,
        vol.Optional("availability_template"): template,
        vol.Optional("payload_available", default="online"): payload,
        vol.Optional("payload_not_available", default="offline"): payload,
        vol.Optional("availability"): [AVAILABILITY_SCHEMA],
        vol.Optional("availability_mode", default="latest"): vol.In(("all", "any", "latest")),
        vol.Optional("value_template"): template,
    },
    extra=vol.ALLOW_EXTRA,
)

EXPIRING: Final = {vol.Optional("expire_after"): vol.All(int, vol.Range(min=1))}


def component_schema(fields: dict[Any, Any]) -> vol.Schema:
    """The entity schema extended with one component's own fields."""
    return ENTITY_SCHEMA.extend(fields)
