"""What an operator does with integration packages: install, uninstall and list them.

Packages are installed with pip into the environment the hub runs in (``sys.executable``).
Nothing is installed whose manifest fails :func:`linli.toolkit.check.check_package`; a
built-in integration cannot be uninstalled. The list reads a community's config entries
straight from its database, read-only, so it works while the hub is stopped.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)

from .. import __version__
from ..config import load_config
from ..exceptions import DatabaseError, LinliError, ManifestError
from ..loader.catalog import CatalogProblem, IntegrationCatalog
from ..loader.integration import Integration
from ..loader.manifest import MANIFEST_FILE, Manifest, load_manifest
from ..plugins.manager import ENTRY_POINT_GROUP, PluginManager, create_plugin_manager
from ..storage import schema
from ..storage.database import create_engine, display_url
from .check import Problem, check_package, find_integrations

BUILTIN = "built-in"
PIP_TIMEOUT = 900  # seconds; building an sdist with native code can take long
_ZIP = (".whl", ".zip")  # a wheel is a zip archive; so are some old sdists
_TAR = (".tar.gz", ".tgz", ".tar")


class OperatorError(LinliError):
    """An install, uninstall or listing was refused or failed; the message says why."""


@dataclass(frozen=True, slots=True)
class InstallResult:
    """The distribution pip installed and the integrations it brings."""

    distribution: str
    version: str
    integrations: tuple[Manifest, ...]


@dataclass(frozen=True, slots=True)
class UninstallResult:
    """The distribution pip removed and the integration domains that went with it."""

    distribution: str
    version: str
    domains: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EntryStatus:
    """A config entry as stored, with the state the hub last recorded for it."""

    title: str
    state: str
    reason: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"title": self.title, "state": self.state, "reason": self.reason}


def summarise(entries: Sequence[EntryStatus]) -> str:
    """``not configured``, or the entries' states, e.g. ``2 entries: 1 loaded, 1 setup_error
    (the API key was refused)``."""
    if not entries:
        return "not configured"
    counts = Counter(entry.state for entry in entries)
    states = ", ".join(f"{count} {state}" for state, count in sorted(counts.items()))
    summary = f"{len(entries)} {'entry' if len(entries) == 1 else 'entries'}: {states}"
    if reason := next((entry.reason for entry in entries if entry.reason), None):
        summary += f" ({reason})"
    return summary


@dataclass(frozen=True, slots=True)
class IntegrationRow:
    """One integration the hub can load, and how this community has configured it."""

    domain: str
    name: str
    version: str | None
    vendor: str | None
    integration_type: str
    data_categories: tuple[str, ...]
    funding: tuple[str, ...]
    source: str  # "built-in", or the distribution (package) that installed it
    entries: tuple[EntryStatus, ...] | None  # None: no community was read

    @property
    def state(self) -> str | None:
        """The entries' last recorded states (see :func:`summarise`); None: no community."""
        return None if self.entries is None else summarise(self.entries)

    def as_dict(self) -> dict[str, Any]:
        return {
            "domain": self.domain,
            "name": self.name,
            "version": self.version,
            "vendor": self.vendor,
            "integration_type": self.integration_type,
            "data_categories": list(self.data_categories),
            "funding": list(self.funding),
            "source": self.source,
            "config_entries": None
            if self.entries is None
            else [entry.as_dict() for entry in self.entries],
            "state": self.state,
        }


@dataclass(frozen=True, slots=True)
class IntegrationListing:
    """What ``linli integration list`` shows: rows, and what could not be listed and why."""

    rows: list[IntegrationRow]
    #: domains this community has entries for that the hub cannot load -> their states
    unavailable: dict[str, str]
    #: packages set aside by the catalog (broken manifest, domain taken, hook raised)
    problems: list[CatalogProblem]
    #: entry-point name -> why the plugin could not be imported
    failed_plugins: dict[str, str]
    #: the config folder whose database was read; None when no community was read
    config_dir: Path | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "config_dir": str(self.config_dir) if self.config_dir else None,
            "integrations": [row.as_dict() for row in self.rows],
            "configured_but_unavailable": self.unavailable,
            "problems": [
                {
                    "plugin": problem.plugin,
                    "package": problem.package,
                    "domain": problem.domain,
                    "cause": problem.cause,
                }
                for problem in self.problems
            ],
            "failed_plugins": self.failed_plugins,
        }


