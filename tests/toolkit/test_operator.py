"""An operator installs, lists and uninstalls integration packages: nothing that fails the
check is installed, built-ins stay, and the list tells what this community has configured."""

import json
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import linli.integrations
from linli import __version__
from linli.config import CONFIG_FILE
from linli.testing.processes import dist_info, run_linli
from linli.toolkit import operator
from linli.toolkit.operator import (
    BUILTIN,
    OperatorError,
    configured_entries,
    install,
    list_integrations,
    uninstall,
)

WriteFiles = Callable[[Path, dict[str, Any]], None]
Manifest = Callable[..., dict[str, Any]]

DOMAIN = "porch_light"
PACKAGE = "linli_test_porch_light"
DISTRIBUTION = "linli-test-porch-light"
TIMEOUT = 120.0


def integration_files(manifest: dict[str, Any], folder: str = PACKAGE) -> dict[str, Any]:
    """An integration package with its plugin, manifest and translations."""
    return {
        f"{folder}/__init__.py": "",
        f"{folder}/plugin.py": f"""\
            from linli.plugins import hookimpl


            @hookimpl
            def linli_integrations():
                return ["{folder}"]
        """,
        f"{folder}/manifest.json": manifest,
        f"{folder}/translations/zh-Hans.json": {"name": "门廊灯"},
        f"{folder}/translations/en.json": {"name": "Porch light"},
    }


@pytest.fixture
def vendor_package(tmp_path: Path, write_files: WriteFiles, manifest: Manifest) -> Callable:
    """``vendor_package(**manifest_fields)``: a vendor's source folder, as pip installs it;
    with ``package_data=False`` its wheel leaves out the manifest and translations."""

    def write(*, package_data: bool = True, **fields: Any) -> Path:
        folder = tmp_path / DISTRIBUTION
        fields = {"vendor": "Porch Co", "funding": ["market"], **fields}
        data_files = '["manifest.json", "translations/*.json"]' if package_data else "[]"
        write_files(
            folder,
            {
                "pyproject.toml": f"""\
                    [build-system]
                    requires = ["setuptools>=77"]
                    build-backend = "setuptools.build_meta"

                    [project]
                    name = "{DISTRIBUTION}"
                    version = "1.0.0"
                    dependencies = ["linli"]

                    [project.entry-points.linli]
                    {DOMAIN} = "{PACKAGE}.plugin"

                    [tool.setuptools]
                    include-package-data = false

                    [tool.setuptools.package-data]
                    {PACKAGE} = {data_files}
                """,
                **integration_files(manifest(DOMAIN, **fields)),
            },
        )
        return folder

    return write


