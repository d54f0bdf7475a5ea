"""Selectors of blueprint inputs, in the Home Assistant format: what an input takes.

A selector is written as one kind and its options, ``entity: {filter: {domain:
binary_sensor, device_class: motion}}`` or ``number: {min: 0, max: 3600}``; :func:`selector`
builds it and checks the options. ``validate(value, hub)`` checks a value and says what is
wrong with it (:class:`voluptuous.Invalid`). Given the hub, the entity, target, device, area
and config entry selectors also check that what the value names exists and fits the filter.

linli knows the selectors in :data:`SELECTORS`; any other kind is an error that names it,
and the ``template`` selector is refused: linli's automations use no templates.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

import voluptuous as vol

from ..helpers.yaml_values import boolean, describe, text
from ..states import split_entity_id, valid_entity_id

if TYPE_CHECKING:
    from ..hub import Hub

Check = Callable[[Any], Any]

TEMPLATE_REFUSED = (
    "the template selector is not supported: linli is template-free (its automations use no "
    "Jinja templates); use a text, number or select input instead"
)


def _number_text(value: float) -> str:
    return f"{value:g}"


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def _or(words: tuple[str, ...] | list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


# -- option checks ---------------------------------------------------------------------------


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise vol.Invalid(f"expected a number, got {describe(value)}")
    return value


def _texts(value: Any) -> tuple[str, ...]:
    """One text or a list of them."""
    items = value if isinstance(value, list) else [value]
    for index, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            raise vol.Invalid(
                f"expected text or a list of texts, got {describe(item)}",
                [index] if isinstance(value, list) else None,
            )
    return tuple(items)


def _entity_id(value: Any) -> str:
    if not isinstance(value, str) or not valid_entity_id(value):
        raise vol.Invalid(
            f"expected an entity id such as binary_sensor.hall_motion, got {describe(value)}"
        )
    return value


def _entity_ids(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    for index, item in enumerate(items):
        try:
            _entity_id(item)
        except vol.Invalid as error:
            raise vol.Invalid(error.msg, [index] if isinstance(value, list) else None) from None
    return tuple(items)


def _one_of(*choices: str) -> Check:
    def check(value: Any) -> str:
        if value not in choices:
            raise vol.Invalid(f"expected {_or(choices)}, got {describe(value)}")
        return value

    return check


def _anything(value: Any) -> Any:
    return value


def _mapping(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise vol.Invalid(f"expected options (name: value), got {describe(value)}")
    return value


def _options_of(value: Any, options: dict[str, Check], what: str) -> dict[str, Any]:
    """``value``'s options, each checked by ``options``; an unknown one is an error."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise vol.Invalid(f"expected the options of {what} (name: value), got {describe(value)}")
    checked: dict[str, Any] = {}
    for key, option in value.items():
        check = options.get(key)
        if check is None:
            raise vol.Invalid(_unknown(key, options, f"option of {what}"), [key])
        try:
            checked[key] = check(option)
        except vol.Invalid as error:
            raise vol.Invalid(error.msg, [key, *error.path]) from None
    return checked


def _unknown(name: object, known: Mapping[str, Any] | tuple[str, ...], what: str) -> str:
    names = sorted(known)
    message = f"unknown {what} {name!r}"
    if isinstance(name, str) and (close := difflib.get_close_matches(name, names, n=1)):
        message += f"; did you mean {close[0]!r}?"
    return f"{message} (known: {', '.join(names)})"


def _each(value: Any, check: Check, multiple: bool, what: str) -> Any:
    """``check(value)``, or with ``multiple`` a list of values each checked."""
    if not multiple:
        return check(value)
    if not isinstance(value, list):
        raise vol.Invalid(f"expected a list of {what}, got {describe(value)}")
    checked = []
    for index, item in enumerate(value):
        try:
            checked.append(check(item))
        except vol.Invalid as error:
            raise vol.Invalid(error.msg, [index, *error.path]) from None
    return checked


