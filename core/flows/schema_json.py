"""Describe a step's voluptuous schema as JSON fields the web app renders as a form.

Each field is ``{"name", "type", "required"}`` plus, where they apply, ``default``,
``description``, ``choices``, ``min``/``max`` (vol.Range) and ``min_length``/``max_length``
(vol.Length). Types: ``string``, ``password``, ``integer``, ``float``, ``boolean``,
``select``, ``multi_select``.

Only validators a form can render are accepted; anything else raises
:class:`~linli.exceptions.UnsupportedSchemaError` naming the field, so the developer learns
it the first time the step shows its form rather than a user later.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

import voluptuous as vol

from ..exceptions import UnsupportedSchemaError

SUPPORTED = (
    "str, int, bool, an Enum class, vol.Coerce(int | float | str | Enum), vol.In, "
    "vol.Range, vol.Length, vol.All of these, Select or Password"
)

# Plain types checked with isinstance. A bare float is refused (see _describe_type).
_PLAIN_TYPES: dict[type, str] = {str: "string", int: "integer", bool: "boolean"}
_COERCED_TYPES: dict[type, str] = {str: "string", int: "integer", float: "float"}


class Selector(ABC):
    """A validator that also says how the web app renders its field."""

    @abstractmethod
    def __call__(self, value: Any) -> Any:
        """Return the validated value or raise ``vol.Invalid``."""

    @abstractmethod
    def as_json(self) -> dict[str, Any]:
        """The field's ``type`` and any further keys (``choices``…)."""


class Select(Selector):
    """One of fixed options or, with ``multiple=True``, a list of them.

    ``options`` may be an Enum class: its values are the choices, and the validated value
    is the plain value (what the entry stores), not the member.
    """

    def __init__(self, options: Iterable[Any], *, multiple: bool = False) -> None:
        self.options = [_json_value(option) for option in options]
        self.multiple = multiple

    def __call__(self, value: Any) -> Any:
        if not self.multiple:
            return self._one(value)
        if not isinstance(value, list):
            raise vol.Invalid("expected a list")
        return [self._one(item) for item in value]

    def _one(self, value: Any) -> Any:
        value = _json_value(value)
        if value not in self.options:
            raise vol.Invalid(f"value must be one of {', '.join(map(repr, self.options))}")
        return value

    def as_json(self) -> dict[str, Any]:
        kind = "multi_select" if self.multiple else "select"
        return {"type": kind, "choices": list(self.options)}

    def __repr__(self) -> str:
        return f"Select({self.options!r}, multiple={self.multiple})"


class Password(Selector):
    """Text the web app masks while it is typed."""

    def __call__(self, value: Any) -> str:
        if not isinstance(value, str):
            raise vol.Invalid("expected text")
        return value

    def as_json(self) -> dict[str, Any]:
        return {"type": "password"}

    def __repr__(self) -> str:
        return "Password()"


def schema_to_json(
    schema: vol.Schema | Mapping[Any, Any] | None, *, where: str = ""
) -> list[dict[str, Any]]:
    """Return the form fields of ``schema`` in its order; ``where`` names it in errors.

    Defaults that are callables are called now, so each form shows a fresh value.
    """
    if schema is None:
        return []
    fields = schema.schema if isinstance(schema, vol.Schema) else schema
    if not isinstance(fields, Mapping):
        raise UnsupportedSchemaError(
            None, f"expected a dict of fields, got {_name_of(fields)}", where
        )
    plain_keys_required = isinstance(schema, vol.Schema) and bool(schema.required)
    return [
        _describe_field(key, validator, plain_keys_required, where)
        for key, validator in fields.items()
    ]