@pytest.fixture
def pip_forbidden(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the operator runs pip."""

    def no_pip(*args: str, what: str) -> str:
        pytest.fail(f"pip was run to {what}: {args}")

    monkeypatch.setattr(operator, "_pip", no_pip)


@pytest.fixture
def built_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_files: WriteFiles, manifest: Manifest
) -> str:
    """A built-in integration ``porch_light``, shipped under ``linli.integrations``."""
    shipped = tmp_path / "shipped"
    write_files(
        shipped / DOMAIN,
        {"__init__.py": "", "manifest.json": manifest(DOMAIN, version=None, name="Porch light")},
    )
    monkeypatch.setattr(
        linli.integrations, "__path__", [*linli.integrations.__path__, str(shipped)]
    )
    return DOMAIN


def write_wheel(folder: Path, manifest: dict[str, Any]) -> Path:
    """A wheel of the vendor package, zipped by hand (no build needed)."""
    wheel = folder / f"{PACKAGE}-1.0.0-py3-none-any.whl"
    dist_info = f"{PACKAGE}-1.0.0.dist-info"
    files = {
        **integration_files(manifest),
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {DISTRIBUTION}\nVersion: 1.0.0\n",
        f"{dist_info}/entry_points.txt": f"[linli]\n{DOMAIN} = {PACKAGE}.plugin\n",
    }
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, content in files.items():
            text = textwrap.dedent(content) if isinstance(content, str) else json.dumps(content)
            archive.writestr(name, text)
    return wheel


# -- install refuses -------------------------------------------------------------------------


@pytest.mark.usefixtures("pip_forbidden")
def test_install_refuses_a_folder_whose_manifest_is_broken(vendor_package: Callable) -> None:
    folder = vendor_package(integration_type="gadget", data_categories=["gossip"])

    with pytest.raises(OperatorError) as refused:
        install(str(folder))

    message = str(refused.value)
    assert message.startswith(f"Refused to install {folder}: the check found")
    assert f"{PACKAGE}/manifest.json" in message
    assert "expected one of system, device, service, got 'gadget'" in message
    assert "gossip" in message


@pytest.mark.usefixtures("pip_forbidden")
def test_install_refuses_a_wheel_whose_manifest_is_broken(
    tmp_path: Path, manifest: Manifest
) -> None:
    wheel = write_wheel(tmp_path / "dist", manifest(DOMAIN, version=None))

    with pytest.raises(OperatorError) as refused:
        install(str(wheel))

    message = str(refused.value)
    assert f"Refused to install {wheel}: the check found 1 problem" in message
    assert f"{PACKAGE}/manifest.json" in message
    assert "an integration that does not ship with linli must state its version" in message


@pytest.mark.usefixtures("pip_forbidden")
def test_install_refuses_a_domain_a_built_in_already_has(
    tmp_path: Path, manifest: Manifest, built_in: str
) -> None:
    wheel = write_wheel(tmp_path / "dist", manifest(built_in, name="Porch light"))

    with pytest.raises(OperatorError) as refused:
        install(str(wheel))

    assert str(refused.value) == (
        f"Refused to install {wheel}: its integration {built_in} has the domain of the "
        "integration 'Porch light' from built-in; a domain names one integration only"
    )


@pytest.mark.usefixtures("pip_forbidden")
@pytest.mark.parametrize("spec", ["not a package!", "./missing-folder/"])
def test_install_refuses_what_is_neither_file_folder_nor_name(spec: str) -> None:
    with pytest.raises(OperatorError, match="is neither a file, a folder nor a package name"):
        install(spec)


# -- uninstall refuses -----------------------------------------------------------------------


@pytest.mark.usefixtures("pip_forbidden")
def test_uninstall_refuses_built_ins_linli_itself_and_unknown_names(built_in: str) -> None:
    with pytest.raises(OperatorError) as refused:
        uninstall(built_in)
    assert str(refused.value) == (
        f"{built_in} (Porch light) is built into linli and cannot be uninstalled; to stop "
        "using it, remove its configuration from the community"
    )

    with pytest.raises(OperatorError, match="linli is the hub itself"):
        uninstall("linli")
    with pytest.raises(OperatorError, match="No installed integration or package is called"):
        uninstall("no_such_thing")
    with pytest.raises(OperatorError, match="pytest is installed but is not a linli integration"):
        uninstall("pytest")


# -- list ------------------------------------------------------------------------------------


@pytest.fixture
def installed_vendors(packages_dir: Path, write_files: WriteFiles, manifest: Manifest) -> Path:
    """Acme's working package, Shoddy's plugin that raises, Broken's bad manifest."""
    write_files(
        packages_dir,
        {
            **integration_files(
                manifest("acme_locker", vendor="Acme", data_categories=["identity"]),
                "acme_lockers",
            ),
            **integration_files(manifest("broken", iot_class="telepathy"), "broken_things"),
            "shoddy_alarms/__init__.py": "raise RuntimeError('licence server unreachable')\n",
            **dist_info("acme-lockers", "1.2.0", "[linli]\nacme_lockers = acme_lockers.plugin\n"),
            **dist_info("broken-things", "0.1", "[linli]\nbroken = broken_things.plugin\n"),
            **dist_info("shoddy-alarms", "0.1", "[linli]\nshoddy_alarms = shoddy_alarms\n"),
        },
    )
    return packages_dir


@pytest.mark.usefixtures("installed_vendors")
def test_list_shows_built_in_and_installed_integrations_and_what_is_broken(
    built_in: str,
) -> None:
    listing = list_integrations(None)

    rows = {row.domain: row for row in listing.rows}
    porch, acme = rows[built_in], rows["acme_locker"]
    assert (porch.source, porch.version, porch.state) == (BUILTIN, __version__, None)
    assert (acme.source, acme.version, acme.vendor) == ("acme-lockers", "1.0.0", "Acme")
    assert acme.data_categories == ("identity",)
    assert "broken" not in rows
    (problem,) = [p for p in listing.problems if p.domain == "broken"]
    assert problem.plugin == "broken"
    assert "field 'iot_class'" in problem.cause
    assert listing.failed_plugins["shoddy_alarms"] == (
        "RuntimeError: licence server unreachable (from shoddy-alarms 0.1)"
    )
    assert listing.config_dir is None


def test_a_community_without_a_database_yet_has_no_entries(tmp_path: Path) -> None:
    (tmp_path / CONFIG_FILE).write_text("community:\n  name: 新小区\n", encoding="utf-8")

    assert configured_entries(tmp_path) == {}
    assert not (tmp_path / "linli.db").exists()  # read-only: nothing created


# -- install, list, uninstall for real ------------------------------------------------------


@pytest.fixture
def cleanup_install() -> Iterator[None]:
    """Whatever happens in the test, the test environment is left without the package."""
    yield
    subprocess.run(
        [sys.executable, "-m", "pip", "uninstall", "--yes", DISTRIBUTION],
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.usefixtures("cleanup_install")
def test_install_refuses_a_folder_whose_wheel_leaves_out_the_manifest(
    vendor_package: Callable,
) -> None:
    folder = vendor_package(package_data=False)

    with pytest.raises(OperatorError) as refused:
        install(str(folder))

    message = str(refused.value)
    assert f"Refused to install {folder}: the wheel built from it fails the check" in message
    assert "no integration found" in message
    assert operator._installed_version(DISTRIBUTION) is None


@pytest.mark.slow
@pytest.mark.usefixtures("cleanup_install")
def test_install_list_and_uninstall_a_vendor_package(
    tmp_path: Path, vendor_package: Callable
) -> None:
    folder = vendor_package(data_categories=["presence"])

    installed = install(str(folder))

    assert (installed.distribution, installed.version) == (DISTRIBUTION, "1.0.0")
    (manifest,) = installed.integrations
    assert (manifest.domain, manifest.version, manifest.vendor) == (DOMAIN, "1.0.0", "Porch Co")

    listed = run_linli("integration", "list", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = {row["domain"]: row for row in json.loads(listed.stdout)["integrations"]}
    assert rows[DOMAIN]["source"] == DISTRIBUTION
    assert rows[DOMAIN]["data_categories"] == ["presence"]

    removed = uninstall(DOMAIN)

    assert (removed.distribution, removed.version, removed.domains) == (
        DISTRIBUTION,
        "1.0.0",
        (DOMAIN,),
    )
    listed = run_linli("integration", "list", "--json", cwd=tmp_path)
    assert DOMAIN not in {row["domain"] for row in json.loads(listed.stdout)["integrations"]}