# -- filters: which entities and devices a selector allows -----------------------------------


@dataclass(frozen=True, slots=True)
class EntityFilter:
    """Entities of one of ``domains`` with one of ``device_classes`` from ``integration``;
    an empty part allows anything. (``supported_features`` is accepted and not checked.)"""

    domains: tuple[str, ...] = ()
    device_classes: tuple[str, ...] = ()
    integration: str | None = None

    def allows_domain(self, domain: str) -> bool:
        return not self.domains or domain in self.domains

    def matches(self, entity: EntityFacts) -> bool:
        return (
            self.allows_domain(entity.domain)
            and (not self.device_classes or entity.device_class in self.device_classes)
            and (self.integration is None or entity.integration == self.integration)
        )

    def describe(self) -> str:
        words = _article(_or(self.domains)) if self.domains else "an entity"
        if self.device_classes:
            words += f" with device_class {_or(self.device_classes)}"
        if self.integration:
            words += f" of the integration {self.integration}"
        return words


_ENTITY_FILTER_OPTIONS: dict[str, Check] = {
    "domain": _texts,
    "device_class": _texts,
    "integration": text,
    "supported_features": _anything,
}


def _entity_filter(value: Any) -> EntityFilter:
    options = _options_of(value, _ENTITY_FILTER_OPTIONS, "an entity filter")
    return EntityFilter(
        options.get("domain", ()), options.get("device_class", ()), options.get("integration")
    )


def _entity_filters(value: Any) -> tuple[EntityFilter, ...]:
    """One filter or a list of them: an entity that matches any of them is allowed."""
    if not isinstance(value, list):
        return (_entity_filter(value),)
    filters = []
    for index, item in enumerate(value):
        try:
            filters.append(_entity_filter(item))
        except vol.Invalid as error:
            raise vol.Invalid(error.msg, [index, *error.path]) from None
    return tuple(filters)


@dataclass(frozen=True, slots=True)
class EntityFacts:
    """What a filter looks at, as the hub knows it."""

    entity_id: str
    domain: str
    device_class: str | None
    integration: str | None

    @classmethod
    def of(cls, hub: Hub, entity_id: str) -> EntityFacts | None:
        """The entity's facts, or None when the hub has neither a state nor a registry entry:
        device_class from the state's attribute, else the registry's."""
        state = hub.states.get(entity_id)
        entry = hub.entities.get(entity_id)
        if state is None and entry is None:
            return None
        device_class = state.attributes.get("device_class") if state is not None else None
        if device_class is None and entry is not None:
            device_class = entry.device_class or getattr(entry, "original_device_class", None)
        integration = entry.platform if entry is not None else None
        return cls(entity_id, split_entity_id(entity_id)[0], device_class, integration)

    def describe(self, with_integration: bool) -> str:
        words = _article(self.domain)
        words += (
            f" with device_class {self.device_class}"
            if self.device_class
            else " with no device_class"
        )
        if with_integration:
            words += f" of the integration {self.integration or '(none)'}"
        return words


def check_entity(entity_id: Any, filters: tuple[EntityFilter, ...], hub: Hub | None) -> str:
    """``entity_id`` if it is one, allowed by a filter; with ``hub``, also one that exists."""
    _entity_id(entity_id)
    domain = split_entity_id(entity_id)[0]
    expected = " or ".join(one.describe() for one in filters)
    if filters and not any(one.allows_domain(domain) for one in filters):
        raise vol.Invalid(f"{entity_id} is {_article(domain)}; expected {expected}")
    if hub is None:
        return entity_id
    facts = EntityFacts.of(hub, entity_id)
    if facts is None:
        raise vol.Invalid(f"there is no entity {entity_id}")
    if filters and not any(one.matches(facts) for one in filters):
        with_integration = any(one.integration for one in filters)
        raise vol.Invalid(f"{entity_id} is {facts.describe(with_integration)}; expected {expected}")
    return entity_id


