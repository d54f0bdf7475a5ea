"""examples/acme_locker: a vendor package that passes check, its own tests, and loads when
pip-installed into this environment, through its entry point, like any vendor's package."""

import importlib
import importlib.metadata
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_scaffold import run_own_tests

from linli.config_entries import ConfigEntryState
from linli.flows import FlowContext, FlowResultType
from linli.testing.plugin import HubFactory
from linli.toolkit.check import check_package

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "acme_locker"
DISTRIBUTION = "linli-acme-locker"
PACKAGE = "linli_acme_locker"


def pip(*args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", *args], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"pip {' '.join(args)} failed:\n{result.stderr}"


def forget_package() -> None:
    for name in [name for name in sys.modules if name.partition(".")[0] == PACKAGE]:
        del sys.modules[name]
    importlib.invalidate_caches()


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example pip-installed into this environment (from a copy: no build files left in
    the source), uninstalled afterwards."""
    try:
        importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        pass
    else:
        pytest.fail(f"{DISTRIBUTION} is already installed here; uninstall it to run this test")
    source = tmp_path_factory.mktemp("example") / "acme_locker"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    try:
        pip("install", "--no-deps", "-q", str(source))
        forget_package()
        yield DISTRIBUTION
    finally:
        pip("uninstall", "-y", "-q", DISTRIBUTION)
        forget_package()


def test_the_example_passes_check() -> None:
    assert check_package(EXAMPLE) == []


@pytest.mark.slow
def test_the_example_passes_its_own_tests() -> None:
    result = run_own_tests(EXAMPLE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout


@pytest.mark.slow
async def test_the_installed_example_loads_through_its_entry_point_and_its_flow(
    installed: str, hub_factory: HubFactory
) -> None:
    hub = await hub_factory()  # the default plugin manager: entry points loaded

    integration = hub.integrations.catalog.get("acme_locker")
    assert integration is not None, hub.integrations.catalog.problems
    assert (integration.builtin, integration.plugin, integration.package) == (
        False,
        "acme_locker",
        PACKAGE,
    )
    assert integration.manifest.version == importlib.metadata.version(installed)
    assert "site-packages" in str(integration.path)

    from linli_acme_locker.simulator import LockerBankSimulator

    flows = hub.config_entries.flow
    async with LockerBankSimulator() as bank:
        form = await flows.init("acme_locker", context=FlowContext(user_id="operator-1"))
        done = await flows.configure(
            form.flow_id, {"host": "127.0.0.1", "port": bank.port}, user_id="operator-1"
        )
        assert done.type is FlowResultType.create_entry
        assert done.result.state is ConfigEntryState.loaded
        state = hub.states.get("sensor.acme_al_24_al24_000731_free_compartments")
        assert state.state == "3"
        assert hub.states.get("sensor.acme_al_24_al24_000731_parcels_waiting").state == "2"
