"""``check_package``: every problem of a vendor package, each with its file and field.

Each test breaks a freshly scaffolded package in one way, as a vendor might.
"""

import json
from pathlib import Path
from typing import Any

import pytest

from linli.toolkit.check import Problem, check_package
from linli.toolkit.scaffold import scaffold

PACKAGE = "src/linli_water_leak"
MANIFEST = f"{PACKAGE}/manifest.json"
EN = f"{PACKAGE}/translations/en.json"
ZH = f"{PACKAGE}/translations/zh-Hans.json"


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return scaffold("water_leak", tmp_path)


def edit_json(path: Path, change: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def edit_text(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def places(problems: list[Problem]) -> list[tuple[str, str | None]]:
    return [(problem.where, problem.field) for problem in problems]


def test_a_missing_translation_key_is_named_with_file_and_key(package: Path) -> None:
    edit_json(package / EN, lambda texts: texts["config"]["error"].pop("invalid_host"))

    (problem,) = check_package(package)
    assert (problem.where, problem.field) == (EN, "config.error.invalid_host")
    assert "error 'invalid_host' (config_flow.py, line" in problem.message
    assert str(problem).startswith(f"{EN}, 'config.error.invalid_host': missing")


def test_a_scaffolded_package_passes(package: Path) -> None:
    assert check_package(package) == []


def test_a_missing_field_label_is_named_with_file_and_key(package: Path) -> None:
    edit_json(package / EN, lambda texts: texts["config"]["step"]["user"]["data"].pop("host"))

    (problem,) = check_package(package)
    assert (problem.where, problem.field) == (EN, "config.step.user.data.host")
    assert "the label of field 'host' (config_flow.py, line" in problem.message


def test_fields_belong_to_the_step_that_builds_or_names_their_schema(package: Path) -> None:
    edit_text(
        package / PACKAGE / "config_flow.py",
        "class Water",
        'PORT_SCHEMA = vol.Schema({vol.Optional("port", default=80): int})\n\n\n'
        "def _token_schema():\n"
        '    return vol.Schema({vol.Required("token"): str})\n\n\n'
        "class WaterLeakOptionsFlow(OptionsFlow):\n"
        '    INTERVAL = vol.Schema({vol.Required("interval"): int})\n\n'
        "    async def async_step_init(self, user_input=None):\n"
        '        return self.show_form("init", self.INTERVAL)\n\n\n'
        "class Water",
    )
    edit_text(
        package / PACKAGE / "config_flow.py",
        '        return self.show_form("user", vol',
        "        if user_input == {}:\n"
        '            return self.show_form("user", PORT_SCHEMA)\n'
        '        return self.show_form("user", vol',
    )
    edit_text(package / PACKAGE / "config_flow.py", "ConfigFlow\n", "ConfigFlow, OptionsFlow\n")

    def add_options(texts: dict[str, Any]) -> None:
        texts["options"] = {"step": {"init": {"title": "Options"}}}

    edit_json(package / EN, add_options)
    edit_json(package / ZH, add_options)
    edit_json(
        package / ZH,
        lambda texts: texts["options"]["step"]["init"].update(
            data={"token": "令牌", "interval": "间隔"}
        ),
    )
    expected = {
        (EN, "config.step.user.data.port"),
        (EN, "options.step.init.data.interval"),
        (EN, "*.step.*.data.token"),
        (ZH, "config.step.user.data.port"),
    }
    assert set(places(check_package(package))) == expected


def test_a_missing_language_is_reported(package: Path) -> None:
    (package / ZH).unlink()
    assert places(check_package(package)) == [(ZH, None)]


def test_every_step_error_and_abort_of_the_flow_needs_texts(package: Path) -> None:
    edit_text(
        package / PACKAGE / "config_flow.py",
        '            errors[CONF_HOST] = "invalid_host"\n',
        '            errors[CONF_HOST] = "invalid_host"\n'
        "        if user_input == {}:\n"
        '            raise AbortFlow("no_devices")\n'
        "        return await self.async_step_cloud()\n\n"
        "    async def async_step_cloud(self, user_input=None):\n"
        "        if user_input is None:\n"
        '            return self.show_form("cloud", errors={"base": "cloud_down"})\n'
        '        return self.abort(reason="not_supported")\n\n'
        "    async def _unused(self):\n",
    )
    edit_text(
        package / PACKAGE / "config_flow.py",
        "from linli.flows import FlowResult\n",
        "from linli.exceptions import AbortFlow\nfrom linli.flows import FlowResult\n",
    )
    expected = [
        "config.step.cloud",
        "config.error.cloud_down",
        "config.abort.no_devices",
        "config.abort.not_supported",
    ]
    problems = check_package(package)
    assert sorted(places(problems)) == sorted(
        [(ZH, key) for key in expected] + [(EN, key) for key in expected]
    )


def test_the_framework_aborts_of_unique_ids_need_texts(package: Path) -> None:
    for path in (package / EN, package / ZH):
        edit_json(path, lambda texts: texts["config"].pop("abort"))
    assert sorted(places(check_package(package))) == [
        (EN, "config.abort.already_configured"),
        (EN, "config.abort.already_in_progress"),
        (ZH, "config.abort.already_configured"),
        (ZH, "config.abort.already_in_progress"),
    ]


def test_entity_names_and_the_integration_name_need_texts(package: Path) -> None:
    edit_json(package / EN, lambda texts: texts.pop("name"))
    edit_json(package / ZH, lambda texts: texts["entity"]["sensor"].pop("status"))
    problems = check_package(package)
    assert places(problems) == [(ZH, "entity.sensor.status.name"), (EN, "name")]
    assert f"entity name 'status' ({PACKAGE}/sensor.py, line" in problems[0].message


def test_an_unpinned_requirement_is_refused(package: Path) -> None:
    edit_json(package / MANIFEST, lambda m: m.update(requirements=["aquaguard-sdk>=1.2"]))
    (problem,) = check_package(package)
    assert (problem.where, problem.field) == (MANIFEST, "requirements")
    assert "must be pinned to one version with ==" in problem.message


def test_config_flow_declared_but_missing(package: Path) -> None:
    (package / PACKAGE / "config_flow.py").unlink()
    problems = check_package(package)
    assert places(problems) == [(MANIFEST, "config_flow")]
    assert f"declared true, but there is no {PACKAGE}/config_flow.py" in problems[0].message


def test_config_flow_present_but_not_declared(package: Path) -> None:
    edit_json(package / MANIFEST, lambda m: m.update(config_flow=False))
    (problem,) = check_package(package)
    assert (problem.where, problem.field) == (MANIFEST, "config_flow")
    assert 'must say "config_flow": true' in problem.message


def test_a_health_sensor_needs_the_health_category(package: Path) -> None:
    edit_text(
        package / PACKAGE / "sensor.py",
        '    _attr_name = "Status"\n',
        '    _attr_name = "Status"\n    _attr_device_class = SensorDeviceClass.heart_rate\n',
    )
    (problem,) = check_package(package)
    assert (problem.where, problem.field) == (MANIFEST, "data_categories")
    assert "exposes health data ('heart_rate' (src/linli_water_leak/sensor.py, line" in (
        problem.message
    )

    edit_json(package / MANIFEST, lambda m: m.update(data_categories=["health"]))
    assert check_package(package) == []


def test_a_tracker_platform_needs_the_location_category(package: Path) -> None:
    edit_text(package / PACKAGE / "__init__.py", '["sensor"]', '["sensor", "device_tracker"]')
    (problem,) = check_package(package)
    assert (problem.where, problem.field) == (MANIFEST, "data_categories")
    assert "exposes location data ('device_tracker' (src/linli_water_leak/__init__.py, line" in (
        problem.message
    )


def test_location_attributes_need_the_location_category(package: Path) -> None:
    edit_text(
        package / PACKAGE / "sensor.py",
        '        self._attr_native_value = "online"\n',
        '        self._attr_native_value = "online"\n'
        '        self._attr_extra_state_attributes = {"latitude": 31.2, "longitude": 121.5}\n',
    )
    (problem,) = check_package(package)
    assert "exposes location data ('latitude'" in problem.message


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"integration_type": "gadget"}, "integration_type", "expected one of system, device"),
        ({"version": None}, "version", "must state its version"),
        ({"data_categories": ["medical"]}, "data_categories", "expected one of health, location"),
        ({"iot_clas": "local_push"}, "iot_clas", "did you mean 'iot_class'?"),
    ],
)
def test_an_invalid_manifest_field_is_named(
    package: Path, change: dict[str, Any], field: str, message: str
) -> None:
    def apply(manifest: dict[str, Any]) -> None:
        manifest.update(change)
        for key in [key for key, value in change.items() if value is None]:
            del manifest[key]

    edit_json(package / MANIFEST, apply)
    problems = [problem for problem in check_package(package) if problem.where == MANIFEST]
    assert [problem.field for problem in problems] == [field]
    assert message in problems[0].message


