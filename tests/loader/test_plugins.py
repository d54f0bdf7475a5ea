"""Plugins: built-in and vendor integrations come in through one hook, and a broken plugin,
a broken manifest or a domain offered twice is set aside without hiding the rest."""

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import linli.blueprints
import linli.integrations
from linli.exceptions import IntegrationError
from linli.hub import Hub
from linli.loader.catalog import IntegrationCatalog
from linli.loader.setup import IntegrationState
from linli.plugins import PluginManager, create_plugin_manager, hookimpl
from linli.plugins.builtin import discover_integrations
from linli.testing.plugin import HubFactory
from linli.testing.processes import dist_info

BUILTIN_PLUGIN = "linli.plugins.builtin"
TEST_PLUGIN = "test_integrations"  # the name tests/conftest.py registers its plugin under

WriteFiles = Callable[[Path, dict[str, Any]], None]
Manifest = Callable[..., dict[str, Any]]


def contributed_domains(catalog: IntegrationCatalog) -> list[str]:
    """The domains the test plugin contributed (the built-in integrations are there too)."""
    return [item.domain for item in catalog.all() if item.plugin == TEST_PLUGIN]


@pytest.fixture
def vendor_packages(packages_dir: Path, write_files: WriteFiles, manifest: Manifest) -> Path:
    """Two vendors' pip-installed packages: Acme's works, Shoddy's raises on import."""
    write_files(
        packages_dir / "acme_lockers",
        {
            "__init__.py": "",
            "plugin.py": """\
                from linli.plugins import hookimpl

                @hookimpl
                def linli_integrations():
                    return ["acme_lockers.integration"]
            """,
            "integration/__init__.py": """\
                async def async_setup(hub, config):
                    hub.data["acme_locker"] = "ready"
                    return True
            """,
            "integration/manifest.json": manifest("acme_locker", vendor="Acme"),
        },
    )
    write_files(
        packages_dir,
        {
            "shoddy_alarms/__init__.py": "raise RuntimeError('licence server unreachable')\n",
            **dist_info("acme-lockers", "1.2.0", "[linli]\nacme_lockers = acme_lockers.plugin\n"),
            **dist_info("shoddy-alarms", "0.1", "[linli]\nshoddy_alarms = shoddy_alarms\n"),
        },
    )
    return packages_dir


def test_default_plugin_comes_first_and_ships_the_blueprints() -> None:
    manager = create_plugin_manager(entry_points=False)

    assert [name for name, _ in manager.list_name_plugin()] == [BUILTIN_PLUGIN]
    assert manager.hook.linli_blueprints() == [[Path(linli.blueprints.__file__).parent]]


def test_discovery_finds_folders_with_a_manifest(
    packages_dir: Path, write_files: WriteFiles, manifest: Manifest
) -> None:
    write_files(
        packages_dir / "shipped",
        {
            "__init__.py": "",
            "smoke_alarm/__init__.py": "",
            "smoke_alarm/manifest.json": manifest("smoke_alarm"),
            "air_quality/__init__.py": "",
            "air_quality/manifest.json": manifest("air_quality"),
            "helpers/__init__.py": "",
            "notes/manifest.json": manifest("notes"),  # not a package
        },
    )
    import shipped  # written just above

    assert discover_integrations(shipped) == ["shipped.air_quality", "shipped.smoke_alarm"]


def test_built_in_integration_takes_the_plugin_road(
    tmp_path: Path,
    packages_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    write_files: WriteFiles,
    manifest: Manifest,
) -> None:
    shipped = tmp_path / "shipped"
    write_files(
        shipped / "air_quality",
        {
            "__init__.py": "CALCULATED = True\n",
            "manifest.json": manifest("air_quality", version=None, iot_class="calculated"),
        },
    )
    monkeypatch.setattr(
        linli.integrations, "__path__", [*linli.integrations.__path__, str(shipped)]
    )

    catalog = IntegrationCatalog(create_plugin_manager(entry_points=False))

    air_quality = catalog.get("air_quality")
    assert air_quality is not None
    assert (air_quality.builtin, air_quality.plugin) == (True, BUILTIN_PLUGIN)
    assert air_quality.package == "linli.integrations.air_quality"
    assert air_quality.module.CALCULATED is True
    assert catalog.problems == []


def test_vendor_plugin_loads_through_its_entry_point_and_a_broken_one_is_isolated(
    vendor_packages: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="linli.plugins"):
        manager = create_plugin_manager()

    assert manager.has_plugin("acme_lockers")
    assert not manager.has_plugin("shoddy_alarms")
    assert manager.failed_plugins == {
        "shoddy_alarms": "RuntimeError: licence server unreachable (from shoddy-alarms 0.1)"
    }
    assert "Plugin shoddy_alarms could not be loaded" in caplog.text
    assert "licence server unreachable" in caplog.text
    assert [
        (dist.metadata["Name"], dist.version) for _, dist in manager.list_plugin_distributions()
    ] == [("acme-lockers", "1.2.0")]

    acme = IntegrationCatalog(manager).get("acme_locker")
    assert acme is not None
    assert (acme.builtin, acme.plugin, acme.manifest.vendor) == (False, "acme_lockers", "Acme")


async def test_hub_sets_up_a_pip_installed_vendor_integration(
    vendor_packages: Path, hub_factory: HubFactory
) -> None:
    hub = await hub_factory()

    assert await hub.integrations.setup(["acme_locker"]) == {"acme_locker": IntegrationState.loaded}
    assert hub.data["acme_locker"] == "ready"
    assert "shoddy_alarms" in hub.plugins.failed_plugins


def test_blocked_plugin_is_not_loaded(vendor_packages: Path) -> None:
    manager = create_plugin_manager(entry_points=False)
    manager.set_blocked("acme_lockers")

    assert manager.load_entry_points() == 0
    assert not manager.has_plugin("acme_lockers")
    assert "shoddy_alarms" in manager.failed_plugins


