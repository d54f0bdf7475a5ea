"""``manifest.json``: what an integration is, before any of its code is imported.

:func:`load_manifest` reads and validates one file and reports every problem with the file
and the field, e.g. ``/srv/acme_locker/manifest.json: field 'integration_type': expected one
of system, device, service, got 'gadget'``.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import voluptuous as vol
from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

from ..exceptions import ManifestError

MANIFEST_FILE = "manifest.json"

INTEGRATION_TYPES = ("system", "device", "service")
IOT_CLASSES = (
    "local_push",
    "local_polling",
    "cloud_push",
    "cloud_polling",
    "calculated",
    "assumed_state",
)
# Personal data an integration collects; health and location are sensitive under PIPL and
# get consent, narrow visibility and short retention.
DATA_CATEGORIES = ("health", "location", "images", "presence", "identity", "financial")
# How a community may choose to pay for a service: from public funds, at market price paid
# by the user, or as a subsidised social service.
FUNDING_MODELS = ("public", "market", "social")
QUALITY_SCALES = ("bronze", "silver", "gold", "platinum")

_DOMAIN = re.compile(r"^[a-z0-9_]+$")
_CODEOWNER = re.compile(r"^@[A-Za-z0-9][A-Za-z0-9-]*(/[A-Za-z0-9_.-]+)?$")
_ZEROCONF_TYPE = re.compile(r"^_[a-z0-9][a-z0-9-]*\._(tcp|udp)\.local\.$")


@dataclass(frozen=True, slots=True)
class Manifest:
    """A validated ``manifest.json``; lists become tuples."""

    domain: str
    name: str
    integration_type: str
    iot_class: str
    version: str | None = None
    vendor: str | None = None
    codeowners: tuple[str, ...] = ()
    documentation: str | None = None
    dependencies: tuple[str, ...] = ()
    after_dependencies: tuple[str, ...] = ()
    requirements: tuple[str, ...] = ()
    config_flow: bool = False
    zeroconf: tuple[str, ...] = ()
    mqtt: tuple[str, ...] = ()
    data_categories: tuple[str, ...] = ()
    funding: tuple[str, ...] = ()
    quality_scale: str | None = None


FIELDS = tuple(Manifest.__dataclass_fields__)


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    return repr(value)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise vol.Invalid(f"expected text, got {_shown(value)}")
    return value.strip()


def _one_of(choices: tuple[str, ...]) -> Callable[[Any], str]:
    def validate(value: Any) -> str:
        if value not in choices:
            raise vol.Invalid(f"expected one of {', '.join(choices)}, got {_shown(value)}")
        return value

    return validate


def _matching(pattern: re.Pattern[str], example: str) -> Callable[[Any], str]:
    def validate(value: Any) -> str:
        if not isinstance(value, str) or not pattern.match(value):
            raise vol.Invalid(f"{_shown(value)} is not valid here, expected e.g. {example!r}")
        return value

    return validate


def _list_of(item: Callable[[Any], str]) -> Callable[[Any], tuple[str, ...]]:
    def validate(value: Any) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise vol.Invalid(f"expected a list, got {_shown(value)}")
        items = tuple(item(entry) for entry in value)
        if duplicates := sorted({entry for entry in items if items.count(entry) > 1}):
            raise vol.Invalid(f"listed twice: {', '.join(duplicates)}")
        return items

    return validate


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise vol.Invalid(f"expected true or false, got {_shown(value)}")
    return value


def _version(value: Any) -> str:
    text = _text(value)
    try:
        Version(text)
    except InvalidVersion:
        raise vol.Invalid(f"{text!r} is not a version number (PEP 440), e.g. '1.2.0'") from None
    return text


def _pinned_requirement(value: Any) -> str:
    text = _text(value)
    try:
        requirement = Requirement(text)
    except InvalidRequirement as error:
        raise vol.Invalid(f"{text!r} is not a requirement (PEP 508): {error}") from None
    specifiers = list(requirement.specifier)
    if len(specifiers) != 1 or specifiers[0].operator != "==" or "*" in specifiers[0].version:
        raise vol.Invalid(
            f"{text!r} must be pinned to one version with ==, e.g. '{requirement.name}==1.0.0'"
        )
    return text


def _url(value: Any) -> str:
    text = _text(value)
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise vol.Invalid(f"{text!r} is not a web address, expected e.g. 'https://example.com/'")
    return text


def _mqtt_topic(value: Any) -> str:
    """A topic filter: '+' fills one whole level, '#' only the whole last level."""
    text = _text(value)
    levels = text.split("/")
    for index, level in enumerate(levels):
        if ("+" in level and level != "+") or (
            "#" in level and (level != "#" or index != len(levels) - 1)
        ):
            raise vol.Invalid(
                f"{text!r} is not an MQTT topic filter: '+' must be a whole level and '#' "
                "the whole last level, e.g. 'acme/lockers/+/state' or 'acme/#'"
            )
    return text


def _subset_of(choices: tuple[str, ...]) -> Callable[[Any], tuple[str, ...]]:
    return _list_of(_one_of(choices))


def _schema(*, builtin: bool) -> vol.Schema:
    domain = _matching(_DOMAIN, "acme_locker")
    version_key = vol.Optional("version") if builtin else vol.Required("version")
    return vol.Schema(
        {
            vol.Required("domain"): domain,
            vol.Required("name"): _text,
            vol.Required("integration_type"): _one_of(INTEGRATION_TYPES),
            vol.Required("iot_class"): _one_of(IOT_CLASSES),
            version_key: _version,
            vol.Optional("vendor"): _text,
            vol.Optional("codeowners"): _list_of(_matching(_CODEOWNER, "@acme-dev")),
            vol.Optional("documentation"): _url,
            vol.Optional("dependencies"): _list_of(domain),
            vol.Optional("after_dependencies"): _list_of(domain),
            vol.Optional("requirements"): _list_of(_pinned_requirement),
            vol.Optional("config_flow"): _boolean,
            vol.Optional("zeroconf"): _list_of(
                _matching(_ZEROCONF_TYPE, "_acme-locker._tcp.local.")
            ),
            vol.Optional("mqtt"): _list_of(_mqtt_topic),
            vol.Optional("data_categories"): _subset_of(DATA_CATEGORIES),
            vol.Optional("funding"): _subset_of(FUNDING_MODELS),
            vol.Optional("quality_scale"): _one_of(QUALITY_SCALES),
        },
        extra=vol.REMOVE_EXTRA,
    )


def _unknown_fields(data: dict[str, Any]) -> list[tuple[str | None, str]]:
    problems: list[tuple[str | None, str]] = []
    for key in data:
        if key not in FIELDS:
            message = "not a manifest field"
            if close := difflib.get_close_matches(str(key), FIELDS, n=1):
                message += f"; did you mean '{close[0]}'?"
            problems.append((str(key), message))
    return problems


def _error_message(field: str, error: vol.Invalid) -> str:
    if not isinstance(error, vol.RequiredFieldInvalid):
        return error.msg
    if field == "version":
        return "missing; an integration that does not ship with linli must state its version"
    return "missing; every manifest needs it"


def load_manifest(path: Path, *, builtin: bool) -> Manifest:
    """Read and validate ``path``; third-party manifests (``builtin=False``) need a version.

    Raises :class:`~linli.exceptions.ManifestError` naming the file and every wrong field.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ManifestError(path, [(None, f"cannot be read: {error}")]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise ManifestError(path, [(None, f"{where}: invalid JSON: {error.msg}")]) from None
    if not isinstance(data, dict):
        raise ManifestError(path, [(None, f"expected a JSON object, got {_shown(data)}")])
    claimed = data.get("domain") if isinstance(data.get("domain"), str) else None
    problems = _unknown_fields(data)
    try:
        fields = _schema(builtin=builtin)(data)
    except vol.MultipleInvalid as error:
        for item in error.errors:
            field = str(item.path[0])
            problems.append((field, _error_message(field, item)))
    if builtin and claimed and claimed != path.parent.name and not problems:
        problems.append(
            ("domain", f"a built-in integration's domain is its folder name {path.parent.name!r}")
        )
    if problems:
        raise ManifestError(path, problems, claimed)
    return Manifest(**fields)