def test_a_manifest_that_is_not_json_is_reported_once(package: Path) -> None:
    (package / MANIFEST).write_text('{"domain": "water_leak",', encoding="utf-8")
    problems = check_package(package)
    assert places(problems) == [(MANIFEST, None), (MANIFEST, "config_flow")]
    assert "invalid JSON" in problems[0].message


def test_a_package_without_the_linli_entry_point_is_refused(package: Path) -> None:
    edit_text(package / "pyproject.toml", "[project.entry-points.linli]\n", "[other]\n")
    (problem,) = check_package(package)
    assert (problem.where, problem.field) == ("pyproject.toml", "project.entry-points.linli")
    assert "the hub cannot find the plugin" in problem.message


def test_the_plugin_must_offer_the_integration(package: Path) -> None:
    edit_text(package / PACKAGE / "plugin.py", '["linli_water_leak"]', '["linli_water_leek"]')
    assert places(check_package(package)) == [("pyproject.toml", "project.entry-points.linli")]


def test_versions_of_manifest_and_package_must_match(package: Path) -> None:
    edit_text(package / "pyproject.toml", 'version = "0.1.0"', 'version = "0.2.0"')
    (problem,) = check_package(package)
    assert (problem.where, problem.field) == (MANIFEST, "version")
    assert "'0.1.0' differs from the package's version '0.2.0' in pyproject.toml" in (
        problem.message
    )