# -- install ---------------------------------------------------------------------------------


def install(spec: str) -> InstallResult:
    """Check and pip-install ``spec``: a package name (``acme-lockers==1.2.0``), a wheel or
    sdist file, or a package folder.

    Refused with :class:`OperatorError`, before pip installs anything, when the checker finds
    problems (all of them are in the message; a package without an integration is one) or
    when one of its domains is already provided by a built-in or another package.
    """
    path = Path(spec).expanduser()
    with tempfile.TemporaryDirectory(prefix="linli-install-") as temp:
        work = Path(temp)
        if path.is_dir():
            _refuse_problems(spec, check_package(path))
            artifact = _build_wheel(path, work / "wheel")
        else:
            artifact = path if path.is_file() else _download(spec, work / "download")
        name, version = _name_and_version(artifact)
        unpacked = _unpack(artifact, work / "unpacked")
        # For a folder this checks what its wheel ships, e.g. that the package data is in it.
        _refuse_problems(spec, check_package(unpacked), built=path.is_dir())
        manifests = tuple(_read_manifest(spec, folder) for folder in find_integrations(unpacked))
        _refuse_taken_domains(spec, name, manifests)
        reinstall = _installed_version(name) == version
        _pip(
            "install",
            *(("--force-reinstall", "--no-deps") if reinstall else ()),
            str(artifact),
            what=f"install {spec}",
        )
    return InstallResult(name, version, manifests)


def _refuse_problems(spec: str, problems: list[Problem], *, built: bool = False) -> None:
    """Refuse ``spec`` when the check found problems; ``built``: in the wheel built from it."""
    if not problems:
        return
    listed = "\n  ".join(str(problem) for problem in problems)
    count = f"{len(problems)} problems" if len(problems) > 1 else "1 problem"
    if built:
        raise OperatorError(
            f"Refused to install {spec}: the wheel built from it fails the check with {count}:"
            f"\n  {listed}\nAre manifest.json and translations/*.json in its package data?"
        )
    raise OperatorError(
        f"Refused to install {spec}: the check found {count}:\n  {listed}\n"
        "Ask its vendor for a fixed version (`linli integration check` shows the same list)."
    )


def _build_wheel(folder: Path, out: Path) -> Path:
    _pip("wheel", "--no-deps", "--wheel-dir", str(out), str(folder), what=f"build {folder}")
    wheels = sorted(out.glob("*.whl"))
    if len(wheels) != 1:
        raise OperatorError(f"Building {folder} gave {len(wheels)} wheels instead of one")
    return wheels[0]


def _download(spec: str, out: Path) -> Path:
    try:
        Requirement(spec)
    except InvalidRequirement:
        raise OperatorError(
            f"{spec!r} is neither a file, a folder nor a package name: give e.g. "
            "acme-lockers, acme-lockers==1.2.0, ./acme_lockers-1.2.0-py3-none-any.whl or "
            "./acme-lockers/"
        ) from None
    _pip("download", "--no-deps", "--dest", str(out), spec, what=f"download {spec}")
    files = sorted(out.iterdir())
    if len(files) != 1:
        raise OperatorError(f"Downloading {spec} gave {len(files)} files instead of one")
    return files[0]


def _name_and_version(artifact: Path) -> tuple[str, str]:
    """The distribution name and version that a wheel's or sdist's file name states."""
    try:
        if artifact.name.endswith(".whl"):
            name, version, *_ = parse_wheel_filename(artifact.name)
        elif artifact.name.endswith((*_TAR, ".zip")):
            name, version = parse_sdist_filename(artifact.name.replace(".tgz", ".tar.gz"))
        else:
            raise OperatorError(
                f"{artifact} is not a wheel (.whl) or a source archive (.tar.gz, .zip)"
            )
    except (InvalidWheelFilename, InvalidSdistFilename) as error:
        raise OperatorError(f"{artifact}: {error}") from None
    return name, str(version)


