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
from typing import Any, Final

import voluptuous as vol
import yaml
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from .alarms.ladder import Ladder, Rung, Step
from .exceptions import ConfigError
from .helpers.yaml_loader import SafeLoader
from .helpers.yaml_marks import duplicate_keys, line_and_column, locate, syntax_error
from .helpers.yaml_values import boolean, describe, text, url
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
  # Where the community is: its home zone (zone.home), in which a tracker reads "home".
  # latitude: 31.2304
  # longitude: 121.4737
  # radius: 300              # metres (default 100)

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

recorder:
  keep_days: 10              # history kept this many days; hourly statistics are kept longer
  keep_days_protected: 7     # history of health and location data (shorter by law)
  # commit_interval: 1       # seconds between commits to the database
  # exclude_event_types: [call_service]     # events not recorded
  # exclude_entities: [sensor.noisy_meter]   # entities whose states are not recorded

# alarms:
#   ladders:                 # who is told, by alarm type (sos, smoke, …) or severity
#     critical:              # default: a step a minute for critical, 3 min for major
#       - {notify: household, timeout: 60}    # timeout: seconds to wait for an acknowledgement
#       - {notify: caregivers, timeout: 60}
#       - {notify: security, timeout: 60}     # the security desk: every operator
#       - {notify: external}
#   external:                # whom the external step reaches, through which channel
#     - {channel: webhook, to: "+8613800000000"}
#   phone_channels: [webhook]   # also reach members at their phone number through these
#   webhook:                 # a gateway (SMS, messaging) that receives HMAC-signed JSON
#     url: https://gateway.example.com/linli
#     secret: a-long-random-secret

# integrations:               # set up at start, each with its options, by its domain
#   mqtt: {}                  # no broker given: the hub runs its own on port 1883
"""

_DOMAIN = re.compile(r"^[a-z0-9_]+$")
_EVENT_TYPE = re.compile(r"^[a-z0-9_]+$")
_ENTITY_ID = re.compile(r"^[a-z0-9_]+\.[a-z0-9_]+$")


@dataclass(frozen=True, slots=True)
class RecorderConfig:
    """The ``recorder:`` section: how often history is committed and how long it is kept."""

    commit_interval: float = 1.0  # seconds
    keep_days: float = 10
    keep_days_protected: float = 7  # entities of integrations that collect health or location
    max_backlog: int = 100_000  # queued events before the backlog is reported
    exclude_event_types: tuple[str, ...] = ()  # on top of the recorder's own exclusions
    exclude_entities: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    """Where the webhook notification channel posts, and the key it signs with."""

    url: str
    secret: str


@dataclass(frozen=True, slots=True)
class ExternalContact:
    """Whom the ladder's external step reaches: an address ``to`` of channel ``channel``."""

    channel: str
    to: str


@dataclass(frozen=True, slots=True)
class AlarmsConfig:
    """The ``alarms:`` section: the escalation ladders and how people are reached."""

    ladders: dict[str, Ladder] = field(default_factory=dict)  # alarm type or severity ->
    external: tuple[ExternalContact, ...] = ()
    phone_channels: tuple[str, ...] = ()  # channels that reach a member at their phone
    webhook: WebhookConfig | None = None
    retries: int = 3  # a failed delivery is tried again this often, the delays doubling
    retry_delay: float = 5.0  # seconds before the first retry


DEFAULT_HOME_RADIUS: Final = 100.0  # metres


@dataclass(frozen=True, slots=True)
class HomeZone:
    """Where the community is (``community:`` latitude, longitude and radius): the hub
    writes it as ``zone.home``, the zone in which a tracker's state is ``home``."""

    latitude: float
    longitude: float
    radius: float = DEFAULT_HOME_RADIUS