def _describe_field(key: Any, validator: Any, plain_required: bool, where: str) -> dict[str, Any]:
    if type(key) in (vol.Required, vol.Optional) and isinstance(key.schema, str):
        name: str = key.schema
        required = isinstance(key, vol.Required)
    elif isinstance(key, str):
        name, required = key, plain_required
    elif isinstance(key, vol.Marker) and isinstance(key.schema, str):
        raise UnsupportedSchemaError(
            key.schema,
            f"{type(key).__name__} keys are not supported; use vol.Required or vol.Optional",
            where,
        )
    else:
        raise UnsupportedSchemaError(
            None, f"the key {_name_of(key)} is not a field name (text)", where
        )
    spec: dict[str, Any] = {}
    _describe(validator, spec, name, where)
    if "type" not in spec:
        raise UnsupportedSchemaError(
            name,
            f"{_name_of(validator)} does not say what kind of value it takes; "
            "start it with a type (str, int, bool, vol.Coerce(float), Select…)",
            where,
        )
    field: dict[str, Any] = {"name": name, "type": spec.pop("type"), "required": required}
    if isinstance(key, vol.Marker):
        if key.default is not vol.UNDEFINED:
            field["default"] = _json_value(key.default())
        if key.description is not None:
            field["description"] = key.description
    field.update(spec)
    return field


def _describe(validator: Any, spec: dict[str, Any], name: str, where: str) -> None:
    """Add what ``validator`` tells about the field to ``spec``."""
    if isinstance(validator, vol.Schema):
        _describe(validator.schema, spec, name, where)
    elif isinstance(validator, vol.All):
        for part in validator.validators:
            _describe(part, spec, name, where)
    elif isinstance(validator, Selector):
        spec.update(validator.as_json())
    elif isinstance(validator, vol.Coerce):
        _describe_type(validator.type, _COERCED_TYPES, spec, name, where, shown=validator)
    elif isinstance(validator, type):
        _describe_type(validator, _PLAIN_TYPES, spec, name, where, shown=validator)
    elif isinstance(validator, vol.In):
        container = validator.container
        if isinstance(container, set | frozenset):
            container = sorted(container, key=str)  # a stable order for the form
        spec["type"] = "select"
        spec["choices"] = [_json_value(choice) for choice in container]
    elif isinstance(validator, vol.Range):
        if (validator.min is not None and not validator.min_included) or (
            validator.max is not None and not validator.max_included
        ):
            raise UnsupportedSchemaError(
                name, "a form cannot show exclusive bounds; use inclusive vol.Range", where
            )
        _set_bounds(spec, "min", validator.min, "max", validator.max)
    elif isinstance(validator, vol.Length):
        _set_bounds(spec, "min_length", validator.min, "max_length", validator.max)
    elif isinstance(validator, list):
        raise UnsupportedSchemaError(
            name, "a list field is rendered only as Select(options, multiple=True)", where
        )
    else:
        raise UnsupportedSchemaError(
            name, f"{_name_of(validator)} is not supported; use {SUPPORTED}", where
        )


def _describe_type(
    target: type,
    known: dict[type, str],
    spec: dict[str, Any],
    name: str,
    where: str,
    *,
    shown: Any,
) -> None:
    if issubclass(target, Enum):
        spec["type"] = "select"
        spec["choices"] = [member.value for member in target]
    elif target in known:
        # A plain type does not override what vol.In or a selector already said.
        spec.setdefault("type", known[target])
    elif target is float:
        raise UnsupportedSchemaError(
            name,
            "use vol.Coerce(float) instead of float: the web app sends whole numbers "
            "such as 5.0 as JSON integers, which a bare float refuses",
            where,
        )
    else:
        raise UnsupportedSchemaError(
            name, f"{_name_of(shown)} is not supported; use {SUPPORTED}", where
        )


def _set_bounds(spec: dict[str, Any], low_key: str, low: Any, high_key: str, high: Any) -> None:
    if low is not None:
        spec[low_key] = low
    if high is not None:
        spec[high_key] = high


def _json_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _name_of(validator: Any) -> str:
    name = getattr(validator, "__name__", None)
    return name if isinstance(name, str) else repr(validator)