@dataclass(frozen=True, slots=True)
class DeviceFilter:
    """Devices of ``integration`` made by ``manufacturer``, of ``model``, with an entity
    that matches one of ``entities``; an empty part allows anything."""

    integration: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    model_id: str | None = None
    entities: tuple[EntityFilter, ...] = ()

    def describe(self) -> str:
        words = "a device"
        if self.integration:
            words += f" of the integration {self.integration}"
        if self.manufacturer:
            words += f" made by {self.manufacturer}"
        if self.model:
            words += f" of model {self.model}"
        if self.model_id:
            words += f" of model id {self.model_id}"
        if self.entities:
            words += f" with {' or '.join(one.describe() for one in self.entities)}"
        return words

    def matches(self, hub: Hub, device: Any) -> bool:
        if self.integration is not None:
            entries = (hub.config_entries.get(id_) for id_ in device.config_entry_ids)
            if self.integration not in {entry.domain for entry in entries if entry is not None}:
                return False
        for field in ("manufacturer", "model", "model_id"):
            wanted = getattr(self, field)
            if wanted is not None and getattr(device, field, None) != wanted:
                return False
        if not self.entities:
            return True
        for entry in hub.entities.entities_of_device(device.id):
            facts = EntityFacts.of(hub, entry.entity_id)
            if facts is not None and any(one.matches(facts) for one in self.entities):
                return True
        return False


_DEVICE_FILTER_OPTIONS: dict[str, Check] = {
    "integration": text,
    "manufacturer": text,
    "model": text,
    "model_id": text,
    "entity": _entity_filters,
}


def _device_filter(value: Any) -> DeviceFilter:
    options = _options_of(value, _DEVICE_FILTER_OPTIONS, "a device filter")
    entities = options.pop("entity", ())
    return DeviceFilter(**options, entities=entities)


def _device_filters(value: Any) -> tuple[DeviceFilter, ...]:
    if not isinstance(value, list):
        return (_device_filter(value),)
    filters = []
    for index, item in enumerate(value):
        try:
            filters.append(_device_filter(item))
        except vol.Invalid as error:
            raise vol.Invalid(error.msg, [index, *error.path]) from None
    return tuple(filters)


def _id(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise vol.Invalid(f"expected {what} id, got {describe(value)}")
    return value


def check_device(device_id: Any, filters: tuple[DeviceFilter, ...], hub: Hub | None) -> str:
    """``device_id`` if it is one; with ``hub``, one that exists and matches a filter."""
    _id(device_id, "a device")
    if hub is None:
        return device_id
    device = hub.devices.get(device_id)
    if device is None:
        raise vol.Invalid(f"there is no device {device_id}")
    if filters and not any(one.matches(hub, device) for one in filters):
        name = device.name_by_user or device.name or device_id
        expected = " or ".join(one.describe() for one in filters)
        raise vol.Invalid(f"the device {name} ({device_id}) is not {expected}")
    return device_id


def check_area(area_id: Any, hub: Hub | None) -> str:
    _id(area_id, "an area")
    if hub is not None and hub.areas.get(area_id) is None:
        raise vol.Invalid(f"there is no area {area_id}")
    return area_id


# -- the selectors ---------------------------------------------------------------------------


class Selector:
    """One kind of input. ``config`` is the options as written; subclasses read the checked
    options in :meth:`_setup` and check values in :meth:`validate`."""

    kind: ClassVar[str] = ""
    OPTIONS: ClassVar[dict[str, Check]] = {}

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        options = _options_of(config, self.OPTIONS, f"the {self.kind} selector")
        self.config: dict[str, Any] = copy.deepcopy(dict(config or {}))
        self.multiple: bool = options.get("multiple", False)  # for those whose OPTIONS have it
        self._setup(options)

    def _setup(self, options: dict[str, Any]) -> None:
        """Keep what :meth:`validate` needs; raise :class:`vol.Invalid` for options that do
        not fit together."""

    def validate(self, value: Any, hub: Hub | None = None) -> Any:
        """The value, checked (and for lists, copied); :class:`vol.Invalid` saying what is
        wrong. With ``hub``, entities, devices and areas must exist and fit."""
        raise NotImplementedError

    def __call__(self, value: Any) -> Any:
        return self.validate(value)

    def as_dict(self) -> dict[str, Any]:
        """As written in a blueprint: ``{kind: options}``."""
        return {self.kind: copy.deepcopy(self.config)}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Selector):
            return NotImplemented
        return (self.kind, self.config) == (other.kind, other.config)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.config!r}>"