@dataclass(frozen=True, slots=True)
class HubConfig:
    """Everything a hub needs to start; built from ``linli.yaml`` or by tests."""

    config_dir: Path
    name: str = "linli"
    time_zone: str = "Asia/Shanghai"
    language: str = "zh-Hans"
    home: HomeZone | None = None
    database_url: str = ""
    http_host: str = "0.0.0.0"
    http_port: int = 8123
    log_level: str = "info"
    integrations: dict[str, dict] = field(default_factory=dict)
    # zeroconf: announce the hub and find devices; None: on every interface
    discovery: bool = True
    discovery_interfaces: tuple[str, ...] | None = None
    recorder: RecorderConfig = field(default_factory=RecorderConfig)
    alarms: AlarmsConfig = field(default_factory=AlarmsConfig)
    # False only for tests of integrations: then they run without a vote (not in linli.yaml)
    votes_required: bool = True

    def __post_init__(self) -> None:
        if not self.database_url:
            object.__setattr__(self, "database_url", default_url(self.config_dir))


def _one_of(choices: tuple[str, ...]) -> Callable[[Any], str]:
    def validate(value: Any) -> str:
        if value not in choices:
            expected = f"{', '.join(choices[:-1])} or {choices[-1]}"
            raise vol.Invalid(f"expected {expected}, got {describe(value)}")
        return value

    return validate


def _time_zone(value: Any) -> str:
    name = text(value)
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
        raise vol.Invalid(f"expected a port number from 1 to 65535, got {describe(value)}")
    return value


def _addresses(value: Any) -> tuple[str, ...]:
    """IP addresses of this machine's interfaces, e.g. [192.168.1.10]."""
    if not isinstance(value, list) or not value:
        raise vol.Invalid(f"expected a list of IP addresses, got {describe(value)}")
    for address in value:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise vol.Invalid(f"expected an IP address, got {describe(address)}") from None
    return tuple(value)


def _positive(most: float, *, whole: bool = False) -> Callable[[Any], float]:
    """A number above 0 and at most ``most``; with ``whole``, an integer."""
    kind, what = (int, "a whole number") if whole else (int | float, "a number")

    def validate(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, kind):
            raise vol.Invalid(f"expected {what}, got {describe(value)}")
        if not 0 < value <= most:
            raise vol.Invalid(f"expected a number above 0 and at most {most:g}, got {value}")
        return value

    return validate


def _place(community: dict[str, Any]) -> dict[str, Any]:
    """The community's place is both its latitude and longitude, or neither."""
    given = [key for key in ("latitude", "longitude") if key in community]
    if len(given) == 1:
        raise vol.Invalid("the community's place needs both latitude and longitude", given)
    return community


def _degrees(most: float) -> Callable[[Any], float]:
    """A latitude (``most`` 90) or longitude (180) in degrees."""

    def validate(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise vol.Invalid(f"expected degrees (a number), got {describe(value)}")
        if not -most <= value <= most:
            raise vol.Invalid(f"expected degrees from {-most:g} to {most:g}, got {value}")
        return float(value)

    return validate


def _names(pattern: re.Pattern[str], what: str) -> Callable[[Any], tuple[str, ...]]:
    """A list of names that each match ``pattern``; ``what`` says what a name is."""

    def validate(value: Any) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise vol.Invalid(f"expected a list of {what}s, got {describe(value)}")
        for name in value:
            if not isinstance(name, str) or not pattern.match(name):
                raise vol.Invalid(f"expected {what}s, got {describe(name)}")
        return tuple(value)

    return validate


def _log_level(value: Any) -> str:
    return _one_of(LOG_LEVELS)(value.lower() if isinstance(value, str) else value)


def _database_url(value: Any) -> str:
    """Check the URL names SQLite or PostgreSQL; never echo it (it may hold a password)."""
    try:
        url = make_url(text(value))
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
                vol.Invalid(f"expected options under it, got {describe(options)}", [domain])
            )
    if problems:
        raise vol.MultipleInvalid(problems)
    return {domain: options or {} for domain, options in domains.items()}


_STEP_OPTIONS = ("notify", "timeout")
_RUNGS = tuple(Rung)
_CHANNEL = re.compile(r"^[a-z0-9_]+$")
DEFAULT_STEP_TIMEOUT = 60.0


