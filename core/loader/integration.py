"""One integration the hub can load: its manifest, where it lives, its code and texts."""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from ..exceptions import IntegrationError
from .manifest import Manifest

DEFAULT_LANGUAGE = "zh-Hans"
FALLBACK_LANGUAGE = "en"
TRANSLATIONS_FOLDER = "translations"


def _merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` laid over ``base``, nested objects merged key by key."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _merged(result[key], value)
        else:
            result[key] = value
    return result


@dataclass(eq=False)
class Integration:
    """An integration found in the catalog. Its code is imported only when first used."""

    manifest: Manifest
    package: str  # importable name, e.g. "linli.integrations.mqtt" or "acme_lockers.integration"
    path: Path  # the package folder, holding manifest.json
    builtin: bool
    plugin: str  # the plugin that contributed it
    _module: ModuleType | None = field(default=None, init=False, repr=False)
    _translations: dict[str, dict[str, Any]] = field(default_factory=dict, init=False, repr=False)

    @property
    def domain(self) -> str:
        return self.manifest.domain

    @property
    def module(self) -> ModuleType:
        """The integration's package, imported on first use.

        Raises :class:`IntegrationError` naming the integration and the cause when the import
        fails; the next access tries again.
        """
        if self._module is None:
            self._module = self._import(self.package, "")
        return self._module

    def import_platform(self, name: str) -> ModuleType:
        """Import ``<package>.<name>``, e.g. the ``sensor`` platform or the ``config_flow``."""
        return self._import(f"{self.package}.{name}", f" (its {name} module)")

    def _import(self, module_name: str, what: str) -> ModuleType:
        try:
            return importlib.import_module(module_name)
        except Exception as error:
            raise IntegrationError(
                f"Integration {self.domain}{what} cannot be imported from {module_name}: "
                f"{type(error).__name__}: {error}"
            ) from error

    def translations(self, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        """Texts from ``translations/<language>.json``, with English for what it lacks.

        Returns ``{}`` when the integration has neither file. Raises :class:`IntegrationError`
        naming the file, line and column when a file is not valid JSON.
        """
        if language not in self._translations:
            texts = self._read_translations(FALLBACK_LANGUAGE)
            if language != FALLBACK_LANGUAGE:
                texts = _merged(texts, self._read_translations(language))
            self._translations[language] = texts
        return self._translations[language]

    def _read_translations(self, language: str) -> dict[str, Any]:
        path = self.path / TRANSLATIONS_FOLDER / f"{language}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except json.JSONDecodeError as error:
            raise IntegrationError(
                f"{path}, line {error.lineno}, column {error.colno}: invalid JSON: {error.msg}"
            ) from None
        except (OSError, UnicodeDecodeError) as error:
            raise IntegrationError(f"{path} cannot be read: {error}") from None
        if not isinstance(data, dict):
            raise IntegrationError(f"{path}: expected a JSON object")
        return data
