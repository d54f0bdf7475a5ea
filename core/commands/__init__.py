"""The ``linli`` command's groups of subcommands: ``integration``, ``user``, ``audit``.

What every group shares lives here: the group itself (which prints its help when called
without a subcommand), the ``--config DIR`` option, and tables for the terminal.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path
from typing import TypeAlias

from ..config import CONFIG_FILE

# What ``add_subparsers`` returns (a string: the class cannot be subscripted at run time).
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_group(
    commands: Subcommands, name: str, *, summary: str, description: str, epilog: str
) -> Subcommands:
    """Add the group ``linli <name>``; returns the parser of its subcommands."""
    group = commands.add_parser(
        name,
        help=summary,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=description,
        epilog=epilog,
    )
    group.set_defaults(handler=lambda _args: _usage(group))
    return group.add_subparsers(title="commands", dest="subcommand", metavar="COMMAND")


def config_option(default_config_dir: Path) -> argparse.ArgumentParser:
    """A parent parser with ``--config DIR``, the community's config folder."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--config",
        type=Path,
        default=default_config_dir,
        metavar="DIR",
        help=f"the community's config folder, with its {CONFIG_FILE} (default: ./config)",
    )
    return parent


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def print_table(rows: list[list[str]]) -> None:
    """Rows of cells in aligned columns (Chinese characters take two columns)."""
    widths = [max(_width(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        cells = [
            cell + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=True)
        ]
        print("  ".join(cells).rstrip())


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