def _step(value: Any) -> Step:
    """One step of a ladder: ``{notify: household, timeout: 60}``."""
    if not isinstance(value, dict):
        raise vol.Invalid(
            f"expected a step such as {{notify: household, timeout: 60}}, got {describe(value)}"
        )
    problems = [
        vol.Invalid(f"unknown option; expected {' or '.join(_STEP_OPTIONS)}", [key])
        for key in value
        if key not in _STEP_OPTIONS
    ]
    if "notify" not in value:
        problems.append(vol.Invalid("required option is missing", ["notify"]))
    else:
        try:
            _one_of(_RUNGS)(value["notify"])
        except vol.Invalid as error:
            problems.append(vol.Invalid(error.msg, ["notify"]))
    timeout = value.get("timeout", DEFAULT_STEP_TIMEOUT)
    try:
        _positive(86_400)(timeout)
    except vol.Invalid as error:
        problems.append(vol.Invalid(error.msg, ["timeout"]))
    if problems:
        raise vol.MultipleInvalid(problems)
    return Step(Rung(value["notify"]), float(timeout))


def _ladders(value: Any) -> dict[str, Ladder]:
    """Ladders by alarm type or severity, each a non-empty list of steps."""
    problems: list[vol.Invalid] = []
    ladders: dict[str, Ladder] = {}
    for name, steps in _mapping(value).items():
        if not isinstance(name, str) or not _DOMAIN.match(name):
            message = "an alarm type is lower-case letters, digits and underscores"
            problems.append(vol.Invalid(message, [name]))
        elif not isinstance(steps, list) or not steps:
            message = f"expected a list of steps, got {describe(steps)}"
            problems.append(vol.Invalid(message, [name]))
        else:
            found: list[Step] = []
            for index, step in enumerate(steps):
                try:
                    found.append(_step(step))
                except vol.MultipleInvalid as error:
                    problems += [vol.Invalid(e.msg, [name, index, *e.path]) for e in error.errors]
                except vol.Invalid as error:
                    problems.append(vol.Invalid(error.msg, [name, index]))
            ladders[name] = tuple(found)
    if problems:
        raise vol.MultipleInvalid(problems)
    return ladders


def _contacts(value: Any) -> tuple[ExternalContact, ...]:
    """``[{channel: webhook, to: "+86…"}, …]``."""
    if not isinstance(value, list):
        raise vol.Invalid(f"expected a list of contacts, got {describe(value)}")
    contacts = []
    for index, contact in enumerate(value):
        if (
            not isinstance(contact, dict)
            or set(contact) != {"channel", "to"}
            or not isinstance(contact["channel"], str)
            or not _CHANNEL.match(contact["channel"])
            or not isinstance(contact["to"], str | int)
        ):
            raise vol.Invalid(
                f'expected a contact such as {{channel: webhook, to: "+8613800000000"}}, '
                f"got {describe(contact)}",
                [index],
            )
        contacts.append(ExternalContact(contact["channel"], str(contact["to"])))
    return tuple(contacts)