class EntitySelector(Selector):
    kind = "entity"
    OPTIONS: ClassVar[dict[str, Check]] = {
        "filter": _entity_filters,
        # Older blueprints write one filter's parts beside the other options.
        "domain": _texts,
        "device_class": _texts,
        "integration": text,
        "multiple": boolean,
        "include_entities": _entity_ids,
        "exclude_entities": _entity_ids,
        "reorder": boolean,
    }

    def _setup(self, options: dict[str, Any]) -> None:
        parts = ("domain", "device_class", "integration")
        legacy = {key: value for key, value in options.items() if key in parts}
        if legacy and "filter" in options:
            raise vol.Invalid(
                f"write {', '.join(legacy)} inside filter, not beside it", [next(iter(legacy))]
            )
        self.filters: tuple[EntityFilter, ...] = options.get("filter", ())
        if legacy:
            self.filters = (
                EntityFilter(
                    legacy.get("domain", ()),
                    legacy.get("device_class", ()),
                    legacy.get("integration"),
                ),
            )
        self.include: tuple[str, ...] = options.get("include_entities", ())
        self.exclude: tuple[str, ...] = options.get("exclude_entities", ())

    def validate(self, value: Any, hub: Hub | None = None) -> Any:
        def one(entity_id: Any) -> str:
            check_entity(entity_id, self.filters, hub)
            if entity_id in self.exclude:
                raise vol.Invalid(f"{entity_id} is excluded by the blueprint")
            if self.include and entity_id not in self.include:
                raise vol.Invalid(f"{entity_id} is not one of {', '.join(self.include)}")
            return entity_id

        return _each(value, one, self.multiple, "entity ids")


class TargetSelector(Selector):
    """What a service acts on: ``{entity_id: …, device_id: …, area_id: …}``, each one id or
    a list of them."""

    kind = "target"
    OPTIONS: ClassVar[dict[str, Check]] = {"entity": _entity_filters, "device": _device_filters}
    KEYS = ("entity_id", "device_id", "area_id")

    def _setup(self, options: dict[str, Any]) -> None:
        self.entities: tuple[EntityFilter, ...] = options.get("entity", ())
        self.devices: tuple[DeviceFilter, ...] = options.get("device", ())

    def validate(self, value: Any, hub: Hub | None = None) -> Any:
        if not isinstance(value, Mapping):
            raise vol.Invalid(
                f"expected a target such as {{entity_id: light.hall}}, got {describe(value)}"
            )
        checks: dict[str, Callable[[Any], str]] = {
            "entity_id": lambda item: check_entity(item, self.entities, hub),
            "device_id": lambda item: check_device(item, self.devices, hub),
            "area_id": lambda item: check_area(item, hub),
        }
        target: dict[str, Any] = {}
        for key, ids in value.items():
            if key not in checks:
                raise vol.Invalid(_unknown(key, self.KEYS, "target"), [key])
            try:
                target[key] = _each(ids, checks[key], isinstance(ids, list), "ids")
            except vol.Invalid as error:
                raise vol.Invalid(error.msg, [key, *error.path]) from None
        return target


