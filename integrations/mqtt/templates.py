"""Value templates: the one form devices use, not Jinja.

Discovery payloads carry Jinja templates such as ``{{ value_json.smoke }}``. linli does not
run Jinja (a template language is a lot of attack surface for a message off the network);
it understands the form nearly every device sends:

    {{ value }}                               the payload as text
    {{ value_json.a.b }}, {{ value_json['a'][0] }}   a value inside the JSON payload
    … | float, | int, | round(1), | lower, | upper, | string   optional filters

Anything else (``{% if %}``, arithmetic, other variables) is refused when the discovery
config is read, so the entity is not created and the reason is counted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

_TEMPLATE = re.compile(r"^\s*\{\{-?\s*(?P<body>.*?)\s*-?\}\}\s*$", re.DOTALL)
_PATH_STEP = re.compile(
    r"""\.(?P<attr>[A-Za-z_][A-Za-z0-9_]*)|\[\s*(?:'(?P<sq>[^']*)'|"(?P<dq>[^"]*)"|(?P<idx>-?\d+))\s*\]"""
)
_FILTER = re.compile(r"^(?P<name>[a-z_]+)\s*(?:\(\s*(?P<arg>-?\d+)?\s*\))?$")
MAX_TEMPLATE_LENGTH: Final = 255


class TemplateError(ValueError):
    """The template cannot be used, or cannot be rendered for this payload."""


def text_of(value: Any) -> str:
    """A value as Jinja would print it: ``True``, ``None``, ``21.5``."""
    return value if isinstance(value, str) else str(value)


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        raise TemplateError(f"{value!r} is not a number") from None


def _int(value: Any) -> int:
    number = _number(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise TemplateError(f"{value!r} is not a finite number")
    return int(number)


def _round(digits: int) -> Callable[[Any], float]:
    return lambda value: round(_number(value), digits)


_FILTERS: Final[dict[str, Callable[[Any], Any]]] = {
    "float": _number,
    "int": _int,
    "lower": lambda value: text_of(value).lower(),
    "upper": lambda value: text_of(value).upper(),
    "string": text_of,
}

Step = str | int


@dataclass(frozen=True)
class ValueTemplate:
    """A parsed value template; :meth:`render` applies it to one payload."""

    source: str
    uses_json: bool
    path: tuple[Step, ...]
    filters: tuple[Callable[[Any], Any], ...]

    @classmethod
    def parse(cls, source: str) -> ValueTemplate:
        """Parse ``source``; raises TemplateError saying what is not supported."""
        if not isinstance(source, str):
            raise TemplateError(f"a template is text, got {source!r}")
        if len(source) > MAX_TEMPLATE_LENGTH:
            raise TemplateError(f"template longer than {MAX_TEMPLATE_LENGTH} characters")
        match = _TEMPLATE.match(source)
        if match is None or "{{" in match["body"] or "{%" in source:
            raise TemplateError(
                f"unsupported template {source!r}: only '{{{{ value }}}}' and "
                "'{{ value_json.<key> }}' with simple filters are understood"
            )
        expression, *filter_texts = (part.strip() for part in match["body"].split("|"))
        if expression == "value":
            uses_json, path = False, ()
        elif expression.startswith("value_json"):
            uses_json, path = True, cls._path(expression[len("value_json") :], source)
        else:
            raise TemplateError(f"unsupported expression {expression!r} in {source!r}")
        return cls(
            source, uses_json, path, tuple(cls._filter(text, source) for text in filter_texts)
        )

    @staticmethod
    def _path(text: str, source: str) -> tuple[Step, ...]:
        steps: list[Step] = []
        position = 0
        while position < len(text):
            match = _PATH_STEP.match(text, position)
            if match is None:
                raise TemplateError(f"unsupported expression {text[position:]!r} in {source!r}")
            if match["idx"] is not None:
                steps.append(int(match["idx"]))
            else:
                steps.append(match["attr"] or match["sq"] or match["dq"] or "")
            position = match.end()
        return tuple(steps)

    @staticmethod
    def _filter(text: str, source: str) -> Callable[[Any], Any]:
        match = _FILTER.match(text)
        if match is not None:
            if match["name"] == "round":
                return _round(int(match["arg"] or 0))
            if match["name"] in _FILTERS and match["arg"] is None:
                return _FILTERS[match["name"]]
        raise TemplateError(f"unsupported filter {text!r} in {source!r}")

    def value(self, payload: str) -> Any:
        """The template's value for ``payload`` (before it is printed as text)."""
        if not self.uses_json:
            value: Any = payload
        else:
            try:
                value = json.loads(payload)
            except (ValueError, RecursionError):
                raise TemplateError("the payload is not JSON") from None
            for step in self.path:
                value = self._step(value, step)
        for apply in self.filters:
            value = apply(value)
        return value

    def render(self, payload: str) -> str:
        """The template's output for ``payload``, as text."""
        return text_of(self.value(payload))

    @staticmethod
    def _step(value: Any, step: Step) -> Any:
        if isinstance(step, int) and isinstance(value, list):
            if -len(value) <= step < len(value):
                return value[step]
            raise TemplateError(f"the payload has no item {step}")
        if isinstance(value, dict) and str(step) in value:
            return value[str(step)]
        raise TemplateError(f"the payload has no key {step!r}")
