"""The ``linli`` command: run a community's hub, or check its configuration."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import logging
import platform
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from zeroconf import InterfaceChoice

from . import __version__
from .commands.audit import add_audit_commands
from .commands.integrations import add_integration_commands
from .commands.users import add_user_commands
from .config import CONFIG_FILE, HubConfig, load_config
from .exceptions import ConfigError, DatabaseError
from .http.server import ServeError
from .hub import Hub

_LOGGER = logging.getLogger(__name__)

LOG_FORMAT = "%(asctime)s %(levelname)s [%(name)s] %(message)s"
DEFAULT_CONFIG_DIR = Path("config")


def setup_logging(level: str) -> None:
    """Log to stderr at ``level`` (debug, info, warning, error), naming each component."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        root.addHandler(handler)
    root.setLevel(level.upper())
    # Alembic announces every plugin and migration step at INFO: only worth it when debugging.
    logging.getLogger("alembic").setLevel(logging.INFO if level == "debug" else logging.WARNING)


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    """The command line: ``linli run``, ``check-config``, ``integration`` and ``--version``."""
    parser = argparse.ArgumentParser(
        prog="linli",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="linli (邻里): the hub of one residential community. Its settings live in\n"
        f"{CONFIG_FILE} in a config folder, which by default also holds its SQLite database.",
        epilog="examples:\n"
        "  linli run                      start the hub of ./config (created on the first run)\n"
        "  linli run --config /srv/linli  start the hub configured in /srv/linli\n"
        f"  linli check-config             check ./config/{CONFIG_FILE} after editing it\n"
        "  linli integration list         the integrations this hub can load\n"
        "  linli run --help               more about one command",
    )
    parser.add_argument("--version", action="version", version=f"linli {__version__}")
    commands = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    config_help = (
        f"the config folder: {CONFIG_FILE}, and by default the database linli.db "
        "(default: ./config)"
    )

    run = commands.add_parser(
        "run",
        help="start the hub and keep it running until Ctrl+C",
        description="Start the community's hub: read the configuration, open the database "
        "(creating and migrating it if needed), serve the API on http.host:http.port "
        "(the admin token is in the config folder's admin_token file) and run until Ctrl+C "
        "(SIGINT) or SIGTERM, "
        f"then stop cleanly. A missing config folder or {CONFIG_FILE} is created with "
        "default settings.",
    )
    run.add_argument(
        "--config", type=Path, default=DEFAULT_CONFIG_DIR, metavar="DIR", help=config_help
    )
    run.add_argument(
        "--port",
        type=_port,
        metavar="N",
        help=f"the HTTP port, instead of http.port in {CONFIG_FILE} (default there: 8123)",
    )
    run.add_argument(
        "--no-discovery",
        action="store_true",
        help="neither announce the hub nor look for devices on the network (zeroconf), "
        f"whatever {CONFIG_FILE} says",
    )
    run.set_defaults(handler=_run)

    check = commands.add_parser(
        "check-config",
        help=f"validate {CONFIG_FILE} without starting the hub",
        description=f"Read and validate {CONFIG_FILE}, and list every problem with its line. "
        "Exits with 0 when the file is valid, 1 otherwise. Creates nothing.",
    )
    check.add_argument(
        "--config", type=Path, default=DEFAULT_CONFIG_DIR, metavar="DIR", help=config_help
    )
    check.set_defaults(handler=_check_config)

    add_integration_commands(commands, DEFAULT_CONFIG_DIR)
    add_user_commands(commands, DEFAULT_CONFIG_DIR)
    add_audit_commands(commands, DEFAULT_CONFIG_DIR)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``linli`` command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    return args.handler(args)


def _check_config(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Configuration OK: {config.config_dir / CONFIG_FILE}")
    return 0


def _run(args: argparse.Namespace) -> int:
    setup_logging("info")
    _LOGGER.info("linli %s on Python %s", __version__, platform.python_version())
    try:
        config = load_config(args.config, create=True)
        if args.port is not None:
            config = dataclasses.replace(config, http_port=args.port)
        if args.no_discovery:
            config = dataclasses.replace(config, discovery=False)
        setup_logging(config.log_level)
        asyncio.run(_serve(config))
    except (ConfigError, DatabaseError, ServeError) as error:
        _LOGGER.error("Cannot start: %s", error)
        return 1
    except KeyboardInterrupt:
        _LOGGER.warning("Interrupted while starting")
        return 130
    return 0


# Young objects collected every 50,000 allocations instead of 700: a busy hub replaces
# thousands of states a second, and with the default each new State lives long enough to
# be promoted to the oldest generation, whose growth then sets off full passes over the
# whole heap every few seconds (bench/mqtt.py: 7 full passes and 1.05 s of collection in
# 25 s at 5,000 messages/s; with this none, and 0.11 s).
GC_THRESHOLDS: Final = (50_000, 20, 100)


def tune_garbage_collector() -> None:
    """Keep what the hub made at start (it lives as long as the hub) out of the garbage
    collector's full passes, which otherwise stall the event loop for 100 ms and more
    (measured with bench/websocket.py), and collect young objects less often (see
    :data:`GC_THRESHOLDS`). Process-wide, so for ``linli run`` only."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


async def _serve(config: HubConfig) -> None:
    """Start the hub and serve its API, wait for SIGINT or SIGTERM, stop the hub.

    A signal while the hub starts lets it finish starting, then stops it.
    """
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def request_stop(signum: signal.Signals) -> None:
        _LOGGER.info("Received %s", signum.name)
        stop.set()

    # Installed before the start, so a signal arriving while the hub starts is not lost:
    # the hub finishes starting, then stops.
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, request_stop, signum)
    hub = Hub(config)
    await hub.start()
    tune_garbage_collector()
    try:
        await hub.http.start()
        if config.discovery:
            await hub.discovery.start(config.discovery_interfaces or InterfaceChoice.All)
        await stop.wait()
    finally:
        await hub.stop()