def _mapping(value: Any) -> dict:
    """A section's options; an empty section (every line commented out) is no options."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise vol.Invalid(f"expected options under it (name: value), got {describe(value)}")
    return value


def _section(options: dict[Any, Any]) -> vol.All:
    return vol.All(_mapping, vol.Schema(options))


# The sections of linli.yaml other than integrations: option -> validator.
SECTIONS: dict[str, dict[Any, Any]] = {
    "community": {
        vol.Required("name"): text,
        vol.Optional("time_zone", default="Asia/Shanghai"): _time_zone,
        vol.Optional("language", default="zh-Hans"): _one_of(LANGUAGES),
        vol.Optional("latitude"): _degrees(90),
        vol.Optional("longitude"): _degrees(180),
        vol.Optional("radius"): _positive(10_000),
    },
    "database": {vol.Optional("url"): _database_url},
    "http": {
        vol.Optional("host", default="0.0.0.0"): text,
        vol.Optional("port", default=8123): _port,
    },
    "logging": {vol.Optional("level", default="info"): _log_level},
    "discovery": {
        vol.Optional("enabled", default=True): boolean,
        vol.Optional("interfaces"): _addresses,
    },
    "recorder": {
        vol.Optional("commit_interval"): _positive(60),
        vol.Optional("keep_days"): _positive(3650),
        vol.Optional("keep_days_protected"): _positive(3650),
        vol.Optional("max_backlog"): _positive(10_000_000, whole=True),
        vol.Optional("exclude_event_types"): _names(_EVENT_TYPE, "event type"),
        vol.Optional("exclude_entities"): _names(_ENTITY_ID, "entity id"),
    },
    "alarms": {
        vol.Optional("ladders"): _ladders,
        vol.Optional("external"): _contacts,
        vol.Optional("phone_channels"): _names(_CHANNEL, "channel name"),
        vol.Optional("webhook"): _section({vol.Required("url"): url, vol.Required("secret"): text}),
        vol.Optional("retries"): _positive(10, whole=True),
        vol.Optional("retry_delay"): _positive(600),
    },
}


CONFIG_SCHEMA = vol.Schema(
    {
        vol.Required("community"): vol.All(_section(SECTIONS["community"]), _place),
        vol.Optional("database", default={}): _section(SECTIONS["database"]),
        vol.Optional("http", default={}): _section(SECTIONS["http"]),
        vol.Optional("logging", default={}): _section(SECTIONS["logging"]),
        vol.Optional("discovery", default={}): _section(SECTIONS["discovery"]),
        vol.Optional("recorder", default={}): _section(SECTIONS["recorder"]),
        vol.Optional("alarms", default={}): _section(SECTIONS["alarms"]),
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
        home=_home_zone(community),
        database_url=_resolve_sqlite(options["database"].get("url", ""), config_dir),
        http_host=options["http"]["host"],
        http_port=options["http"]["port"],
        log_level=options["logging"]["level"],
        integrations=options["integrations"],
        discovery=options["discovery"]["enabled"],
        discovery_interfaces=options["discovery"].get("interfaces"),
        recorder=RecorderConfig(**options["recorder"]),
        alarms=_alarms_config(options["alarms"]),
    )


def _home_zone(community: dict[str, Any]) -> HomeZone | None:
    if "latitude" not in community:
        return None
    radius = community.get("radius", DEFAULT_HOME_RADIUS)
    return HomeZone(community["latitude"], community["longitude"], radius)


def _alarms_config(options: dict[str, Any]) -> AlarmsConfig:
    webhook = options.get("webhook")
    return AlarmsConfig(
        **{key: value for key, value in options.items() if key != "webhook"},
        webhook=None if webhook is None else WebhookConfig(**webhook),
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
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        raise ConfigError(syntax_error(str(path), error)) from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: invalid YAML: {error}") from None
    finally:
        loader.dispose()
    if node is None:
        raise ConfigError(f"{path} has no settings: it needs at least `community:` with `name:`")
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path}, line {node.start_mark.line + 1}: expected sections (community:, http:, "
            f"…) at the top of the file, got {describe(data)}"
        )
    return node, data


def _validate(path: Path, parsed: tuple[yaml.Node, Any]) -> dict[str, Any]:
    """The validated options; every problem of the file in one :class:`ConfigError`."""
    root, data = parsed
    problems = duplicate_keys(root, [])
    try:
        options = CONFIG_SCHEMA(data)
    except vol.MultipleInvalid as error:
        problems += [_problem(root, invalid) for invalid in error.errors]
    if not problems:
        return options
    problems.sort(key=lambda problem: (problem[0].line, problem[0].column))
    lines = [f"{path}, {line_and_column(mark)}: {what}" for mark, what in problems]
    count = f"{len(lines)} problems" if len(lines) > 1 else "1 problem"
    raise ConfigError(f"Invalid configuration ({count}):\n  " + "\n  ".join(lines))


def _problem(root: yaml.Node, error: vol.Invalid) -> tuple[yaml.Mark, str]:
    """Where one validation error is in the file, and what it is."""
    path = [str(key) for key in error.path]
    if isinstance(error, vol.RequiredFieldInvalid):
        what = f"required {'section' if len(path) == 1 else 'option'} is missing"
    elif error.error_message == "extra keys not allowed":
        what = _unknown_option(path)
    else:
        what = error.error_message
    return locate(root, path), f"{'.'.join(path)}: {what}" if path else what


def _unknown_option(path: list[str]) -> str:
    if len(path) == 1:
        kind, names = "section", [*SECTIONS, "integrations"]
    else:
        kind, names = "option", [str(key) for key in SECTIONS.get(path[0], {})]
    if close := difflib.get_close_matches(path[-1], names, n=1):
        return f"unknown {kind}; did you mean {close[0]!r}?"
    return f"unknown {kind}; expected one of {', '.join(names)}"
