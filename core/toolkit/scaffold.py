"""``linli integration new DOMAIN``: a standalone vendor package, ready to test and publish.

The files come from ``template/``: each ``*.tmpl`` file is copied without that suffix, and
these placeholders are replaced in its path and its text:

==============  ==========================================  ======================
placeholder     what                                        e.g.
==============  ==========================================  ======================
``__domain__``  the integration's domain                    ``acme_locker``
``__pkg__``     the import package (``linli_<domain>``)     ``linli_acme_locker``
``__project__`` the distribution (``linli-<domain>``)       ``linli-acme-locker``
``__Name__``    the integration's name, shown to people     ``Acme Locker``
``__Vendor__``  who makes it                                ``Acme``
``__Class__``   the prefix of class names                   ``AcmeLocker``
==============  ==========================================  ======================
"""

from __future__ import annotations

import re
from pathlib import Path

from ..exceptions import LinliError

TEMPLATE = Path(__file__).parent / "template"
TEMPLATE_SUFFIX = ".tmpl"

# Stricter than the manifest's pattern: the domain also names a Python package and classes.
_DOMAIN = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
# Characters that would need escaping in JSON, TOML or Python strings.
_UNSAFE_TEXT = re.compile(r'["\\\n\r\t]')


class ScaffoldError(LinliError):
    """A package cannot be scaffolded: invalid domain or text, or the folder is taken."""


def _checked_text(what: str, value: str) -> str:
    value = value.strip()
    if not value:
        raise ScaffoldError(f"The {what} must not be empty")
    if _UNSAFE_TEXT.search(value):
        raise ScaffoldError(
            f"The {what} {value!r} must not contain quotes, backslashes, tabs or line breaks"
        )
    return value


def placeholders(
    domain: str, *, name: str | None = None, vendor: str | None = None
) -> dict[str, str]:
    """The placeholder -> text map for ``domain``; raises :class:`ScaffoldError` if invalid."""
    if not _DOMAIN.match(domain):
        raise ScaffoldError(
            f"{domain!r} is not a valid domain: use lower-case letters, digits and single "
            "underscores, starting with a letter, e.g. 'acme_locker'"
        )
    title = _checked_text("name", name or domain.replace("_", " ").title())
    return {
        "__domain__": domain,
        "__pkg__": f"linli_{domain}",
        "__project__": f"linli-{domain.replace('_', '-')}",
        "__Name__": title,
        "__Vendor__": _checked_text("vendor", vendor or title),
        "__Class__": "".join(part.capitalize() for part in domain.split("_")),
    }


def _fill(text: str, values: dict[str, str]) -> str:
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def scaffold(
    domain: str, target: Path, *, name: str | None = None, vendor: str | None = None
) -> Path:
    """Create the vendor package ``target/linli-<domain>/`` and return its folder.

    ``name`` is shown to people (default: the domain in title case), ``vendor`` is who makes
    it (default: the name). Raises :class:`ScaffoldError` for an invalid domain, name or
    vendor, or when the folder exists and is not empty.
    """
    values = placeholders(domain, name=name, vendor=vendor)
    folder = Path(target) / values["__project__"]
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ScaffoldError(f"{folder} already exists and is not an empty folder")
    for source in sorted(TEMPLATE.rglob(f"*{TEMPLATE_SUFFIX}")):
        relative = source.relative_to(TEMPLATE).as_posix().removesuffix(TEMPLATE_SUFFIX)
        destination = folder / _fill(relative, values)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(_fill(source.read_text(encoding="utf-8"), values), encoding="utf-8")
    return folder
