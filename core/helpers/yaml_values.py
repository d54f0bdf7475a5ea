"""Checks of plain values people write in the hub's YAML files (``linli.yaml``,
automations, blueprints), as voluptuous validators whose messages say what was written."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import voluptuous as vol

_LONGEST_SHOWN = 60


def describe(value: object) -> str:
    """How a wrong value reads in a message: its YAML type, or itself when short."""
    if value is None:
        return "nothing"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    text = repr(value)
    return text if len(text) <= _LONGEST_SHOWN else f"{text[: _LONGEST_SHOWN - 3]}…"


def text(value: Any) -> str:
    """Text that is not blank, without the spaces around it."""
    if not isinstance(value, str) or not value.strip():
        raise vol.Invalid(f"expected text, got {describe(value)}")
    return value.strip()


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise vol.Invalid(f"expected true or false, got {describe(value)}")
    return value


def url(value: Any) -> str:
    address = text(value)
    if not re.match(r"^https?://[^\s/]+", address):
        raise vol.Invalid(f"expected an http:// or https:// URL, got {address!r}")
    return address
