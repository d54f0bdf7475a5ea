"""Slugs: the lower-case ASCII names (``[a-z0-9_]``) that entity ids are made of."""

from __future__ import annotations

import re

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """``text`` lower-cased, every run of other characters turned into one ``_``, trimmed.

    Only a-z and 0-9 survive, so a Chinese name gives ``""``: callers pick a fallback.
    """
    return _NOT_SLUG.sub("_", text.lower()).strip("_")
