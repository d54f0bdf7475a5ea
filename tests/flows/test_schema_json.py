"""Step schemas served as JSON form fields, and the validators a form cannot render."""

from enum import StrEnum

import pytest
import voluptuous as vol

from linli.exceptions import UnsupportedSchemaError
from linli.flows import Password, Select, schema_to_json


class Vendor(StrEnum):
    hive_box = "hive_box"
    cainiao = "cainiao"


def field(validator: object, **marker: object) -> dict:
    """The JSON of a one-field schema ``{vol.Required("x", **marker): validator}``."""
    (described,) = schema_to_json({vol.Required("x", **marker): validator})
    return described


@pytest.mark.parametrize(
    ("validator", "expected"),
    [
        (str, {"type": "string"}),
        (int, {"type": "integer"}),
        (bool, {"type": "boolean"}),
        (vol.Coerce(float), {"type": "float"}),
        (vol.Coerce(int), {"type": "integer"}),
        (vol.Coerce(str), {"type": "string"}),
        (Password(), {"type": "password"}),
        (vol.In(["a", "b"]), {"type": "select", "choices": ["a", "b"]}),
        (vol.In({"a": "Label A", "b": "Label B"}), {"type": "select", "choices": ["a", "b"]}),
        (vol.In({"b", "a", "c"}), {"type": "select", "choices": ["a", "b", "c"]}),
        (vol.In([Vendor.cainiao]), {"type": "select", "choices": ["cainiao"]}),
        (Vendor, {"type": "select", "choices": ["hive_box", "cainiao"]}),
        (vol.Coerce(Vendor), {"type": "select", "choices": ["hive_box", "cainiao"]}),
        (Select(["x", "y"]), {"type": "select", "choices": ["x", "y"]}),
        (Select(Vendor), {"type": "select", "choices": ["hive_box", "cainiao"]}),
        (
            Select(Vendor, multiple=True),
            {"type": "multi_select", "choices": ["hive_box", "cainiao"]},
        ),
        (vol.All(int, vol.Range(min=1, max=65535)), {"type": "integer", "min": 1, "max": 65535}),
        (vol.All(vol.Coerce(float), vol.Range(min=-20.5)), {"type": "float", "min": -20.5}),
        (vol.All(vol.Coerce(int), vol.Range(max=9)), {"type": "integer", "max": 9}),
        (
            vol.All(str, vol.Length(min=1, max=32)),
            {"type": "string", "min_length": 1, "max_length": 32},
        ),
        (vol.All(str, vol.Length(max=8)), {"type": "string", "max_length": 8}),
        (vol.All(Password(), vol.Length(min=8)), {"type": "password", "min_length": 8}),
        # The choices decide the type whichever comes first.
        (vol.All(str, vol.In(["a"])), {"type": "select", "choices": ["a"]}),
        (vol.All(vol.In([1, 2]), int), {"type": "select", "choices": [1, 2]}),
        (vol.All(vol.Coerce(int), vol.All(vol.Range(min=0))), {"type": "integer", "min": 0}),
        (vol.Schema(vol.All(int, vol.Range(max=3))), {"type": "integer", "max": 3}),
    ],
)
def test_each_supported_validator(validator: object, expected: dict) -> None:
    assert field(validator) == {"name": "x", "required": True, **expected}


def test_required_optional_defaults_and_descriptions_in_schema_order() -> None:
    schema = vol.Schema(
        {
            vol.Required("host", description="host_help"): str,
            vol.Optional("port", default=8080): vol.All(int, vol.Range(min=1, max=65535)),
            vol.Optional("tls", default=False): bool,
            vol.Optional("vendor", default=Vendor.hive_box): Vendor,
            vol.Optional("lockers", default=list): Select(["A", "B"], multiple=True),
            vol.Required("name", default="南门快递柜"): str,
            vol.Optional("note"): str,
        }
    )

    assert schema_to_json(schema) == [
        {"name": "host", "type": "string", "required": True, "description": "host_help"},
        {
            "name": "port",
            "type": "integer",
            "required": False,
            "default": 8080,
            "min": 1,
            "max": 65535,
        },
        {"name": "tls", "type": "boolean", "required": False, "default": False},
        {
            "name": "vendor",
            "type": "select",
            "required": False,
            "default": "hive_box",
            "choices": ["hive_box", "cainiao"],
        },
        {
            "name": "lockers",
            "type": "multi_select",
            "required": False,
            "default": [],
            "choices": ["A", "B"],
        },
        {"name": "name", "type": "string", "required": True, "default": "南门快递柜"},
        {"name": "note", "type": "string", "required": False},
    ]