def test_broken_manifest_is_set_aside_and_the_rest_stays(
    integration: Callable[..., str], plugins: PluginManager, packages_dir: Path
) -> None:
    integration("smoke_alarm")
    integration("acme_locker", integration_type="gadget")

    catalog = IntegrationCatalog(plugins)

    assert contributed_domains(catalog) == ["smoke_alarm"]
    (problem,) = catalog.problems
    assert (problem.plugin, problem.domain) == ("test_integrations", "acme_locker")
    assert problem.cause == (
        f"{packages_dir / 'acme_locker' / 'manifest.json'}: field 'integration_type': "
        "expected one of system, device, service, got 'gadget'"
    )


def test_domain_offered_twice_keeps_the_first(
    integration: Callable[..., str],
    plugins: PluginManager,
    packages_dir: Path,
    write_files: WriteFiles,
    manifest: Manifest,
) -> None:
    integration("smoke_alarm")
    write_files(
        packages_dir / "rival_smoke",
        {"__init__.py": "", "manifest.json": manifest("smoke_alarm")},
    )

    class Rival:
        @hookimpl
        def linli_integrations(self) -> list[str]:
            return ["rival_smoke"]

    plugins.register(Rival(), name="rival")

    catalog = IntegrationCatalog(plugins)

    assert catalog.get("smoke_alarm").package == "smoke_alarm"
    (problem,) = catalog.problems_of("smoke_alarm")
    assert problem.plugin == "rival"
    assert "already provided by smoke_alarm (plugin test_integrations)" in problem.cause


def test_plugin_whose_hook_raises_or_names_a_missing_package_is_set_aside(
    integration: Callable[..., str], plugins: PluginManager
) -> None:
    class Crashing:
        @hookimpl
        def linli_integrations(self) -> list[str]:
            raise OSError("vendor folder not mounted")

    class Typo:
        @hookimpl
        def linli_integrations(self) -> list[str]:
            return ["acme_lockrs.integration"]

    integration("smoke_alarm")
    plugins.register(Crashing(), name="crashing")
    plugins.register(Typo(), name="typo")

    catalog = IntegrationCatalog(plugins)

    assert contributed_domains(catalog) == ["smoke_alarm"]
    assert [(p.plugin, p.cause) for p in catalog.problems] == [
        ("crashing", "OSError: vendor folder not mounted"),
        ("typo", "package acme_lockrs.integration cannot be found: No module named 'acme_lockrs'"),
    ]


def test_catalog_sees_a_plugin_registered_after_it_was_built(
    integration: Callable[..., str], plugins: PluginManager
) -> None:
    catalog = IntegrationCatalog(plugins)
    assert contributed_domains(catalog) == []

    integration("smoke_alarm")
    catalog.reload()

    assert catalog.get("smoke_alarm") is not None


async def test_module_is_imported_on_first_use_and_an_import_error_names_it(
    integration: Callable[..., str], hub: Hub
) -> None:
    integration("acme_locker", "import acme_sdk_not_installed\n")

    acme = hub.integrations.catalog.get("acme_locker")
    assert acme is not None  # its manifest is fine; nothing was imported yet
    with pytest.raises(IntegrationError) as raised:
        _ = acme.module
    assert str(raised.value) == (
        "Integration acme_locker cannot be imported from acme_locker: "
        "ModuleNotFoundError: No module named 'acme_sdk_not_installed'"
    )

    await hub.integrations.setup(["acme_locker"])
    assert hub.integrations.failures["acme_locker"] == str(raised.value)


def test_platform_modules_are_imported_from_the_package(
    integration: Callable[..., str],
    plugins: PluginManager,
    packages_dir: Path,
    write_files: WriteFiles,
) -> None:
    integration("smoke_alarm")
    write_files(packages_dir / "smoke_alarm", {"sensor.py": "PLATFORM = 'sensor'\n"})
    smoke = IntegrationCatalog(plugins).get("smoke_alarm")

    assert smoke.import_platform("sensor").PLATFORM == "sensor"
    with pytest.raises(IntegrationError, match=r"smoke_alarm \(its lock module\)"):
        smoke.import_platform("lock")


def test_translations_default_to_chinese_with_english_for_gaps(
    integration: Callable[..., str],
    plugins: PluginManager,
    packages_dir: Path,
    write_files: WriteFiles,
) -> None:
    integration("acme_locker")
    write_files(
        packages_dir / "acme_locker" / "translations",
        {
            "zh-Hans.json": {"title": "快递柜", "config": {"step": {"user": {"title": "连接"}}}},
            "en.json": {
                "title": "Parcel lockers",
                "config": {"step": {"user": {"title": "Connect", "description": "Address"}}},
            },
        },
    )
    acme = IntegrationCatalog(plugins).get("acme_locker")

    assert acme.translations() == {
        "title": "快递柜",
        "config": {"step": {"user": {"title": "连接", "description": "Address"}}},
    }
    assert acme.translations("en")["title"] == "Parcel lockers"
    assert acme.translations("fr")["title"] == "Parcel lockers"


def test_translation_file_that_is_not_json_is_named(
    integration: Callable[..., str],
    plugins: PluginManager,
    packages_dir: Path,
    write_files: WriteFiles,
) -> None:
    integration("acme_locker")
    path = packages_dir / "acme_locker" / "translations" / "en.json"
    write_files(path.parent, {"en.json": '{"title": "Parcel lockers",}'})

    with pytest.raises(
        IntegrationError, match=re.escape(f"{path}, line 1, column 28: invalid JSON")
    ):
        IntegrationCatalog(plugins).get("acme_locker").translations()
