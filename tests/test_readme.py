"""The README's quick start: two one-line commands, and CI runs the test command verbatim."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def quick_start_commands() -> list[str]:
    """The ```sh blocks of the README's "Quick start" section, as written."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Quick start\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^```sh\n(.*?)\n```$", section, flags=re.MULTILINE | re.DOTALL)


def test_quick_start_is_two_one_line_commands() -> None:
    commands = quick_start_commands()
    assert len(commands) == 2, commands
    assert all("\n" not in command for command in commands), commands
    start, test = commands
    assert start.endswith("linli run --config ./config")
    assert test.endswith(".venv/bin/pytest")


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    test_command = quick_start_commands()[1]
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci_lines, f".ci/run must contain the line: {test_command}"
    assert "set -euo pipefail" in ci_lines
