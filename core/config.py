"""The hub's configuration, read from ``linli.yaml`` in the config folder.

:func:`load_config` reads and validates the whole file before anything starts, and reports
every problem at once with its line, e.g.
``/srv/linli/linli.yaml, line 7, column 3: community.time_zone: unknown time zone``.
"""

from __future__ import annotations

import difflib
import ipaddress
import logging
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import voluptuous as vol
import yaml
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from .exceptions import ConfigError
from .storage.database import default_url

_LOGGER = logging.getLogger(__name__)

CONFIG_FILE = "linli.yaml"
LANGUAGES = ("zh-Hans", "en")
LOG_LEVELS = ("debug", "info", "warning", "error")
DATABASES = ("sqlite", "postgresql")

DEFAULT_CONFIG = """\
# linli configuration. Check it after editing with: linli check-config --config <this folder>
# Then restart the hub (linli run) to apply it.

community:
  name: 我的小区              # the community's name, shown in the app and in the logs
  time_zone: Asia/Shanghai   # an IANA time zone, e.g. Asia/Shanghai or Asia/Urumqi
  language: zh-Hans          # zh-Hans or en

# database:
#   Default: SQLite, the file linli.db in this folder (nothing to install).
#   A relative SQLite path is taken from this folder. For PostgreSQL
#   (pip install 'linli[postgresql]'):
#   url: postgresql://linli:password@db.example.com/linli

http:
  host: 0.0.0.0              # 0.0.0.0: reachable from the whole network
  port: 8123

logging:
  level: info                # debug, info, warning or error

discovery:
  enabled: true              # announce the hub and find devices on the network (zeroconf)
  # interfaces: [192.168.1.10]   # only these addresses; default: every interface

# integrations:               # each integration's options, by its domain
"""

_DOMAIN = re.compile(r"^[a-z0-9_]+$")


@dataclass(frozen=True, slots=True)
class HubConfig:
    """Everything a hub needs to start; built from ``linli.yaml`` or by tests."""

    config_dir: Path
    name: str = "linli"
    time_zone: str = "Asia/Shanghai"
    language: str = "zh-Hans"
    database_url: str = ""
    http_host: str = "0.0.0.0"
    http_port: int = 8123
    log_level: str = "info"
    integrations: dict[str, dict] = field(default_factory=dict)
    # zeroconf: announce the hub and find devices; None: on every interface
    discovery: bool = True
    discovery_interfaces: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if not self.database_url:
            object.__setattr__(self, "database_url", default_url(self.config_dir))


def _describe(value: object) -> str:
    """How a wrong value reads in a message: its YAML type, or itself when short."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise vol.Invalid(f"expected text, got {_describe(value)}")
    return value.strip()


def _one_of(choices: tuple[str, ...]) -> Callable[[Any], str]:
    def validate(value: Any) -> str:
        if value not in choices:
            expected = f"{', '.join(choices[:-1])} or {choices[-1]}"
            raise vol.Invalid(f"expected {expected}, got {_describe(value)}")
        return value

    return validate


def _time_zone(value: Any) -> str:
    name = _text(value)
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        known = zoneinfo.available_timezones()
        if not known:
            raise vol.Invalid(
                "this machine has no time zone database: install tzdata "
                "(apt install tzdata, or pip install tzdata)"
            ) from None
        message = f"unknown time zone {name!r}"
        if close := difflib.get_close_matches(name, known, n=1):
            message += f"; did you mean {close[0]!r}?"
        raise vol.Invalid(message) from None
    return name


def _port(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise vol.Invalid(f"expected a port number from 1 to 65535, got {_describe(value)}")
    return value


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise vol.Invalid(f"expected true or false, got {_describe(value)}")
    return value


def _addresses(value: Any) -> tuple[str, ...]:
    """IP addresses of this machine's interfaces, e.g. [192.168.1.10]."""
    if not isinstance(value, list) or not value:
        raise vol.Invalid(f"expected a list of IP addresses, got {_describe(value)}")
    for address in value:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise vol.Invalid(f"expected an IP address, got {_describe(address)}") from None
    return tuple(value)


def _log_level(value: Any) -> str:
    return _one_of(LOG_LEVELS)(value.lower() if isinstance(value, str) else value)


