"""The catalog: every integration the installed plugins offer, by domain.

Built from the answers to the ``linli_integrations`` hook, built-in and third-party alike. A
plugin whose hook raises, a package that cannot be found, a broken manifest or a domain
offered twice is recorded in :attr:`IntegrationCatalog.problems` and skipped; everything else
stays available.
"""

from __future__ import annotations

import importlib.util
import logging
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from ..exceptions import IntegrationError, ManifestError
from ..plugins.manager import PluginManager
from .integration import Integration
from .manifest import MANIFEST_FILE, load_manifest

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CatalogProblem:
    """Why something a plugin offered is not in the catalog."""

    plugin: str
    package: str | None  # None when the plugin's hook itself failed
    domain: str | None  # None when no domain could be read
    cause: str

    def __str__(self) -> str:
        what = self.domain or self.package or "its integrations"
        return f"{what} (from plugin {self.plugin}): {self.cause}"


def _package_folder(package: str | ModuleType) -> tuple[str, Path]:
    """The package's name and folder, found without importing the package itself."""
    if isinstance(package, ModuleType):
        locations = list(getattr(package, "__path__", []))
        name = package.__name__
    else:
        name = package
        try:
            spec = importlib.util.find_spec(name)
        except Exception as error:  # finding a.b imports a, which is third-party code
            raise LookupError(f"package {name} cannot be found: {error}") from None
        locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise LookupError(f"{name} is not an importable package (a folder with __init__.py)")
    return name, Path(locations[0])


class IntegrationCatalog:
    """Maps domain -> :class:`Integration`. Collected from the plugins on first use."""

    def __init__(self, plugins: PluginManager) -> None:
        self._plugins = plugins
        self._integrations: dict[str, Integration] | None = None
        self._problems: list[CatalogProblem] = []

    def reload(self) -> dict[str, Integration]:
        """Ask the plugins again, e.g. after one was installed or registered."""
        integrations: dict[str, Integration] = {}
        problems: list[CatalogProblem] = []
        for answer in self._plugins.call_each("linli_integrations"):
            if answer.error is not None:
                problems.append(CatalogProblem(answer.plugin, None, None, answer.error))
                continue
            for package in answer.value or ():
                try:
                    integration = self._read(answer.plugin, package)
                except ManifestError as error:
                    problems.append(
                        CatalogProblem(answer.plugin, str(package), error.domain, str(error))
                    )
                    continue
                except LookupError as error:
                    problems.append(CatalogProblem(answer.plugin, str(package), None, str(error)))
                    continue
                if (taken := integrations.get(integration.domain)) is not None:
                    cause = (
                        f"domain {integration.domain} is already provided by {taken.package} "
                        f"(plugin {taken.plugin}); {integration.package} is ignored"
                    )
                    problems.append(
                        CatalogProblem(
                            answer.plugin, integration.package, integration.domain, cause
                        )
                    )
                    continue
                integrations[integration.domain] = integration
        for problem in problems:
            _LOGGER.error("Integration %s", problem)
        self._integrations = integrations
        self._problems = problems
        return integrations

    def _read(self, plugin: str, package: str | ModuleType) -> Integration:
        name, folder = _package_folder(package)
        builtin = self._plugins.is_default(plugin)
        manifest = load_manifest(folder / MANIFEST_FILE, builtin=builtin)
        return Integration(manifest, name, folder, builtin, plugin)

    def _loaded(self) -> dict[str, Integration]:
        return self._integrations if self._integrations is not None else self.reload()

    def get(self, domain: str) -> Integration | None:
        return self._loaded().get(domain)

    def require(self, domain: str) -> Integration:
        """The integration ``domain``, or an IntegrationError saying it is not installed."""
        integration = self.get(domain)
        if integration is None:
            raise IntegrationError(f"Integration {domain} is not installed")
        return integration

    def all(self) -> list[Integration]:
        """Every available integration, sorted by domain."""
        return sorted(self._loaded().values(), key=lambda integration: integration.domain)

    @property
    def problems(self) -> list[CatalogProblem]:
        self._loaded()
        return list(self._problems)

    def problems_of(self, domain: str) -> list[CatalogProblem]:
        """Problems of packages that claimed ``domain``: why it may be missing."""
        return [problem for problem in self.problems if problem.domain == domain]
