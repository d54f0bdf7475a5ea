"""Blueprints in the Home Assistant format: Home Assistant's motion-activated light read and
run against linli's entities; every kind of broken blueprint and wrong input refused with a
message that names it; the library of blueprints from plugins, the config folder and imports.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import voluptuous as vol
from blueprint_helpers import BlueprintPlugin, Lights, blueprint_text, write

from linli.automation.blueprints import (
    Blueprint,
    BlueprintError,
    BlueprintLibrary,
    Input,
    load_blueprint,
)
from linli.automation.selectors import TEMPLATE_REFUSED, selector
from linli.hub import Hub
from linli.testing import fire_time_changed, settle

SHIPPED = Path(__file__).resolve().parents[2] / "blueprints"
MOTION_LIGHT = "linli/motion_light.yaml"


@pytest.fixture
async def library(hub: Hub) -> BlueprintLibrary:
    library = BlueprintLibrary(hub)
    await library.load()
    return library


@pytest.fixture
def home(hub: Hub) -> Hub:
    """A hall with a motion sensor, a door sensor and two lights."""
    hub.states.set("binary_sensor.hall_motion", "off", {"device_class": "motion"})
    hub.states.set("binary_sensor.hall_door", "off", {"device_class": "door"})
    hub.states.set("light.hall", "off")
    hub.states.set("light.porch", "off")
    return hub


def motion_light(library: BlueprintLibrary) -> Blueprint:
    return library.get(MOTION_LIGHT)


# -- Home Assistant's motion-activated light -------------------------------------------------


async def test_the_motion_light_reads_as_home_assistant_wrote_it(
    library: BlueprintLibrary,
) -> None:
    blueprint = motion_light(library)

    assert blueprint.path == MOTION_LIGHT
    assert blueprint.domain == "automation"
    assert list(blueprint.inputs) == ["motion_entity", "light_target", "no_motion_wait"]
    wait = blueprint.inputs["no_motion_wait"]
    assert (wait.default, wait.has_default, wait.label) == (120, True, "Wait time")
    assert wait.selector == selector(
        {"number": {"min": 0, "max": 3600, "unit_of_measurement": "seconds"}}
    )
    assert not blueprint.inputs["motion_entity"].has_default
    assert blueprint.config["mode"] == "restart"
    assert blueprint.config["max_exceeded"] == "silent"
    assert blueprint.config["triggers"][0]["entity_id"] == Input("motion_entity")
    shown = blueprint.as_dict()
    assert shown["inputs"][0]["selector"] == {
        "entity": {"filter": [{"domain": "binary_sensor", "device_class": "motion"}]}
    }


async def test_its_inputs_fill_in_an_automation_of_real_entities(
    home: Hub, library: BlueprintLibrary
) -> None:
    blueprint = motion_light(library)

    config = blueprint.substitute(
        {"motion_entity": "binary_sensor.hall_motion", "light_target": {"entity_id": "light.hall"}},
        home,
    )

    assert config == {
        "mode": "restart",
        "max_exceeded": "silent",
        "triggers": [
            {
                "trigger": "state",
                "entity_id": "binary_sensor.hall_motion",
                "from": "off",
                "to": "on",
            }
        ],
        "actions": [
            {"action": "light.turn_on", "target": {"entity_id": "light.hall"}},
            {
                "wait_for_trigger": [
                    {
                        "trigger": "state",
                        "entity_id": "binary_sensor.hall_motion",
                        "from": "on",
                        "to": "off",
                    }
                ]
            },
            {"delay": {"seconds": 120}},  # the default
            {"action": "light.turn_off", "target": {"entity_id": "light.hall"}},
        ],
    }
    # Each automation gets its own copy: changing one changes neither the blueprint nor another.
    config["actions"][0]["target"]["entity_id"] = "light.porch"
    again = blueprint.substitute(
        {
            "motion_entity": "binary_sensor.hall_motion",
            "light_target": {"entity_id": ["light.hall", "light.porch"]},
            "no_motion_wait": 30,
        },
        home,
    )
    assert again["actions"][0]["target"] == {"entity_id": ["light.hall", "light.porch"]}
    assert again["actions"][2] == {"delay": {"seconds": 30}}
    assert blueprint.config["actions"][0]["target"] == Input("light_target")


async def test_it_runs_an_automation_that_turns_the_hall_light_on_and_off(home: Hub) -> None:
    lights = Lights(home)
    home.automations.create(
        {
            "id": "hall_light",
            "alias": "Hall light",
            "use_blueprint": {
                "path": MOTION_LIGHT,
                "input": {
                    "motion_entity": "binary_sensor.hall_motion",
                    "light_target": {"entity_id": "light.hall"},
                    "no_motion_wait": 60,
                },
            },
        },
        owner_id=None,
    )

    home.states.set("binary_sensor.hall_motion", "on", {"device_class": "motion"})
    await settle(home)
    assert lights.state("light.hall") == "on"

    home.states.set("binary_sensor.hall_motion", "off", {"device_class": "motion"})
    await settle(home)
    fire_time_changed(home, timedelta(seconds=30))
    await settle(home)
    assert lights.state("light.hall") == "on"  # still within the wait

    # Motion again restarts the run: the wait starts over from the new motion.
    home.states.set("binary_sensor.hall_motion", "on", {"device_class": "motion"})
    await settle(home)
    home.states.set("binary_sensor.hall_motion", "off", {"device_class": "motion"})
    await settle(home)
    fire_time_changed(home, timedelta(seconds=45))
    await settle(home)
    assert lights.state("light.hall") == "on"
    fire_time_changed(home, timedelta(seconds=20))
    await settle(home)
    assert lights.state("light.hall") == "off"
    assert [service for service, _ in lights.calls] == ["turn_on", "turn_on", "turn_off"]


# -- wrong inputs ------------------------------------------------------------------------------

GOOD_INPUTS: dict[str, Any] = {
    "motion_entity": "binary_sensor.hall_motion",
    "light_target": {"entity_id": "light.hall"},
}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"motoin_entity": "binary_sensor.hall_motion"},
            "unknown input 'motoin_entity' (did you mean 'motion_entity'?); the blueprint's "
            "inputs are motion_entity, light_target, no_motion_wait",
        ),
        ({"motion_entity": None}, "input 'motion_entity': expected an entity id"),
        (
            {"motion_entity": "light.hall"},
            "input 'motion_entity': light.hall is a light; "
            "expected a binary_sensor with device_class motion",
        ),
        (
            {"motion_entity": "binary_sensor.hall_door"},
            "input 'motion_entity': binary_sensor.hall_door is a binary_sensor with "
            "device_class door; expected a binary_sensor with device_class motion",
        ),
        (
            {"motion_entity": "binary_sensor.attic_motion"},
            "input 'motion_entity': there is no entity binary_sensor.attic_motion",
        ),
        (
            {"light_target": {"entity_id": ["light.hall", "light.cellar"]}},
            "input 'light_target': there is no entity light.cellar",
        ),
        (
            {"light_target": {"entity_id": "binary_sensor.hall_door"}},
            "input 'light_target': binary_sensor.hall_door is a binary_sensor; expected a light",
        ),
        (
            {"light_target": {"entity": "light.hall"}},
            "input 'light_target': unknown target 'entity'",
        ),
        (
            {"light_target": "light.hall"},
            "input 'light_target': expected a target such as {entity_id: light.hall}",
        ),
        (
            {"no_motion_wait": 7200},
            "input 'no_motion_wait': 7200 is above the maximum 3600 seconds",
        ),
        ({"no_motion_wait": -1}, "input 'no_motion_wait': -1 is below the minimum 0 seconds"),
        ({"no_motion_wait": "soon"}, "input 'no_motion_wait': expected a number, got 'soon'"),
    ],
)
async def test_a_wrong_input_is_named(
    home: Hub, library: BlueprintLibrary, changes: dict[str, Any], message: str
) -> None:
    inputs = {**GOOD_INPUTS, **changes}
    with pytest.raises(BlueprintError) as caught:
        motion_light(library).substitute(inputs, home)
    assert str(caught.value).startswith(f"blueprint {MOTION_LIGHT}: {message}")


async def test_a_missing_input_is_named(home: Hub, library: BlueprintLibrary) -> None:
    blueprint = motion_light(library)
    with pytest.raises(BlueprintError, match=r"input 'motion_entity' is missing$") as caught:
        blueprint.substitute({"light_target": {"entity_id": "light.hall"}}, home)
    assert caught.value.input_name == "motion_entity"
    with pytest.raises(BlueprintError, match="inputs 'motion_entity', 'light_target' are missing"):
        blueprint.substitute({}, home)


async def test_without_the_hub_only_what_the_value_itself_shows_is_checked(
    library: BlueprintLibrary,
) -> None:
    blueprint = motion_light(library)
    # No hub: an entity that does not exist passes (the automation checks it when created) …
    config = blueprint.substitute({**GOOD_INPUTS, "motion_entity": "binary_sensor.attic_motion"})
    assert config["triggers"][0]["entity_id"] == "binary_sensor.attic_motion"
    # … but its domain is in its id.
    with pytest.raises(
        BlueprintError, match=re.escape("switch.fan is a switch; expected a binary_sensor")
    ):
        blueprint.substitute({**GOOD_INPUTS, "motion_entity": "switch.fan"})


async def test_a_use_blueprint_with_a_wrong_input_is_refused_and_the_hub_runs_on(
    home: Hub,
) -> None:
    from linli.automation.manager import AutomationError

    with pytest.raises(AutomationError, match=re.escape("there is no entity light.cellar")) as no:
        home.automations.create(
            {
                "use_blueprint": {
                    "path": MOTION_LIGHT,
                    "input": {**GOOD_INPUTS, "light_target": {"entity_id": "light.cellar"}},
                }
            },
            owner_id=None,
        )
    assert no.value.field == "use_blueprint.input.light_target"  # the form shows it there
    with pytest.raises(
        AutomationError, match=re.escape("no blueprint 'linli/motion_lite.yaml'")
    ) as no:
        home.automations.create(
            {"use_blueprint": {"path": "linli/motion_lite.yaml", "input": GOOD_INPUTS}},
            owner_id=None,
        )
    assert no.value.field == "use_blueprint"
    assert list(home.automations) == []


# -- broken blueprints -----------------------------------------------------------------------

BROKEN = [
    pytest.param(
        blueprint_text(inputs="wait:\n  selector:\n    numbr: {max: 10}\n"),
        "line 10, column 7: blueprint.input.wait.selector: unknown selector 'numbr'; did you "
        "mean 'number'? (known: action, area, attribute, boolean",
        id="unknown selector",
    ),
    pytest.param(
        blueprint_text(inputs="wait:\n  selector:\n    number: {min: 10, max: 5}\n"),
        "line 11, column 18: blueprint.input.wait.selector.number.min: min 10 is above max 5",
        id="bad selector options",
    ),
    pytest.param(
        blueprint_text(inputs="wait:\n  selector:\n    number: {minimum: 1}\n"),
        "blueprint.input.wait.selector.number.minimum: unknown option of the number selector "
        "'minimum'",
        id="unknown selector option",
    ),
    pytest.param(
        blueprint_text(inputs="mode:\n  selector:\n    select: {options: []}\n"),
        "blueprint.input.mode.selector.select.options: expected a list of options, got a list",
        id="select without options",
    ),
    pytest.param(
        blueprint_text(inputs="greeting:\n  selector:\n    template: {}\n"),
        f"blueprint.input.greeting.selector: {TEMPLATE_REFUSED}",
        id="template selector",
    ),
    pytest.param(
        blueprint_text(body="conditions:\n  - condition: state\n    entity_id: !input dooor\n"),
        "line 18, column 16: !input dooor: no such input is declared (inputs: door)",
        id="undeclared input",
    ),
    pytest.param(
        blueprint_text(body="actions: !input\n"),
        "invalid YAML: !input takes the name of an input, e.g. !input motion_entity",
        id="input without a name",
    ),
    pytest.param(
        blueprint_text().replace("domain: automation", "domain: script"),
        "line 3, column 3: blueprint.domain: linli runs automation blueprints only, not 'script'",
        id="wrong domain",
    ),
    pytest.param(
        blueprint_text().replace("  name: Door chime\n", ""),
        "line 1, column 1: blueprint.name: required option is missing",
        id="no name",
    ),
    pytest.param(
        blueprint_text().replace("  domain: automation", "  domain: automation\n  autor: me"),
        "blueprint.autor: unknown option 'autor'; did you mean 'author'?",
        id="unknown option",
    ),
    pytest.param(
        blueprint_text().replace("  domain: automation", "  domain: automation\n  name: Twice"),
        "line 4, column 3: blueprint.name: written twice (also on line 2); remove one",
        id="duplicate key",
    ),
    pytest.param(
        blueprint_text().replace("      selector:", "      selector: [entity]\n      x:"),
        "blueprint.input.door.selector: expected one selector such as",
        id="selector not a mapping",
    ),
    pytest.param(
        blueprint_text().replace("entity_id: !input door", "entity_id: [!input door"),
        "line 12, column 7: invalid YAML: while parsing a flow sequence (line 11), expected ',' "
        "or ']', but got ':'",
        id="broken YAML",
    ),
    pytest.param(
        "triggers: []\n",
        "line 1: not a blueprint: it has no blueprint: section",
        id="not a blueprint",
    ),
    pytest.param("", "is empty", id="empty"),
]


@pytest.mark.parametrize(("text", "message"), BROKEN)
def test_a_broken_blueprint_is_refused_with_where_and_what(text: str, message: str) -> None:
    with pytest.raises(BlueprintError) as caught:
        load_blueprint(text, "chime.yaml")
    assert str(caught.value).startswith("chime.yaml")
    assert message in str(caught.value)


def test_every_problem_of_a_file_is_listed_by_line() -> None:
    text = blueprint_text(
        inputs="wait:\n  selector:\n    number: {min: 10, max: 5}\n",
        body="conditions:\n  - condition: state\n    entity_id: !input dooor\n",
    ).replace("domain: automation", "domain: script")
    with pytest.raises(BlueprintError) as caught:
        load_blueprint(text, "chime.yaml")
    assert str(caught.value) == (
        "chime.yaml has 3 problems:\n"
        "  line 3, column 3: blueprint.domain: linli runs automation blueprints only, "
        "not 'script'\n"
        "  line 11, column 18: blueprint.input.wait.selector.number.min: min 10 is above max 5\n"
        "  line 21, column 16: !input dooor: no such input is declared (inputs: door, wait)"
    )


def test_input_sections_are_flattened() -> None:
    text = blueprint_text(
        inputs="""\
        timing:
          name: Timing
          icon: mdi:timer
          collapsed: true
          input:
            quiet_from:
              default: "22:00:00"
              selector: {time: {}}
            chime_for:
              selector: {duration: {}}
        """,
        body="variables:\n  quiet: !input quiet_from\n  length: !input chime_for\n",
    )
    blueprint = load_blueprint(text, "chime.yaml")
    assert list(blueprint.inputs) == ["door", "quiet_from", "chime_for"]
    assert blueprint.inputs["quiet_from"].section == "timing"
    (section,) = blueprint.sections
    assert (section.name, section.label, section.collapsed, section.inputs) == (
        "timing",
        "Timing",
        True,
        ("quiet_from", "chime_for"),
    )
    config = blueprint.substitute({"door": "binary_sensor.front", "chime_for": {"seconds": 5}})
    assert config["variables"] == {"quiet": "22:00:00", "length": {"seconds": 5}}
    with pytest.raises(BlueprintError, match="input 'chime_for': a duration cannot be negative"):
        blueprint.substitute({"door": "binary_sensor.front", "chime_for": {"seconds": -5}})

    nested = text.replace("chime_for:\n", "chime_for:\n          input: {}\n", 1)
    with pytest.raises(BlueprintError, match="a section cannot hold another section"):
        load_blueprint(nested, "chime.yaml")


def test_an_input_of_no_options_takes_anything() -> None:
    text = blueprint_text(inputs="extra:\n", body="variables:\n  extra: !input extra\n")
    blueprint = load_blueprint(text, "chime.yaml")
    config = blueprint.substitute({"door": "binary_sensor.front", "extra": {"any": ["thing"]}})
    assert config["variables"] == {"extra": {"any": ["thing"]}}


# -- selectors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "value", "problem"),
    [
        ({"boolean": None}, True, None),
        ({"boolean": None}, "yes", "expected true or false, got 'yes'"),
        ({"text": {"multiline": True}}, "两行\n文字", None),
        ({"text": {"multiple": True}}, ["a", 3], "expected text, got 3"),
        ({"number": {"step": 5}}, 12.5, None),  # no min or max: any number
        ({"number": {"min": 1}}, True, "expected a number, got True"),
        ({"select": {"options": ["low", "high"]}}, "high", None),
        (
            {"select": {"options": [{"label": "低", "value": "low"}, "high"]}},
            "medium",
            "'medium' is not an option; expected low or high",
        ),
        ({"select": {"options": ["low"], "custom_value": True}}, "medium", None),
        ({"select": {"options": ["a", "b"], "multiple": True}}, ["a", "b"], None),
        ({"select": {"options": ["a", "b"], "multiple": True}}, "a", "expected a list of options"),
        ({"time": {}}, "07:30", None),
        ({"time": {}}, "23:59:59", None),
        ({"time": {}}, "24:00", "expected a time of day such as 07:30 or 22:00:00, got '24:00'"),
        ({"date": {}}, "2025-02-30", "expected a date such as 2025-10-01"),
        ({"datetime": {}}, "2025-10-01 07:30:00", None),
        ({"duration": {}}, {"hours": 1, "minutes": 30}, None),
        ({"duration": {}}, 90, None),
        ({"duration": {}}, {"minute": 5}, "unknown unit 'minute'; did you mean 'minutes'?"),
        ({"duration": {"allow_negative": True}}, {"seconds": -5}, None),
        ({"object": {}}, {"anything": [1, 2]}, None),
        ({"action": {}}, [{"action": "light.turn_on"}], None),
        ({"action": {}}, "light.turn_on", "expected a list of actions or one, got"),
        ({"state": {"entity_id": "light.hall"}}, "on", None),
        ({"entity": {"multiple": True, "domain": "light"}}, ["light.a", "light.b"], None),
        ({"entity": {"multiple": True}}, "light.a", "expected a list of entity ids"),
        ({"entity": {"exclude_entities": ["light.a"]}}, "light.a", "excluded by the blueprint"),
        ({"entity": {}}, "Light.Hall", "expected an entity id such as binary_sensor.hall_motion"),
        ({"color_rgb": {}}, [255, 128, 0], None),
        ({"color_rgb": {}}, [256, 0, 0], "expected a colour as [red, green, blue]"),
        ({"constant": {"value": True, "label": "On"}}, True, None),
        ({"constant": {"value": True}}, 1, "expected True, got 1"),
        ({"location": {}}, {"latitude": 31.2, "longitude": 121.5}, None),
        ({"location": {}}, {"latitude": 91, "longitude": 0}, "latitude 91 is out of range"),
        ({"icon": {}}, "mdi:bell", None),
        ({"target": {}}, {"area_id": "a1", "device_id": ["d1", "d2"]}, None),
    ],
)
def test_each_selector_checks_a_value(
    written: dict[str, Any], value: Any, problem: str | None
) -> None:
    chosen = selector(written)
    if problem is None:
        assert chosen.validate(value) == value
    else:
        with pytest.raises(vol.Invalid) as caught:
            chosen.validate(value)
        assert problem in caught.value.msg


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ({"number": {"mode": "slider"}}, "a slider needs both min and max"),
        ({"number": {"step": 0}}, "expected a number above 0, got 0"),
        ({"select": {}}, "the select selector needs its options"),
        ({"select": {"options": ["a", "a"]}}, "the value 'a' is offered twice"),
        ({"entity": {"filter": {"domain": 5}}}, "expected text or a list of texts, got 5"),
        ({"entity": {"filter": {"domian": "light"}}}, "did you mean 'domain'?"),
        ({"entity": {"domain": "light", "filter": {}}}, "write domain inside filter"),
        ({"target": {"entity": {"device_class": ["door"], "colour": 1}}}, "'colour'"),
        ({"constant": {}}, "the constant selector needs its value"),
        ({"floor": {}}, "unknown selector 'floor'"),
        ({"number": 5}, "expected the options of the number selector (name: value), got 5"),
        ({"number": {}, "text": {}}, "expected one selector"),
    ],
)
def test_a_selector_checks_its_own_options(written: Any, problem: str) -> None:
    with pytest.raises(vol.Invalid) as caught:
        selector(written)
    assert problem in caught.value.msg


async def test_selectors_ask_the_hub_about_devices_areas_and_registered_entities(
    hub: Hub, device_factory: Any, entity_factory: Any
) -> None:
    hall = hub.areas.create("7号楼大堂", "building")
    detector = device_factory(name="大堂烟感", manufacturer="Acme", model="S1")
    smoke = entity_factory(
        "binary_sensor", state="off", device_id=detector.id, device_class="smoke"
    )
    # The registry's device_class counts when the state does not say.
    smoke_sensor = selector({"entity": {"filter": [{"device_class": ["smoke", "gas"]}]}})
    assert smoke_sensor.validate(smoke.entity_id, hub) == smoke.entity_id

    devices = selector({"device": {"manufacturer": "Acme", "entity": {"device_class": "smoke"}}})
    assert devices.validate(detector.id, hub) == detector.id
    with pytest.raises(vol.Invalid, match="there is no device nope"):
        devices.validate("nope", hub)
    other = device_factory(name="门铃", manufacturer="Other")
    with pytest.raises(
        vol.Invalid,
        match=r"the device 门铃 \(.+\) is not a device made by Acme with an entity with "
        "device_class smoke",
    ):
        devices.validate(other.id, hub)

    areas = selector({"area": {"multiple": True}})
    assert areas.validate([hall.id], hub) == [hall.id]
    with pytest.raises(vol.Invalid, match="there is no area attic"):
        areas.validate([hall.id, "attic"], hub)

    target = selector({"target": {"device": {"model": "S1"}}})
    assert target.validate({"device_id": detector.id, "area_id": hall.id}, hub)
    with pytest.raises(vol.Invalid, match="is not a device of model S1"):
        target.validate({"device_id": [detector.id, other.id]}, hub)

    by_integration = selector({"entity": {"integration": "mqtt"}})
    with pytest.raises(
        vol.Invalid,
        match=f"{smoke.entity_id} is a binary_sensor with device_class smoke of the "
        "integration test; expected an entity of the integration mqtt",
    ):
        by_integration.validate(smoke.entity_id, hub)


# -- the library -------------------------------------------------------------------------------


async def test_the_shipped_blueprints_all_load(library: BlueprintLibrary) -> None:
    assert library.problems == {}
    assert MOTION_LIGHT in [blueprint.path for blueprint in library.all()]
    assert library.file_of(MOTION_LIGHT) == SHIPPED / "automation" / MOTION_LIGHT


async def test_blueprints_come_from_plugins_and_the_config_folder(
    hub: Hub, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    vendor = tmp_path / "vendor_blueprints"
    write(vendor, "acme/chime.yaml", blueprint_text("Acme chime"))
    write(vendor, "acme/broken.yaml", "blueprint:\n  name: [broken\n")
    single = write(tmp_path / "single", "porch.yaml", blueprint_text("Porch chime"))
    hub.plugins.register(BlueprintPlugin(vendor, single), name="acme_blueprints")
    operator = hub.config.config_dir / "blueprints"
    # Home Assistant's layout (blueprints/automation/<author>/…) gives the same paths.
    write(operator, "automation/homeassistant/chime.yaml", blueprint_text("HA chime"))
    write(operator, "acme/chime.yaml", blueprint_text("Operator's copy"))  # the vendor's wins

    library = BlueprintLibrary(hub)
    with caplog.at_level(logging.INFO, logger="linli.automation.blueprints"):
        await library.load()

    paths = [blueprint.path for blueprint in library.all()]
    assert paths == sorted(paths)
    assert {"acme/chime.yaml", "porch.yaml", "homeassistant/chime.yaml", MOTION_LIGHT} <= set(paths)
    assert library.get("acme/chime.yaml").name == "Acme chime"
    assert library.get("homeassistant/chime.yaml").name == "HA chime"
    assert list(library.problems) == ["acme/broken.yaml"]
    assert library.problems["acme/broken.yaml"].startswith(
        f"{vendor / 'acme/broken.yaml'}, line 3, column 1: invalid YAML"
    )
    assert (
        f"Blueprint acme/chime.yaml: {operator / 'acme/chime.yaml'} is ignored, "
        f"{vendor / 'acme/chime.yaml'} has the same path"
    ) in caplog.text
    assert "Blueprint acme/broken.yaml not loaded" in caplog.text

    with pytest.raises(BlueprintError, match=re.escape("blueprint 'acme/broken.yaml' is broken: ")):
        library.get("acme/broken.yaml")
    with pytest.raises(
        BlueprintError,
        match=r"no blueprint 'acme/chme.yaml' \(did you mean 'acme/chime.yaml'\?\); known: ",
    ):
        library.get("acme/chme.yaml")


async def test_an_operator_imports_a_home_assistant_blueprint(
    hub: Hub, library: BlueprintLibrary
) -> None:
    text = blueprint_text("Imported chime")

    blueprint = library.import_blueprint(text, "门铃.yaml")

    assert blueprint.path == "imported/门铃.yaml"
    assert library.get("imported/门铃.yaml") is blueprint
    file = hub.config.config_dir / "blueprints" / "imported" / "门铃.yaml"
    assert file.read_text(encoding="utf-8") == text
    # After a restart it is read from the config folder under the same path.
    again = BlueprintLibrary(hub)
    await again.load()
    assert again.get("imported/门铃.yaml").name == "Imported chime"


PLAIN_NAME = "the file name must be a plain name ending in .yaml, such as motion_light.yaml"


@pytest.mark.parametrize("filename", ["../linli.yaml", "sub/chime.yaml", "chime.yml", "..yaml"])
async def test_an_import_needs_a_plain_file_name(
    hub: Hub, library: BlueprintLibrary, filename: str
) -> None:
    with pytest.raises(BlueprintError) as caught:
        library.import_blueprint(blueprint_text(), filename)
    assert str(caught.value) == f"cannot import {filename!r}: {PLAIN_NAME} (no folders)"
    assert not (hub.config.config_dir / "blueprints" / "imported").exists()


async def test_a_broken_import_is_refused_and_not_written(
    hub: Hub, library: BlueprintLibrary
) -> None:
    text = blueprint_text().replace("domain: automation", "domain: script")
    with pytest.raises(BlueprintError) as caught:
        library.import_blueprint(text, "chime.yaml")
    assert str(caught.value) == (
        "chime.yaml, line 3, column 3: blueprint.domain: linli runs automation blueprints "
        "only, not 'script'"
    )
    assert not (hub.config.config_dir / "blueprints" / "imported").exists()
    with pytest.raises(BlueprintError, match=re.escape("no blueprint 'imported/chime.yaml'")):
        library.get("imported/chime.yaml")


async def test_an_import_never_replaces_a_blueprint(hub: Hub, library: BlueprintLibrary) -> None:
    library.import_blueprint(blueprint_text("First"), "chime.yaml")
    with pytest.raises(
        BlueprintError, match=re.escape("there is already a blueprint imported/chime.yaml")
    ):
        library.import_blueprint(blueprint_text("Second"), "chime.yaml")
    assert library.get("imported/chime.yaml").name == "First"
