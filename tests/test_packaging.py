"""Packaging: the wheel holds every package and data file, and runs from site-packages.

setup.cfg lists packages one by one (the folders map onto ``linli.*``); these tests make
a folder missing from that list, or a data file missing from the wheel, a loud failure.
"""

import configparser
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# source folder -> the import package it becomes
PACKAGE_ROOTS = {
    "core": "linli",
    "integrations": "linli/integrations",
    "frontend": "linli/frontend",
    "blueprints": "linli/blueprints",
}


def project_files() -> list[str]:
    """The files a fresh clone would have (tracked, or new and not ignored)."""
    listing = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in listing.splitlines() if (ROOT / line).is_file()]


def installed_path(source: str) -> str | None:
    """Where a source file lands inside the wheel, or None if it is not package content."""
    top, _, rest = source.partition("/")
    if top not in PACKAGE_ROOTS or not rest:
        return None
    return f"{PACKAGE_ROOTS[top]}/{rest}"


def test_setup_cfg_lists_every_package_folder() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    listed = set(config["options"]["packages"].split())
    folders = {
        str(Path(installed_path(path)).parent).replace("/", ".")
        for path in project_files()
        if path.endswith("/__init__.py") and installed_path(path)
    }
    missing = sorted(folders - listed)
    assert not missing, f"add these packages to [options] packages in setup.cfg: {missing}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a clean copy of the project, as a fresh clone would build it."""
    source = tmp_path_factory.mktemp("source")
    for path in project_files():
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / path, source / path)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("linli-*.whl")
    return built


@pytest.mark.slow
def test_wheel_contains_every_package_and_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {installed_path(path) for path in project_files()} - {None}
    missing = sorted(expected - names)
    assert not missing, f"missing from the wheel (check setup.cfg package_data): {missing}"
    assert "linli/storage/migrations/script.py.mako" in names


@pytest.mark.slow
def test_wheel_declares_the_command_and_the_pytest_plugin(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    (entry_points,) = [n for n in archive.namelist() if n.endswith("entry_points.txt")]
    text = archive.read(entry_points).decode()
    assert "linli = linli.cli:main" in text
    assert "[pytest11]" in text
    assert "linli = linli.testing.plugin" in text


@pytest.mark.slow
def test_installed_wheel_runs_and_migrates_from_site_packages(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site-packages"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    script = (
        "import asyncio, linli, pathlib\n"
        "from linli.config import HubConfig\n"
        "from linli.hub import Hub\n"
        f"assert linli.__file__.startswith({str(target)!r}), linli.__file__\n"
        "async def main():\n"
        f"    hub = Hub(HubConfig(config_dir=pathlib.Path({str(tmp_path)!r})))\n"
        "    await hub.start()\n"
        "    await hub.stop()\n"
        "asyncio.run(main())\n"
        "print('ok', linli.__version__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok ")
    assert (tmp_path / "linli.db").exists()