class DeviceSelector(Selector):
    kind = "device"
    OPTIONS: ClassVar[dict[str, Check]] = {
        **_DEVICE_FILTER_OPTIONS,
        "filter": _device_filters,
        "multiple": boolean,
    }

    def _setup(self, options: dict[str, Any]) -> None:
        legacy = {key: value for key, value in options.items() if key in _DEVICE_FILTER_OPTIONS}
        if legacy and "filter" in options:
            raise vol.Invalid(
                f"write {', '.join(legacy)} inside filter, not beside it", [next(iter(legacy))]
            )
        self.filters: tuple[DeviceFilter, ...] = options.get("filter", ())
        if legacy:
            entities = legacy.pop("entity", ())
            self.filters = (DeviceFilter(**legacy, entities=entities),)

    def validate(self, value: Any, hub: Hub | None = None) -> Any:
        return _each(
            value, lambda item: check_device(item, self.filters, hub), self.multiple, "device ids"
        )


class AreaSelector(Selector):
    """An area; its ``entity`` and ``device`` filters only narrow the app's choice."""

    kind = "area"
    OPTIONS: ClassVar[dict[str, Check]] = {
        "entity": _entity_filters,
        "device": _device_filters,
        "multiple": boolean,
    }

    def validate(self, value: Any, hub: Hub | None = None) -> Any:
        return _each(value, lambda item: check_area(item, hub), self.multiple, "area ids")


class NumberSelector(Selector):
    kind = "number"
    OPTIONS: ClassVar[dict[str, Check]] = {
        "min": _number,
        "max": _number,
        "step": lambda value: value if value == "any" else _positive(value),
        "unit_of_measurement": text,
        "mode": _one_of("box", "slider"),
        "translation_key": text,
    }

    def _setup(self, options: dict[str, Any]) -> None:
        self.min: float | None = options.get("min")
        self.max: float | None = options.get("max")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise vol.Invalid(
                f"min {_number_text(self.min)} is above max {_number_text(self.max)}", ["min"]
            )
        if options.get("mode") == "slider" and (self.min is None or self.max is None):
            raise vol.Invalid("a slider needs both min and max", ["mode"])

    def validate(self, value: Any, hub: Hub | None = None) -> Any:
        _number(value)
        unit = (
            f" {self.config['unit_of_measurement']}" if "unit_of_measurement" in self.config else ""
        )
        if self.min is not None and value < self.min:
            raise vol.Invalid(
                f"{_number_text(value)} is below the minimum {_number_text(self.min)}{unit}"
            )
        if self.max is not None and value > self.max:
            raise vol.Invalid(
                f"{_number_text(value)} is above the maximum {_number_text(self.max)}{unit}"
            )
        return value


def _positive(value: Any) -> float:
    if _number(value) <= 0:
        raise vol.Invalid(f"expected a number above 0, got {_number_text(value)}")
    return value


class BooleanSelector(Selector):
    kind = "boolean"

    def validate(self, value: Any, hub: Hub | None = None) -> Any:
        return boolean(value)


class TextSelector(Selector):
    kind = "text"
    TYPES = (
        "text", "search", "url", "tel", "email", "password", "number", "date", "month",
        "week", "time", "datetime-local", "color",
    )  # fmt: skip
    OPTIONS: ClassVar[dict[str, Check]] = {
        "multiline": boolean,
        "type": _one_of(*TYPES),
        "prefix": text,
        "suffix": text,
        "autocomplete": text,
        "multiple": boolean,
    }

    def validate(self, value: Any, hub: Hub | None = None) -> Any:
        def one(item: Any) -> str:
            if not isinstance(item, str):
                raise vol.Invalid(f"expected text, got {describe(item)}")
            return item

        return _each(value, one, self.multiple, "texts")


