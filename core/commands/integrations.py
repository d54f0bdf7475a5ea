"""``linli integration ...``: the command line of the vendor and operator toolkit.

Argument parsing and printing only; the work is done in :mod:`linli.toolkit.scaffold`,
:mod:`linli.toolkit.check` and :mod:`linli.toolkit.operator`, imported when a command runs
so that ``linli run`` does not load the toolkit.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import CONFIG_FILE
from ..exceptions import LinliError
from . import Subcommands, add_group, print_table

if TYPE_CHECKING:
    from ..toolkit.operator import IntegrationListing

# The headings of the table ``linli integration list`` prints.
COLUMNS = (
    "DOMAIN",
    "NAME",
    "VERSION",
    "VENDOR",
    "TYPE",
    "DATA",
    "FUNDING",
    "SOURCE",
    "IN THIS COMMUNITY",
)


def add_integration_commands(commands: Subcommands, default_config_dir: Path) -> None:
    """Add ``linli integration`` and its subcommands to the ``linli`` command line."""
    subcommands = add_group(
        commands,
        "integration",
        summary="create, check, install, remove and list integrations",
        description="Integrations connect the hub to devices and services (wristbands, smoke\n"
        "detectors, lockers, chargers…). Vendors write them as Python packages; operators\n"
        "install them into the hub's Python environment with pip.",
        epilog="examples:\n"
        "  linli integration new acme_locker --vendor Acme   start a vendor package\n"
        "  linli integration check ./linli-acme-locker       validate it before publishing\n"
        "  linli integration install linli-acme-locker       install it from the package index\n"
        "  linli integration list                            what the hub can load\n"
        "  linli integration uninstall acme_locker           remove it again",
    )

    new = subcommands.add_parser(
        "new",
        help="create a vendor package for a new integration",
        description="Create a standalone vendor package linli-<DOMAIN>: pyproject.toml with the "
        "'linli' entry point, manifest.json, a config flow, a sensor platform, translations "
        "(zh-Hans and en) and tests that pass as generated.",
    )
    new.add_argument(
        "domain", metavar="DOMAIN", help="the integration's id: lower-case, e.g. acme_locker"
    )
    new.add_argument(
        "--target",
        type=Path,
        default=Path(),
        metavar="DIR",
        help="where to create the package folder (default: the current folder)",
    )
    new.add_argument("--name", help="the name people see (default: from the domain)")
    new.add_argument("--vendor", help="the company or person who makes it (default: the name)")
    new.set_defaults(handler=_new)

    check = subcommands.add_parser(
        "check",
        help="validate an integration package, as the hub will",
        description="Validate a vendor package: the manifest, its version, the translations "
        "of every flow step and error, config_flow, pinned requirements and declared data "
        "categories. Prints every problem as 'where: message' and exits with 1 if there is "
        "any, with 0 (printing OK) otherwise.",
    )
    check.add_argument("path", type=Path, metavar="PATH", help="the package folder")
    check.set_defaults(handler=_check)

    install = subcommands.add_parser(
        "install",
        help="install an integration package into this hub's environment",
        description="Check a package and install it with pip into the Python environment the "
        "hub runs in. A package whose check finds problems is refused, and nothing is "
        "installed. Restart the hub afterwards to load it.",
    )
    install.add_argument(
        "spec",
        metavar="SPEC",
        help="a package name (linli-acme-locker, linli-acme-locker==1.2.0), a wheel or sdist "
        "file, or a package folder",
    )
    install.add_argument(
        "--config",
        type=Path,
        metavar="DIR",
        help=f"the community's config folder, to show its entries for what was installed "
        f"(default: ./{default_config_dir} if it holds {CONFIG_FILE})",
    )
    install.set_defaults(handler=_install, default_config_dir=default_config_dir)

    uninstall = subcommands.add_parser(
        "uninstall",
        help="remove an installed integration package",
        description="Uninstall, with pip, the package that provides an integration. Built-in "
        "integrations ship with linli and cannot be removed. Restart the hub afterwards.",
    )
    uninstall.add_argument(
        "name",
        metavar="NAME",
        help="the integration's domain (acme_locker) or its package's name (linli-acme-locker)",
    )
    uninstall.set_defaults(handler=_uninstall)

    listing = subcommands.add_parser(
        "list",
        help="list every integration the hub can load",
        description="List every integration the hub can load, built-in or installed: version, "
        "vendor, type, the personal data it collects, its funding models, where it comes "
        "from, and whether this community has configured it. Broken packages are listed "
        "after the table with the cause.",
    )
    listing.add_argument(
        "--config",
        type=Path,
        metavar="DIR",
        help=f"the community's config folder, whose database is read (default: "
        f"./{default_config_dir} if it holds {CONFIG_FILE})",
    )
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(handler=_list, default_config_dir=default_config_dir)


class _OneLineFormatter(logging.Formatter):
    """Log records without their traceback: the command's own message says what failed."""

    def formatException(self, ei: Any) -> str:
        return ""