def test_broken_python_is_reported_once_with_its_line(package: Path) -> None:
    (package / PACKAGE / "config_flow.py").write_text("class Broken(\n", encoding="utf-8")
    problems = check_package(package)
    assert places(problems)[0] == (f"{PACKAGE}/config_flow.py", None)
    assert problems[0].message.startswith("line 1: invalid Python")
    assert len([p for p in problems if "invalid Python" in p.message]) == 1


def test_every_problem_is_listed_none_stops_the_others(package: Path) -> None:
    edit_json(package / MANIFEST, lambda m: m.update(version="one", requirements=["x"]))
    (package / ZH).unlink()
    edit_json(package / EN, lambda texts: texts["config"].pop("step"))
    edit_text(package / "pyproject.toml", "[project.entry-points.linli]\n", "[other]\n")
    assert places(check_package(package)) == [
        (MANIFEST, "version"),
        (MANIFEST, "requirements"),
        (ZH, None),
        (EN, "config.step.user"),
        ("pyproject.toml", "project.entry-points.linli"),
    ]


def test_the_integration_folder_itself_can_be_checked(package: Path) -> None:
    assert check_package(package / PACKAGE) == []
    (package / PACKAGE / "translations" / "en.json").unlink()
    assert places(check_package(package / PACKAGE)) == [("translations/en.json", None)]


def test_a_folder_without_an_integration_is_reported(tmp_path: Path) -> None:
    (problem,) = check_package(tmp_path)
    assert problem.where == "."
    assert "no integration found" in problem.message


def test_an_unpacked_wheel_declares_its_plugin_in_its_entry_points(package: Path) -> None:
    built = package.parent / "unpacked"
    (built / "linli_water_leak-0.1.0.dist-info").mkdir(parents=True)
    (package / PACKAGE).rename(built / "linli_water_leak")
    entry_points = built / "linli_water_leak-0.1.0.dist-info" / "entry_points.txt"
    entry_points.write_text("[linli]\nwater_leak = linli_water_leak.plugin\n", encoding="utf-8")
    assert check_package(built) == []

    entry_points.write_text("[console_scripts]\nleak = linli_water_leak.cli:main\n")
    (problem,) = check_package(built)
    assert (problem.where, problem.field) == (
        "linli_water_leak-0.1.0.dist-info/entry_points.txt",
        "linli",
    )
