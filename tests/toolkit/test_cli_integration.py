"""``linli integration ...`` run as a vendor or an operator would, in a subprocess."""

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from linli.commands.integrations import COLUMNS
from linli.config import CONFIG_FILE
from linli.plugins import create_plugin_manager
from linli.testing.plugin import HubFactory
from linli.testing.processes import run_linli as linli

pytestmark = pytest.mark.slow  # every test here starts a process


WriteFiles = Callable[[Path, dict[str, Any]], None]
Manifest = Callable[..., dict[str, Any]]


@pytest.fixture
def vendors(tmp_path: Path, write_files: WriteFiles, manifest: Manifest) -> Path:
    """Two installed vendor packages (a folder to put on PYTHONPATH): lockers and chargers."""
    folder = tmp_path / "site"
    files: dict[str, Any] = {}
    for domain, dist in (("acme_locker", "acme-lockers"), ("volt_charger", "volt-chargers")):
        files |= {
            f"{domain}/__init__.py": "",
            f"{domain}/plugin.py": f"""\
                from linli.plugins import hookimpl

                @hookimpl
                def linli_integrations():
                    return ["{domain}"]
            """,
            f"{domain}/manifest.json": manifest(domain, vendor="Acme", funding=["market"]),
            f"{dist.replace('-', '_')}-1.0.0.dist-info/METADATA": (
                f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0.0\n"
            ),
            f"{dist.replace('-', '_')}-1.0.0.dist-info/entry_points.txt": (
                f"[linli]\n{domain} = {domain}.plugin\n"
            ),
        }
    write_files(folder, files)
    return folder


@pytest.fixture
async def community(tmp_path: Path, hub_factory: HubFactory) -> Path:
    """A community's config folder whose database holds one config entry of acme_locker."""
    folder = tmp_path / "community"
    folder.mkdir()
    (folder / CONFIG_FILE).write_text("community:\n  name: 幸福小区\n", encoding="utf-8")
    hub = await hub_factory(config_dir=folder, plugins=create_plugin_manager(entry_points=False))
    hub.config_entries.create("acme_locker", "Building 3 lockers", {"host": "10.0.0.7"})
    hub.config_entries.create("old_gate", "North gate", {})  # its package is gone
    await hub.stop()
    return folder


def test_list_json_shows_each_integration_and_its_config_entries(
    tmp_path: Path, vendors: Path, community: Path
) -> None:
    result = linli(
        "integration",
        "list",
        "--config",
        str(community),
        "--json",
        cwd=tmp_path,
        python_path=vendors,
    )

    assert result.returncode == 0, result.stderr
    listing = json.loads(result.stdout)
    rows = {row["domain"]: row for row in listing["integrations"]}
    assert rows["acme_locker"] == {
        "domain": "acme_locker",
        "name": "Acme Locker",
        "version": "1.0.0",
        "vendor": "Acme",
        "integration_type": "device",
        "data_categories": [],
        "funding": ["market"],
        "source": "acme-lockers",
        "config_entries": [{"title": "Building 3 lockers", "state": "not_loaded", "reason": None}],
        "state": "1 entry: 1 not_loaded",
    }
    assert rows["volt_charger"]["state"] == "not configured"
    assert listing["configured_but_unavailable"] == {"old_gate": "1 entry: 1 not_loaded"}
    assert listing["config_dir"] == str(community.resolve())


def test_list_table_is_honest_about_what_it_knows(
    tmp_path: Path, vendors: Path, community: Path
) -> None:
    result = linli("integration", "list", cwd=community.parent, python_path=vendors)
    assert result.returncode == 0, result.stderr
    assert "No community given (--config DIR)" in result.stdout  # ./config does not exist

    result = linli(
        "integration", "list", "--config", "community", cwd=tmp_path, python_path=vendors
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "with the state the hub last recorded" in result.stdout
    table = [re.split(r" {2,}", line) for line in lines if line.startswith(("DOMAIN", "acme_"))]
    assert table == [
        list(COLUMNS),
        [
            "acme_locker",
            "Acme Locker",
            "1.0.0",
            "Acme",
            "device",
            "-",
            "market",
            "acme-lockers",
            "1 entry: 1 not_loaded",
        ],
    ]
    assert "  old_gate: 1 entry: 1 not_loaded" in lines


def test_list_with_a_broken_config_says_where(tmp_path: Path) -> None:
    (tmp_path / CONFIG_FILE).write_text("community: {}\n", encoding="utf-8")

    result = linli("integration", "list", "--config", ".", cwd=tmp_path)

    assert result.returncode == 1
    assert f"{tmp_path.resolve() / CONFIG_FILE}, line 1" in result.stderr
    assert "Traceback" not in result.stderr


def test_integration_without_a_command_shows_help(tmp_path: Path) -> None:
    result = linli("integration", cwd=tmp_path)

    assert result.returncode == 2
    for command in ("new", "check", "install", "uninstall", "list"):
        assert f"    {command}" in result.stderr


def test_new_then_check_passes(tmp_path: Path) -> None:
    created = linli("integration", "new", "acme_locker", "--vendor", "Acme", cwd=tmp_path)

    assert created.returncode == 0, created.stderr
    folder = tmp_path / "linli-acme-locker"
    assert f"Created the package {folder.name}" in created.stdout
    assert "linli integration check ." in created.stdout
    checked = linli("integration", "check", str(folder), cwd=tmp_path)
    assert (checked.returncode, checked.stdout) == (0, "OK\n"), checked.stdout


def test_new_refuses_a_bad_domain(tmp_path: Path) -> None:
    result = linli("integration", "new", "Acme-Locker", cwd=tmp_path)

    assert result.returncode == 1
    assert "Acme-Locker" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_lists_every_problem_and_fails(
    tmp_path: Path, write_files: WriteFiles, manifest: Manifest
) -> None:
    write_files(
        tmp_path / "shoddy",
        {"__init__.py": "", "manifest.json": manifest("shoddy", version="soon", funding=["free"])},
    )

    result = linli("integration", "check", "shoddy", cwd=tmp_path)

    assert result.returncode == 1
    assert "manifest.json, 'version': 'soon' is not a version number" in result.stdout
    assert "manifest.json, 'funding': expected one of public, market, social" in result.stdout
    assert "problems" in result.stderr


def test_install_refuses_a_package_that_fails_the_check(
    tmp_path: Path, write_files: WriteFiles, manifest: Manifest
) -> None:
    write_files(
        tmp_path / "shoddy",
        {"__init__.py": "", "manifest.json": manifest("shoddy", iot_class="telepathy")},
    )

    result = linli("integration", "install", "./shoddy", cwd=tmp_path)

    assert result.returncode == 1
    assert "Refused to install ./shoddy: the check found" in result.stderr
    assert "'iot_class': expected one of local_push" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("linli", "linli is the hub itself"),
        ("nothing_like_it", "No installed integration or package is called 'nothing_like_it'"),
    ],
)
def test_uninstall_refuses_with_a_clear_message(tmp_path: Path, name: str, message: str) -> None:
    result = linli("integration", "uninstall", name, cwd=tmp_path)

    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