def _select_options(value: Any) -> tuple[tuple[str, str], ...]:
    """``[a, b]`` or ``[{label: A, value: a}, …]`` as (value, label) pairs."""
    if not isinstance(value, list) or not value:
        raise vol.Invalid(f"expected a list of options, got {describe(value)}")
    options: list[tuple[str, str]] = []
    for index, option in enumerate(value):
        if isinstance(option, str):
            pair = (option, option)
        elif (
            isinstance(option, Mapping)
            and set(option) == {"label", "value"}
            and all(isinstance(part, str) for part in option.values())
        ):
            pair = (option["value"], option["label"])
        else:
            raise vol.Invalid(
                f"expected text or {{label: …, value: …}}, got {describe(option)}", [index]
            )
        if any(pair[0] == seen for seen, _ in options):
            raise vol.Invalid(f"the value {pair[0]!r} is offered twice", [index])
        options.append(pair)
    return tuple(options)


class SelectSelector(Selector):
    kind = "select"
    OPTIONS: ClassVar[dict[str, Check]] = {
        "options": _select_options,
        "multiple": boolean,
        "custom_value": boolean,
        "mode": _one_of("list", "dropdown"),
        "sort": boolean,
        "translation_key": text,
    }

    def _setup(self, options: dict[str, Any]) -> None:
        if "options" not in options:
            raise vol.Invalid("the select selector needs its options", ["options"])
        self.values = tuple(value for value, _ in options["options"])
        self.custom_value: bool = options.get("custom_value", False)

    def validate(self, value: Any, hub: Hub | None = None) -> Any:
        def one(item: Any) -> str:
            if not isinstance(item, str):
                raise vol.Invalid(f"expected one of {_or(self.values)}, got {describe(item)}")
            if item not in self.values and not self.custom_value:
                raise vol.Invalid(f"{item!r} is not an option; expected {_or(self.values)}")
            return item

        return _each(value, one, self.multiple, "options")


_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


class TimeSelector(Selector):
    kind = "time"

    def validate(self, value: Any, hub: Hub | None = None) -> Any:
        match = _TIME.match(value) if isinstance(value, str) else None
        if match is None or int(match[1]) > 23 or int(match[2]) > 59 or int(match[3] or 0) > 59:
            raise vol.Invalid(
                f"expected a time of day such as 07:30 or 22:00:00, got {describe(value)}"
            )
        return value


class DateSelector(Selector):
    kind = "date"

    def validate(self, value: Any, hub: Hub | None = None) -> Any:
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError
            date.fromisoformat(value)
        except ValueError:
            raise vol.Invalid(
                f"expected a date such as 2025-10-01, got {describe(value)}"
            ) from None
        return value


class DateTimeSelector(Selector):
    kind = "datetime"

    def validate(self, value: Any, hub: Hub | None = None) -> Any:
        try:
            if not isinstance(value, str) or len(value) < 16:
                raise ValueError
            datetime.fromisoformat(value)
        except ValueError:
            raise vol.Invalid(
                f"expected a date and time such as 2025-10-01 07:30:00, got {describe(value)}"
            ) from None
        return value


class DurationSelector(Selector):
    """``{days, hours, minutes, seconds, milliseconds}`` (any of them), or seconds."""

    kind = "duration"
    UNITS = ("days", "hours", "minutes", "seconds", "milliseconds")
    OPTIONS: ClassVar[dict[str, Check]] = {
        "enable_day": boolean,
        "enable_millisecond": boolean,
        "allow_negative": boolean,
    }

    def _setup(self, options: dict[str, Any]) -> None:
        self.allow_negative: bool = options.get("allow_negative", False)

    def validate(self, value: Any, hub: Hub | None = None) -> Any:
        if isinstance(value, Mapping):
            amounts = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            amounts = {"seconds": value}
        else:
            raise vol.Invalid(
                f"expected a duration such as {{minutes: 5}} or a number of seconds, "
                f"got {describe(value)}"
            )
        for unit, amount in amounts.items():
            if unit not in self.UNITS:
                raise vol.Invalid(_unknown(unit, self.UNITS, "unit"), [unit])
            if isinstance(amount, bool) or not isinstance(amount, int | float):
                raise vol.Invalid(f"expected a number of {unit}, got {describe(amount)}", [unit])
            if amount < 0 and not self.allow_negative:
                raise vol.Invalid(f"a duration cannot be negative ({unit}: {amount})", [unit])
        return copy.deepcopy(value)


