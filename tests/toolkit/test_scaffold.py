"""``scaffold``: a vendor package that passes ``check`` and its own tests as generated."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from linli.loader.manifest import load_manifest
from linli.toolkit.check import check_package
from linli.toolkit.scaffold import ScaffoldError, scaffold

PLACEHOLDER = re.compile(r"__(domain|pkg|project|Name|Vendor|Class)__")


def run_own_tests(package: Path) -> subprocess.CompletedProcess[str]:
    """Run the package's tests the way its vendor would, with its src on the path."""
    env = {**os.environ, "PYTHONPATH": str(package / "src")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(package / "tests"), "-q", "-p", "no:cacheprovider"],
        cwd=package,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_scaffold_writes_a_complete_vendor_package(tmp_path: Path) -> None:
    folder = scaffold("water_leak", tmp_path, name="AquaGuard Leak Sensor", vendor="AquaGuard")

    assert folder == tmp_path / "linli-water-leak"
    files = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*.*"))
    package = "src/linli_water_leak"
    assert files == [
        "README.md",
        "pyproject.toml",
        f"{package}/__init__.py",
        f"{package}/config_flow.py",
        f"{package}/const.py",
        f"{package}/manifest.json",
        f"{package}/plugin.py",
        f"{package}/sensor.py",
        f"{package}/translations/en.json",
        f"{package}/translations/zh-Hans.json",
        "tests/test_water_leak.py",
    ]
    for path in folder.rglob("*.*"):
        assert not PLACEHOLDER.search(path.read_text(encoding="utf-8")), path

    manifest = load_manifest(folder / package / "manifest.json", builtin=False)
    assert (manifest.domain, manifest.name, manifest.vendor) == (
        "water_leak",
        "AquaGuard Leak Sensor",
        "AquaGuard",
    )
    assert (manifest.version, manifest.config_flow) == ("0.1.0", True)
    pyproject = (folder / "pyproject.toml").read_text(encoding="utf-8")
    assert 'name = "linli-water-leak"' in pyproject
    assert '[project.entry-points.linli]\nwater_leak = "linli_water_leak.plugin"' in pyproject
    assert (
        "class WaterLeakConfigFlow(ConfigFlow)" in (folder / package / "config_flow.py").read_text()
    )
    texts = json.loads((folder / package / "translations/zh-Hans.json").read_text("utf-8"))
    assert texts["name"] == "AquaGuard Leak Sensor"


def test_a_scaffolded_package_passes_check(tmp_path: Path) -> None:
    assert check_package(scaffold("water_leak", tmp_path)) == []


@pytest.mark.slow
def test_a_scaffolded_package_passes_its_own_tests(tmp_path: Path) -> None:
    result = run_own_tests(scaffold("water_leak", tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed" in result.stdout


@pytest.mark.slow
def test_a_scaffolded_package_is_lint_clean(tmp_path: Path) -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None:
        pytest.skip("ruff is not installed next to this Python")
    folder = scaffold("water_leak", tmp_path)
    for command in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run(
            [ruff, *command], cwd=folder, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("domain", ["WaterLeak", "water-leak", "1st_leak", "_leak", "leak__x", ""])
def test_an_invalid_domain_is_refused(tmp_path: Path, domain: str) -> None:
    with pytest.raises(ScaffoldError, match=r"not a valid domain.*e\.g\. 'acme_locker'"):
        scaffold(domain, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_not_overwritten(tmp_path: Path) -> None:
    taken = tmp_path / "linli-water-leak"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    with pytest.raises(ScaffoldError, match=r"linli-water-leak already exists and is not an empty"):
        scaffold("water_leak", tmp_path)
    assert [path.name for path in taken.iterdir()] == ["notes.txt"]


def test_an_empty_existing_folder_is_filled(tmp_path: Path) -> None:
    (tmp_path / "linli-water-leak").mkdir()
    assert (scaffold("water_leak", tmp_path) / "pyproject.toml").is_file()


def test_a_name_that_would_break_the_files_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ScaffoldError, match="name 'Acme \"Pro\"' must not contain quotes"):
        scaffold("water_leak", tmp_path, name='Acme "Pro"')
