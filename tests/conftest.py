"""Shared fixtures: real integration packages written into a temporary folder.

``integration("smoke_alarm", code, dependencies=["mqtt"])`` writes the package
``smoke_alarm`` (``__init__.py`` holding ``code``, and ``manifest.json``) into a folder on
``sys.path`` and has the test plugin contribute it, as a vendor's plugin would.
``restart(hub)`` stops a hub and starts a new one on its config and database;
``expect_error(response, 400, "invalid_format", field=…)`` checks a JSON error answer.
"""

import importlib
import json
import sys
import textwrap
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse

from linli.auth import passwords
from linli.hub import Hub
from linli.plugins import PluginManager, create_plugin_manager, hookimpl
from linli.testing.plugin import HubFactory

TEST_PLUGIN = "test_integrations"


class ContributingPlugin:
    """A plugin that contributes the integration packages listed in ``packages``."""

    def __init__(self) -> None:
        self.packages: list[str] = []

    @hookimpl
    def linli_integrations(self) -> list[str]:
        return list(self.packages)


def write_package(folder: Path, files: dict[str, str | dict[str, Any]]) -> None:
    """Write ``files`` (relative path -> text, or an object written as JSON) under ``folder``."""
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, dict):
            content = json.dumps(content, ensure_ascii=False, indent=2)
        path.write_text(textwrap.dedent(content), encoding="utf-8")
    importlib.invalidate_caches()


def manifest_for(domain: str, /, **fields: Any) -> dict[str, Any]:
    """A valid third-party manifest; a field given as None is left out."""
    manifest = {
        "domain": domain,
        "name": domain.replace("_", " ").title(),
        "version": "1.0.0",
        "integration_type": "device",
        "iot_class": "local_push",
        **fields,
    }
    return {key: value for key, value in manifest.items() if value is not None}


# A setup that hangs fails the test soon; a loaded CI machine still has time (2 s was tight).
SETUP_TIMEOUT = 10.0


@pytest.fixture
def packages_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on ``sys.path``; modules imported from the test's files are forgotten after."""
    folder = tmp_path / "packages"
    folder.mkdir()
    monkeypatch.syspath_prepend(folder)
    yield folder
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if file and Path(file).is_relative_to(tmp_path):
            del sys.modules[name]


@pytest.fixture
def write_files() -> Callable[[Path, dict[str, str | dict[str, Any]]], None]:
    """``write_files(folder, {"a/__init__.py": code, "a/manifest.json": {...}})``."""
    return write_package


@pytest.fixture
def manifest() -> Callable[..., dict[str, Any]]:
    """``manifest(domain, **fields)``: a valid third-party manifest; None leaves a field out."""
    return manifest_for


@pytest.fixture
def write_manifest(tmp_path: Path) -> Callable[..., Path]:
    """``write_manifest(folder, **fields)`` (or ``text=...``): write ``<folder>/manifest.json``
    for the domain named like the folder, unless ``domain`` is given; returns its path."""

    def write(folder_name: str, /, *, text: str | None = None, **fields: Any) -> Path:
        folder = tmp_path / "manifests" / folder_name
        fields.setdefault("domain", folder_name)
        write_package(
            folder, {"manifest.json": text or manifest_for(fields.pop("domain"), **fields)}
        )
        return folder / "manifest.json"

    return write


@pytest.fixture
def contributing_plugin() -> ContributingPlugin:
    return ContributingPlugin()


@pytest.fixture
def integration(packages_dir: Path, contributing_plugin: ContributingPlugin) -> Callable[..., str]:
    """``integration(domain, code="", **manifest_fields)``: write and contribute a package."""

    def write(domain: str, code: str = "", **fields: Any) -> str:
        write_package(
            packages_dir / domain,
            {"__init__.py": code, "manifest.json": manifest_for(domain, **fields)},
        )
        contributing_plugin.packages.append(domain)
        return domain

    return write


@pytest.fixture
def plugins(contributing_plugin: ContributingPlugin) -> PluginManager:
    """The default plugins plus the test plugin; no entry points."""
    manager = create_plugin_manager(entry_points=False)
    manager.register(contributing_plugin, name=TEST_PLUGIN)
    return manager


@pytest.fixture
async def hub(
    hub_factory: HubFactory, plugins: PluginManager, request: pytest.FixtureRequest
) -> Hub:
    """A started hub whose plugins include the test plugin; setups time out after 10 s.

    Integrations run without a vote unless the test is marked ``votes_required``.
    """
    votes_required = request.node.get_closest_marker("votes_required") is not None
    hub = await hub_factory(plugins=plugins, votes_required=votes_required)
    hub.integrations.timeout = SETUP_TIMEOUT
    hub.config_entries.setup_timeout = SETUP_TIMEOUT
    return hub


@pytest.fixture
def restart(
    hub_factory: HubFactory, caplog: pytest.LogCaptureFixture
) -> Callable[[Hub], Awaitable[Hub]]:
    """``await restart(hub)``: stop ``hub``, start a new one on its config and database.

    Fails if any write of the old hub failed (the database worker only logs those).
    """

    async def again(old: Hub) -> Hub:
        await old.stop()
        failed = [record.getMessage() for record in caplog.records if record.levelname == "ERROR"]
        assert not failed, failed
        return await hub_factory(
            config_dir=old.config.config_dir, database_url=old.config.database_url
        )

    return again


ExpectError = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def expect_error() -> ExpectError:
    """``await expect_error(response, 400, "invalid_format", field="state")``: the error's
    JSON, after checking its status, code and field."""

    async def check(
        response: ClientResponse, status: int, code: str, field: str | None = None
    ) -> dict[str, Any]:
        assert response.status == status, await response.text()
        assert response.content_type == "application/json"
        body = await response.json()
        assert body["code"] == code
        assert body["message"]
        assert body.get("field") == field
        return body

    return check


# scrypt at a small cost: the same code, hundreds of times faster than the real COST.
TEST_PASSWORD_COST = passwords.ScryptCost(log2_n=8, r=8, p=1)


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "COST", TEST_PASSWORD_COST)