def _database_url(value: Any) -> str:
    """Check the URL names SQLite or PostgreSQL; never echo it (it may hold a password)."""
    try:
        url = make_url(_text(value))
    except (ArgumentError, ValueError):
        raise vol.Invalid(
            "not a database URL; expected e.g. sqlite:////srv/linli/linli.db or "
            "postgresql://user:password@host/database"
        ) from None
    if url.get_backend_name() not in DATABASES:
        raise vol.Invalid(
            f"unsupported database {url.get_backend_name()!r}: linli runs on SQLite or PostgreSQL"
        )
    if url.drivername == "postgresql":
        # The driver linli installs (linli[postgresql]) is psycopg 3, not SQLAlchemy's
        # default psycopg2.
        return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return value.strip()


def _integrations(value: Any) -> dict[str, dict]:
    domains = _mapping(value)
    problems: list[vol.Invalid] = []
    for domain, options in domains.items():
        if not isinstance(domain, str) or not _DOMAIN.match(domain):
            problems.append(
                vol.Invalid(
                    "an integration's domain is lower-case letters, digits and underscores",
                    [domain],
                )
            )
        elif options is not None and not isinstance(options, dict):
            problems.append(
                vol.Invalid(f"expected options under it, got {_describe(options)}", [domain])
            )
    if problems:
        raise vol.MultipleInvalid(problems)
    return {domain: options or {} for domain, options in domains.items()}


def _mapping(value: Any) -> dict:
    """A section's options; an empty section (every line commented out) is no options."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise vol.Invalid(f"expected options under it (name: value), got {_describe(value)}")
    return value


# The sections of linli.yaml other than integrations: option -> validator.
SECTIONS: dict[str, dict[Any, Any]] = {
    "community": {
        vol.Required("name"): _text,
        vol.Optional("time_zone", default="Asia/Shanghai"): _time_zone,
        vol.Optional("language", default="zh-Hans"): _one_of(LANGUAGES),
    },
    "database": {vol.Optional("url"): _database_url},
    "http": {
        vol.Optional("host", default="0.0.0.0"): _text,
        vol.Optional("port", default=8123): _port,
    },
    "logging": {vol.Optional("level", default="info"): _log_level},
    "discovery": {
        vol.Optional("enabled", default=True): _boolean,
        vol.Optional("interfaces"): _addresses,
    },
}


def _section(options: dict[Any, Any]) -> vol.All:
    return vol.All(_mapping, vol.Schema(options))


CONFIG_SCHEMA = vol.Schema(
    {
        vol.Required("community"): _section(SECTIONS["community"]),
        vol.Optional("database", default={}): _section(SECTIONS["database"]),
        vol.Optional("http", default={}): _section(SECTIONS["http"]),
        vol.Optional("logging", default={}): _section(SECTIONS["logging"]),
        vol.Optional("discovery", default={}): _section(SECTIONS["discovery"]),
        vol.Optional("integrations", default={}): _integrations,
    }
)


def load_config(config_dir: Path, *, create: bool = False) -> HubConfig:
    """Read and validate ``linli.yaml`` in ``config_dir``.

    With ``create``, a missing folder or file is created with the default configuration.
    Raises :class:`ConfigError` listing every problem of the file, each with its line.
    """
    config_dir = config_dir.resolve()
    path = config_dir / CONFIG_FILE
    if create and not path.exists():
        _write_default(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"No configuration file {path}: `linli run --config {config_dir}` creates a default one"
        ) from None
    except OSError as error:
        raise ConfigError(f"Cannot read the configuration file {path}: {error.strerror}") from None
    options = _validate(path, _parse(path, raw))
    community = options["community"]
    return HubConfig(
        config_dir=config_dir,
        name=community["name"],
        time_zone=community["time_zone"],
        language=community["language"],
        database_url=_resolve_sqlite(options["database"].get("url", ""), config_dir),
        http_host=options["http"]["host"],
        http_port=options["http"]["port"],
        log_level=options["logging"]["level"],
        integrations=options["integrations"],
        discovery=options["discovery"]["enabled"],
        discovery_interfaces=options["discovery"].get("interfaces"),
    )


def _write_default(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as file:
            file.write(DEFAULT_CONFIG)
    except OSError as error:
        raise ConfigError(
            f"Cannot create the default configuration file {path}: {error.strerror}"
        ) from None
    _LOGGER.info("Created the default configuration %s; edit it to describe your community", path)


def _resolve_sqlite(url: str, config_dir: Path) -> str:
    """Make a relative SQLite path relative to the config folder, not the working folder."""
    if not url:
        return url
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return url
    if database.startswith("file:") or Path(database).is_absolute():
        return url
    return parsed.set(database=str(config_dir / database)).render_as_string(hide_password=False)


def _parse(path: Path, raw: bytes) -> tuple[yaml.Node, Any]:
    """The file's YAML node tree (for line numbers) and its data."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigError(
            f"{path}, line {line}: not UTF-8 text (byte 0x{raw[error.start]:02x}); "
            "save the file as UTF-8"
        ) from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        raise ConfigError(_syntax_error(path, error)) from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: invalid YAML: {error}") from None
    finally:
        loader.dispose()
    if node is None:
        raise ConfigError(f"{path} has no settings: it needs at least `community:` with `name:`")
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path}, line {node.start_mark.line + 1}: expected sections (community:, http:, "
            f"…) at the top of the file, got {_describe(data)}"
        )
    return node, data