def test_callable_default_is_called_for_each_form() -> None:
    counter = iter(range(1, 10))
    schema = {vol.Optional("slot", default=lambda: next(counter)): int}

    assert schema_to_json(schema)[0]["default"] == 1
    assert schema_to_json(schema)[0]["default"] == 2


def test_plain_keys_follow_the_schemas_required_flag() -> None:
    assert schema_to_json(vol.Schema({"a": str}, required=True))[0]["required"] is True
    assert schema_to_json(vol.Schema({"a": str}))[0]["required"] is False
    assert schema_to_json({"a": str})[0]["required"] is False


def test_no_schema_is_no_fields() -> None:
    assert schema_to_json(None) == []
    assert schema_to_json({}) == []


def test_select_validates_values() -> None:
    one = vol.Schema({vol.Required("vendor"): Select(Vendor)})
    many = vol.Schema({vol.Required("vendors"): Select(Vendor, multiple=True)})

    assert one({"vendor": "cainiao"}) == {"vendor": "cainiao"}
    assert one({"vendor": Vendor.cainiao}) == {"vendor": "cainiao"}
    assert many({"vendors": ["cainiao", "hive_box"]}) == {"vendors": ["cainiao", "hive_box"]}
    with pytest.raises(vol.Invalid, match="value must be one of 'hive_box', 'cainiao'"):
        one({"vendor": "sf_express"})
    with pytest.raises(vol.Invalid, match="expected a list"):
        many({"vendors": "cainiao"})
    with pytest.raises(vol.Invalid, match="expected text"):
        vol.Schema({vol.Required("password"): Password()})({"password": 1234})


SUPPORTED = "use str, int, bool, an Enum class, vol.Coerce(int | float | str | Enum)"


@pytest.mark.parametrize(
    ("validator", "problem"),
    [
        (vol.Match(r"\d+"), "Match('\\\\d+', msg=None) is not supported; " + SUPPORTED),
        (vol.Any(int, str), "Any(<class 'int'>, <class 'str'>, msg=None) is not supported; "),
        (vol.All(str, vol.Strip), "Strip is not supported; "),
        (lambda value: value, "<lambda> is not supported; "),
        (vol.Coerce(bool), "Coerce(bool, msg=None) is not supported; "),
        (dict, "dict is not supported; "),
        ([str], "a list field is rendered only as Select(options, multiple=True)"),
        (float, "use vol.Coerce(float) instead of float: the web app sends whole numbers"),
        (vol.All(int, vol.Range(min=0, min_included=False)), "a form cannot show exclusive"),
        (vol.Range(min=1), "does not say what kind of value it takes; start it with a type"),
    ],
)
def test_unsupported_validator_names_field_and_step(validator: object, problem: str) -> None:
    schema = {vol.Required("host"): str, vol.Optional("port"): validator}

    with pytest.raises(UnsupportedSchemaError) as caught:
        schema_to_json(schema, where="step 'connect' of flow handler 'lockers'")

    message = str(caught.value)
    assert message.startswith(
        "Cannot render field 'port' of step 'connect' of flow handler 'lockers' as a form: "
    )
    assert problem in message
    assert caught.value.field == "port"


def test_unsupported_keys() -> None:
    with pytest.raises(UnsupportedSchemaError, match="field 'a' as a form: Exclusive keys are"):
        schema_to_json({vol.Exclusive("a", "group"): str})
    with pytest.raises(UnsupportedSchemaError, match="the key Extra is not a field name"):
        schema_to_json({vol.Extra: str})
    with pytest.raises(UnsupportedSchemaError, match="the schema as a form: expected a dict"):
        schema_to_json(vol.Schema(int))