class ObjectSelector(Selector):
    """Anything YAML can hold."""

    kind = "object"
    OPTIONS: ClassVar[dict[str, Check]] = {
        "fields": _mapping,
        "multiple": boolean,
        "label_field": text,
        "description_field": text,
        "translation_key": text,
    }

    def validate(self, value: Any, hub: Hub | None = None) -> Any:
        return copy.deepcopy(value)


class _StepsSelector(Selector):
    """Actions, conditions or triggers: a list of them, or one. The automation's own schema
    checks them once they are in place."""

    what: ClassVar[str] = ""

    def validate(self, value: Any, hub: Hub | None = None) -> Any:
        if not isinstance(value, list | Mapping):
            raise vol.Invalid(f"expected a list of {self.what} or one, got {describe(value)}")
        return copy.deepcopy(value)


class ActionSelector(_StepsSelector):
    kind = "action"
    what = "actions"


class ConditionSelector(_StepsSelector):
    kind = "condition"
    what = "conditions"


class TriggerSelector(_StepsSelector):
    kind = "trigger"
    what = "triggers"


class StateSelector(Selector):
    """A state (``on``, ``home``…), for the entity the options name."""

    kind = "state"
    OPTIONS: ClassVar[dict[str, Check]] = {
        "entity_id": _entity_ids,
        "attribute": text,
        "hide_states": _texts,
        "multiple": boolean,
    }

    def validate(self, value: Any, hub: Hub | None = None) -> Any:
        def one(item: Any) -> str:
            if not isinstance(item, str):
                raise vol.Invalid(f"expected a state such as 'on', got {describe(item)}")
            return item

        return _each(value, one, self.multiple, "states")


class AttributeSelector(Selector):
    kind = "attribute"
    OPTIONS: ClassVar[dict[str, Check]] = {"entity_id": _entity_id, "hide_attributes": _texts}

    def validate(self, value: Any, hub: Hub | None = None) -> Any:
        return text(value)


class IconSelector(Selector):
    kind = "icon"
    OPTIONS: ClassVar[dict[str, Check]] = {"placeholder": text}

    def validate(self, value: Any, hub: Hub | None = None) -> Any:
        if not isinstance(value, str) or not value.strip():
            raise vol.Invalid(f"expected an icon such as mdi:lightbulb, got {describe(value)}")
        return value


class ColorRgbSelector(Selector):
    kind = "color_rgb"

    def validate(self, value: Any, hub: Hub | None = None) -> Any:
        if (
            not isinstance(value, list | tuple)
            or len(value) != 3
            or not all(
                isinstance(part, int) and not isinstance(part, bool) and 0 <= part <= 255
                for part in value
            )
        ):
            raise vol.Invalid(
                f"expected a colour as [red, green, blue], each 0 to 255, got {describe(value)}"
            )
        return list(value)


class ColorTempSelector(NumberSelector):
    kind = "color_temp"
    OPTIONS: ClassVar[dict[str, Check]] = {
        "unit": _one_of("kelvin", "mired"),
        "min": _number,
        "max": _number,
        "min_mireds": _number,
        "max_mireds": _number,
    }

    def _setup(self, options: dict[str, Any]) -> None:
        super()._setup(
            {
                "min": options.get("min", options.get("min_mireds")),
                "max": options.get("max", options.get("max_mireds")),
            }
        )


def _scalar(value: Any) -> str | float | bool:
    if not isinstance(value, str | int | float | bool):
        raise vol.Invalid(f"expected text, a number, true or false, got {describe(value)}")
    return value