def _log_briefly() -> None:
    """Show warnings and errors on stderr, one line each (a broken plugin, a bad manifest)."""
    handler = logging.StreamHandler()
    handler.setFormatter(_OneLineFormatter("%(levelname)s [%(name)s] %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)


def _fail(error: LinliError) -> int:
    print(error, file=sys.stderr)
    return 1


def _community(args: argparse.Namespace) -> Path | None:
    """The config folder given, or the default one if it holds a configuration."""
    if args.config is not None:
        return args.config
    default: Path = args.default_config_dir
    return default if (default / CONFIG_FILE).is_file() else None


def _new(args: argparse.Namespace) -> int:
    from ..toolkit.scaffold import scaffold

    try:
        folder = scaffold(args.domain, args.target, name=args.name, vendor=args.vendor)
    except LinliError as error:
        return _fail(error)
    print(f"Created the package {folder}")
    print("Next steps:")
    print(f"  cd {folder}")
    print("  python -m pip install -e '.[test]'   install it with its test tools")
    print("  python -m pytest                     run its tests")
    print("  linli integration check .            validate it before publishing")
    print("  linli integration install .          install it into this hub")
    return 0


def _check(args: argparse.Namespace) -> int:
    from ..toolkit.check import check_package

    try:
        problems = check_package(args.path)
    except LinliError as error:
        return _fail(error)
    for problem in problems:
        print(problem)
    if problems:
        count = f"{len(problems)} problems" if len(problems) > 1 else "1 problem"
        print(f"{args.path}: {count}", file=sys.stderr)
        return 1
    print("OK")
    return 0


def _install(args: argparse.Namespace) -> int:
    from ..toolkit.operator import configured_entries, install, summarise

    _log_briefly()
    print(f"Checking and installing {args.spec}…", flush=True)
    try:
        result = install(args.spec)
        community = _community(args)
        entries = configured_entries(community) if community is not None else None
    except LinliError as error:
        return _fail(error)
    print(f"Installed {result.distribution} {result.version}:")
    for manifest in result.integrations:
        vendor = f" by {manifest.vendor}" if manifest.vendor else ""
        line = f"  {manifest.domain}: {manifest.name} {manifest.version}{vendor}"
        if entries is not None:
            line += f" ({summarise(entries.get(manifest.domain, []))} in {community})"
        print(line)
    print("Restart the hub (linli run) to load it.")
    return 0


def _uninstall(args: argparse.Namespace) -> int:
    from ..toolkit.operator import uninstall

    _log_briefly()
    try:
        result = uninstall(args.name)
    except LinliError as error:
        return _fail(error)
    domains = ", ".join(result.domains) or "no loadable integration"
    print(f"Uninstalled {result.distribution} {result.version} ({domains}).")
    print("Restart the hub (linli run) to stop using it; its config entries stay stored.")
    return 0


def _list(args: argparse.Namespace) -> int:
    from ..toolkit.operator import list_integrations

    # What the catalog logs (broken plugins and manifests) is part of the listing itself.
    logging.disable(logging.ERROR)
    try:
        listing = list_integrations(_community(args))
    except LinliError as error:
        return _fail(error)
    if args.json:
        print(json.dumps(listing.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print_listing(listing)
    return 0


def _print_listing(listing: IntegrationListing) -> None:
    if listing.config_dir is None:
        print("No community given (--config DIR): its config entries are not shown.\n")
    else:
        print(
            f"Config entries as stored in the database of {listing.config_dir}, with the "
            "state the hub last recorded\n(a stopped hub leaves them not_loaded).\n"
        )
    table = [
        [
            row.domain,
            row.name,
            row.version or "-",
            row.vendor or "-",
            row.integration_type,
            ", ".join(row.data_categories) or "-",
            ", ".join(row.funding) or "-",
            row.source,
            row.state or "-",
        ]
        for row in listing.rows
    ]
    if table:
        print_table([list(COLUMNS), *table])
    else:
        print("No integration is available: none is built in or installed.")
    _print_section(
        "Configured in this community, but not available (package missing or broken):",
        [f"{domain}: {states}" for domain, states in listing.unavailable.items()],
    )
    _print_section("Set aside (not loadable):", [str(problem) for problem in listing.problems])
    _print_section(
        "Plugins that failed to import:",
        [f"{name}: {cause}" for name, cause in listing.failed_plugins.items()],
    )


def _print_section(title: str, lines: list[str]) -> None:
    if lines:
        print(f"\n{title}")
        for line in lines:
            print(f"  {line}")