def _syntax_error(path: Path, error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark or error.context_mark
    where = f"{path}, line {mark.line + 1}, column {mark.column + 1}" if mark else str(path)
    problem = error.problem or "unreadable"
    if "'\\t'" in problem:
        problem += " (indent with spaces, not tabs)"
    if error.context and error.context_mark and error.context_mark != mark:
        problem = f"{error.context} (line {error.context_mark.line + 1}), {problem}"
    return f"{where}: invalid YAML: {problem}"


def _validate(path: Path, parsed: tuple[yaml.Node, Any]) -> dict[str, Any]:
    """The validated options; every problem of the file in one :class:`ConfigError`."""
    root, data = parsed
    problems = _duplicate_keys(root, [])
    try:
        options = CONFIG_SCHEMA(data)
    except vol.MultipleInvalid as error:
        problems += [_problem(root, invalid) for invalid in error.errors]
    if not problems:
        return options
    problems.sort(key=lambda problem: (problem[0].line, problem[0].column))
    lines = [f"{path}, {_where(mark)}: {what}" for mark, what in problems]
    count = f"{len(lines)} problems" if len(lines) > 1 else "1 problem"
    raise ConfigError(f"Invalid configuration ({count}):\n  " + "\n  ".join(lines))


def _where(mark: yaml.Mark) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _problem(root: yaml.Node, error: vol.Invalid) -> tuple[yaml.Mark, str]:
    """Where one validation error is in the file, and what it is."""
    path = [str(key) for key in error.path]
    if isinstance(error, vol.RequiredFieldInvalid):
        what = f"required {'section' if len(path) == 1 else 'option'} is missing"
    elif error.error_message == "extra keys not allowed":
        what = _unknown_option(path)
    else:
        what = error.error_message
    return _locate(root, path), f"{'.'.join(path)}: {what}" if path else what


def _unknown_option(path: list[str]) -> str:
    if len(path) == 1:
        kind, names = "section", [*SECTIONS, "integrations"]
    else:
        kind, names = "option", [str(key) for key in SECTIONS.get(path[0], {})]
    if close := difflib.get_close_matches(path[-1], names, n=1):
        return f"unknown {kind}; did you mean {close[0]!r}?"
    return f"unknown {kind}; expected one of {', '.join(names)}"


def _locate(root: yaml.Node, path: list[str]) -> yaml.Mark:
    """Where ``path`` is written: its key's mark, or its nearest written parent's."""
    node, mark = root, root.start_mark
    for key in path:
        if not isinstance(node, yaml.MappingNode):
            break
        # The last of duplicate keys is the one that counts.
        found = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key]
        if not found:
            break
        key_node, node = found[-1]
        mark = key_node.start_mark
    return mark


def _duplicate_keys(node: yaml.Node, path: list[str]) -> list[tuple[yaml.Mark, str]]:
    """Keys written twice in one mapping: YAML would silently keep only the last."""
    problems: list[tuple[yaml.Mark, str]] = []
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, yaml.Mark] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else ""
            if key in seen:
                what = f"written twice (also on line {seen[key].line + 1}); remove one"
                problems.append((key_node.start_mark, f"{'.'.join([*path, key])}: {what}"))
            seen[key] = key_node.start_mark
            problems += _duplicate_keys(value_node, [*path, key])
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            problems += _duplicate_keys(item, [*path, str(index)])
    return problems