class ConstantSelector(Selector):
    """One fixed value (a switch in the app that turns the value on)."""

    kind = "constant"
    OPTIONS: ClassVar[dict[str, Check]] = {
        "value": _scalar,
        "label": text,
        "translation_key": text,
    }

    def _setup(self, options: dict[str, Any]) -> None:
        if "value" not in options:
            raise vol.Invalid("the constant selector needs its value", ["value"])
        self.value = options["value"]

    def validate(self, value: Any, hub: Hub | None = None) -> Any:
        if value != self.value or type(value) is not type(self.value):
            raise vol.Invalid(f"expected {self.value!r}, got {describe(value)}")
        return value


class LocationSelector(Selector):
    kind = "location"
    OPTIONS: ClassVar[dict[str, Check]] = {"radius": boolean, "icon": text}
    BOUNDS: ClassVar[dict[str, tuple[float, float]]] = {
        "latitude": (-90, 90),
        "longitude": (-180, 180),
        "radius": (0, float("inf")),
    }

    def validate(self, value: Any, hub: Hub | None = None) -> Any:
        if not isinstance(value, Mapping) or not {"latitude", "longitude"} <= set(value):
            raise vol.Invalid(
                f"expected a place such as {{latitude: 31.23, longitude: 121.47}}, "
                f"got {describe(value)}"
            )
        for key, number in value.items():
            if key not in self.BOUNDS:
                raise vol.Invalid(_unknown(key, tuple(self.BOUNDS), "part of a place"), [key])
            low, high = self.BOUNDS[key]
            if isinstance(number, bool) or not isinstance(number, int | float):
                raise vol.Invalid(f"expected a number, got {describe(number)}", [key])
            if not low <= number <= high:
                raise vol.Invalid(f"{key} {_number_text(number)} is out of range", [key])
        return dict(value)


class ConfigEntrySelector(Selector):
    kind = "config_entry"
    OPTIONS: ClassVar[dict[str, Check]] = {"integration": text}

    def _setup(self, options: dict[str, Any]) -> None:
        self.integration: str | None = options.get("integration")

    def validate(self, value: Any, hub: Hub | None = None) -> Any:
        _id(value, "a config entry")
        if hub is None:
            return value
        entry = hub.config_entries.get(value)
        if entry is None:
            raise vol.Invalid(f"there is no config entry {value}")
        if self.integration is not None and entry.domain != self.integration:
            raise vol.Invalid(f"{entry.describe()} is not of the integration {self.integration}")
        return value


SELECTORS: dict[str, type[Selector]] = {
    cls.kind: cls
    for cls in (
        ActionSelector,
        AreaSelector,
        AttributeSelector,
        BooleanSelector,
        ColorRgbSelector,
        ColorTempSelector,
        ConditionSelector,
        ConfigEntrySelector,
        ConstantSelector,
        DateSelector,
        DateTimeSelector,
        DeviceSelector,
        DurationSelector,
        EntitySelector,
        IconSelector,
        LocationSelector,
        NumberSelector,
        ObjectSelector,
        SelectSelector,
        StateSelector,
        TargetSelector,
        TextSelector,
        TimeSelector,
        TriggerSelector,
    )
}


def selector(config: Any) -> Selector:
    """The selector written as ``config`` (``{number: {min: 0, max: 100}}``), its options
    checked; :class:`vol.Invalid` naming an unknown kind or the option that is wrong."""
    if not isinstance(config, Mapping) or len(config) != 1:
        raise vol.Invalid(
            "expected one selector such as {number: {min: 0, max: 100}}, "
            f"got {describe(config)}"
        )
    ((kind, options),) = config.items()
    if kind == "template":
        raise vol.Invalid(TEMPLATE_REFUSED)
    cls = SELECTORS.get(kind)
    if cls is None:
        raise vol.Invalid(_unknown(kind, SELECTORS, "selector"))
    try:
        return cls(options)
    except vol.Invalid as error:
        raise vol.Invalid(error.msg, [kind, *error.path]) from None