def _unpack(artifact: Path, out: Path) -> Path:
    """Unpack a wheel or sdist; return the folder to check (an sdist's single top folder)."""
    try:
        if artifact.name.endswith(_ZIP):
            with zipfile.ZipFile(artifact) as archive:
                archive.extractall(out)
        else:
            with tarfile.open(artifact) as archive:
                archive.extractall(out, filter="data")
    except (OSError, zipfile.BadZipFile, tarfile.TarError) as error:
        raise OperatorError(f"{artifact} cannot be unpacked: {error}") from None
    children = list(out.iterdir())
    return children[0] if len(children) == 1 and children[0].is_dir() else out


def _read_manifest(spec: str, folder: Path) -> Manifest:
    try:
        return load_manifest(folder / MANIFEST_FILE, builtin=False)
    except ManifestError as error:
        raise OperatorError(f"Refused to install {spec}: {error}") from None


def _refuse_taken_domains(spec: str, name: str, manifests: tuple[Manifest, ...]) -> None:
    """A domain is one integration: refuse a package that would shadow another's."""
    plugins = create_plugin_manager()
    catalog = IntegrationCatalog(plugins)
    for manifest in manifests:
        taken = catalog.get(manifest.domain)
        if taken is None:
            continue
        source = _source(taken, plugins)
        if source != canonicalize_name(name):
            raise OperatorError(
                f"Refused to install {spec}: its integration {manifest.domain} has the domain of "
                f"the integration {taken.manifest.name!r} from {source}; a domain names one "
                "integration only"
            )


def _installed_version(name: str) -> str | None:
    importlib.invalidate_caches()
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _pip(*args: str, what: str) -> str:
    """Run pip of the hub's Python and return its output; raise :class:`OperatorError` with
    the output if it fails."""
    command = [sys.executable, "-m", "pip", *args]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=PIP_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise OperatorError(f"pip could not {what} within {PIP_TIMEOUT} seconds") from None
    output = "\n".join(part.strip() for part in (result.stdout, result.stderr) if part.strip())
    if result.returncode != 0:
        raise OperatorError(f"pip could not {what}:\n{_last_lines(output)}")
    return output


def _last_lines(output: str, count: int = 15) -> str:
    return "\n".join(f"  {line}" for line in output.splitlines()[-count:])


# -- uninstall -------------------------------------------------------------------------------


def uninstall(name_or_domain: str) -> UninstallResult:
    """pip-uninstall the distribution that provides an integration.

    ``name_or_domain`` is an integration's domain, a distribution name or a plugin's
    entry-point name. Refused with :class:`OperatorError` for built-in integrations, for
    linli itself and for names that no installed integration package answers to.
    """
    if canonicalize_name(name_or_domain) == "linli":
        raise OperatorError(
            "linli is the hub itself, not an integration package: it cannot be uninstalled here"
        )
    plugins = create_plugin_manager()
    catalog = IntegrationCatalog(plugins)
    integration = catalog.get(name_or_domain)
    if integration is not None and integration.builtin:
        raise OperatorError(
            f"{name_or_domain} ({integration.manifest.name}) is built into linli and cannot be "
            "uninstalled; to stop using it, remove its configuration from the community"
        )
    dist = _providing_distribution(name_or_domain, integration, catalog, plugins)
    plugin_names = {ep.name for ep in dist.entry_points if ep.group == ENTRY_POINT_GROUP}
    domains = tuple(i.domain for i in catalog.all() if i.plugin in plugin_names)
    name, version = canonicalize_name(dist.metadata["Name"]), dist.version  # gone after pip
    output = _pip("uninstall", "--yes", name, what=f"uninstall {name}")
    if _installed_version(name) is not None:  # pip skips what lies outside its environment
        raise OperatorError(
            f"pip did not uninstall {name} (from {dist.locate_file('')}):\n{_last_lines(output)}"
        )
    return UninstallResult(name, version, domains)


