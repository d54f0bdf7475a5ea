"""Manifests: a vendor's manifest.json is read into a Manifest, or refused with file and field."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from linli.exceptions import ManifestError
from linli.loader.manifest import DATA_CATEGORIES, Manifest, load_manifest

WriteManifest = Callable[..., Path]


def test_full_vendor_manifest_is_read(write_manifest: WriteManifest) -> None:
    path = write_manifest(
        "acme_locker",
        name="Acme 快递柜",
        version="2.1.0",
        vendor="Acme Lockers Ltd.",
        codeowners=["@acme-dev", "@acme/lockers-team"],
        documentation="https://acme.example.com/linli",
        integration_type="service",
        iot_class="cloud_push",
        dependencies=["mqtt"],
        after_dependencies=["zeroconf"],
        requirements=["acme-sdk==2.1.0"],
        config_flow=True,
        zeroconf=["_acme-locker._tcp.local."],
        mqtt=["acme/lockers/+/state", "acme/alerts/#"],
        data_categories=["identity", "images"],
        funding=["market", "social"],
        quality_scale="silver",
    )

    manifest = load_manifest(path, builtin=False)

    assert manifest == Manifest(
        domain="acme_locker",
        name="Acme 快递柜",
        version="2.1.0",
        vendor="Acme Lockers Ltd.",
        codeowners=("@acme-dev", "@acme/lockers-team"),
        documentation="https://acme.example.com/linli",
        integration_type="service",
        iot_class="cloud_push",
        dependencies=("mqtt",),
        after_dependencies=("zeroconf",),
        requirements=("acme-sdk==2.1.0",),
        config_flow=True,
        zeroconf=("_acme-locker._tcp.local.",),
        mqtt=("acme/lockers/+/state", "acme/alerts/#"),
        data_categories=("identity", "images"),
        funding=("market", "social"),
        quality_scale="silver",
    )


def test_wrong_integration_type_names_file_field_and_choices(write_manifest: WriteManifest) -> None:
    path = write_manifest("acme_locker", integration_type="gadget")

    with pytest.raises(ManifestError) as raised:
        load_manifest(path, builtin=False)

    assert str(raised.value) == (
        f"{path}: field 'integration_type': expected one of system, device, service, got 'gadget'"
    )
    assert raised.value.domain == "acme_locker"


def test_third_party_needs_a_version_built_in_does_not(write_manifest: WriteManifest) -> None:
    path = write_manifest("air_quality", version=None)

    assert load_manifest(path, builtin=True).version is None
    with pytest.raises(ManifestError, match="field 'version': missing; an integration that"):
        load_manifest(path, builtin=False)


def test_invalid_json_names_line_and_column(write_manifest: WriteManifest) -> None:
    path = write_manifest("acme_locker", text='{\n  "domain": "acme_locker",\n  "name": Acme\n}')

    with pytest.raises(ManifestError) as raised:
        load_manifest(path, builtin=False)

    assert str(raised.value).startswith(f"{path}: line 3, column 11: invalid JSON")


def test_every_wrong_field_is_reported_at_once(write_manifest: WriteManifest) -> None:
    path = write_manifest("acme_locker", iot_class="push", dependancies=["mqtt"], name=None)

    with pytest.raises(ManifestError) as raised:
        load_manifest(path, builtin=False)

    assert sorted(field for field, _ in raised.value.problems) == [
        "dependancies",
        "iot_class",
        "name",
    ]
    message = str(raised.value)
    assert "field 'dependancies': not a manifest field; did you mean 'dependencies'?" in message
    assert "field 'name': missing; every manifest needs it" in message


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("domain", "Acme-Locker", "'Acme-Locker' is not valid here, expected e.g. 'acme_locker'"),
        ("version", "2.1-final-ish", "'2.1-final-ish' is not a version number (PEP 440)"),
        ("requirements", ["acme-sdk>=2"], "'acme-sdk>=2' must be pinned to one version with =="),
        ("requirements", ["acme sdk"], "'acme sdk' is not a requirement (PEP 508)"),
        ("codeowners", ["acme-dev"], "'acme-dev' is not valid here, expected e.g. '@acme-dev'"),
        ("documentation", "acme.example.com", "is not a web address"),
        ("config_flow", "yes", "expected true or false, got 'yes'"),
        ("zeroconf", ["_acme._tcp.local"], "expected e.g. '_acme-locker._tcp.local.'"),
        ("mqtt", ["acme/#/state"], "'acme/#/state' is not an MQTT topic filter"),
        ("data_categories", ["heartbeat"], f"expected one of {', '.join(DATA_CATEGORIES)}"),
        ("funding", ["public", "public"], "listed twice: public"),
        ("funding", "public", "expected a list, got 'public'"),
        ("quality_scale", "diamond", "expected one of bronze, silver, gold, platinum"),
    ],
)
def test_bad_field_is_named(
    write_manifest: WriteManifest, field: str, value: Any, expected: str
) -> None:
    path = write_manifest("acme_locker", **{field: value})

    with pytest.raises(ManifestError) as raised:
        load_manifest(path, builtin=False)

    assert str(raised.value).startswith(f"{path}: field '{field}': ")
    assert expected in str(raised.value)


def test_built_in_domain_must_match_its_folder(write_manifest: WriteManifest) -> None:
    path = write_manifest("air_quality", domain="airquality", version=None)

    with pytest.raises(ManifestError, match=r"field 'domain': .* its folder name 'air_quality'"):
        load_manifest(path, builtin=True)