def _providing_distribution(
    wanted: str,
    integration: Integration | None,
    catalog: IntegrationCatalog,
    plugins: PluginManager,
) -> importlib.metadata.Distribution:
    """The installed distribution behind a domain, a distribution name or a plugin name."""
    providers = {
        ep.name: ep.dist for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    }
    if integration is not None and (dist := providers.get(integration.plugin)) is not None:
        return dist
    for problem in catalog.problems_of(wanted):  # a broken package is worth removing too
        if (dist := providers.get(problem.plugin)) is not None:
            return dist
    if (dist := providers.get(wanted)) is not None:
        return dist
    for dist in providers.values():
        if dist is not None and canonicalize_name(dist.metadata["Name"]) == canonicalize_name(
            wanted
        ):
            return dist
    if _installed_version(wanted) is not None:
        raise OperatorError(
            f"{wanted} is installed but is not a linli integration package (it declares no "
            f"entry point in the group {ENTRY_POINT_GROUP!r}); remove it with pip if you mean to"
        )
    known = sorted(f"{i.domain} ({_source(i, plugins)})" for i in catalog.all() if not i.builtin)
    hint = f"; installed: {', '.join(known)}" if known else "; no integration package is installed"
    raise OperatorError(
        f"No installed integration or package is called {wanted!r}{hint}. "
        "`linli integration list` shows every integration and where it comes from"
    )


# -- list ------------------------------------------------------------------------------------


def list_integrations(
    config_dir: Path | None, *, plugins: PluginManager | None = None
) -> IntegrationListing:
    """Every integration the hub can load, with this community's config entries for it.

    ``config_dir`` is the community's config folder (its ``linli.yaml`` names the database);
    None lists the integrations without any community's state. ``plugins`` defaults to the
    built-in plugin and every installed one, as the hub loads them.
    """
    plugins = plugins if plugins is not None else create_plugin_manager()
    catalog = IntegrationCatalog(plugins)
    entries = configured_entries(config_dir) if config_dir is not None else None
    rows = [
        IntegrationRow(
            domain=integration.domain,
            name=integration.manifest.name,
            version=integration.manifest.version or (__version__ if integration.builtin else None),
            vendor=integration.manifest.vendor,
            integration_type=integration.manifest.integration_type,
            data_categories=integration.manifest.data_categories,
            funding=integration.manifest.funding,
            source=_source(integration, plugins),
            entries=None if entries is None else tuple(entries.get(integration.domain, ())),
        )
        for integration in catalog.all()
    ]
    loadable = {row.domain for row in rows}
    unavailable = {
        domain: summarise(found)
        for domain, found in sorted((entries or {}).items())
        if domain not in loadable
    }
    return IntegrationListing(
        rows=rows,
        unavailable=unavailable,
        problems=catalog.problems,
        failed_plugins=dict(plugins.failed_plugins),
        config_dir=config_dir.resolve() if config_dir is not None else None,
    )


def _source(integration: Integration, plugins: PluginManager) -> str:
    """``built-in``, or the name of the distribution whose plugin contributed it."""
    if integration.builtin:
        return BUILTIN
    for plugin, dist in plugins.list_plugin_distributions():
        if plugins.get_name(plugin) == integration.plugin:
            return canonicalize_name(dist.metadata["Name"])
    return integration.plugin


def configured_entries(config_dir: Path) -> dict[str, list[EntryStatus]]:
    """domain -> its config entries with the states the hub last recorded, oldest first.

    The hub records each state change while it runs; when it stops, its entries unload, so
    a stopped community shows ``not_loaded`` (and the cause where an entry failed to unload).

    Opens the database read-only and never migrates it: a database that does not exist yet,
    or has no config entries table yet, has no entries. Raises
    :class:`~linli.exceptions.ConfigError` for a bad ``linli.yaml`` and
    :class:`~linli.exceptions.DatabaseError` when the database cannot be read.
    """
    url = load_config(config_dir).database_url
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        if not parsed.database or not path.is_file():
            return {}
        uri = f"{path.resolve().as_uri()}?mode=ro"
        engine = sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))
    else:
        engine = create_engine(url).execution_options(postgresql_readonly=True)
    table = schema.config_entries
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table(table.name):
                return {}
            query = sa.select(
                table.c.domain, table.c.title, table.c.state, table.c.reason
            ).order_by(table.c.created_at)
            found: dict[str, list[EntryStatus]] = {}
            for domain, title, state, reason in connection.execute(query):
                found.setdefault(domain, []).append(EntryStatus(title, state, reason))
            return found
    except sa.exc.SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise DatabaseError(
            f"Cannot read the config entries from the database {display_url(url)}: {reason}"
        ) from error
    finally:
        engine.dispose()
