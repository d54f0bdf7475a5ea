"""The plugin manager: the hook specifications, the default plugins, and third-party plugins.

Third-party plugins are found through the entry-point group ``linli``: a vendor's package
declares ``[project.entry-points.linli] acme_lockers = "acme_lockers.plugin"``. Unlike pluggy's
``load_setuptools_entrypoints``, which stops at the first plugin whose import raises, each
plugin is loaded on its own: a broken one is logged and listed in
:attr:`PluginManager.failed_plugins`, and the others still load.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
from dataclasses import dataclass
from typing import Any

import pluggy

from . import hookspecs
from .hookspecs import PROJECT_NAME

_LOGGER = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "linli"

# The core's own features, registered first and through the same hooks as third parties.
DEFAULT_PLUGINS = ("linli.plugins.builtin",)


@dataclass(frozen=True, slots=True)
class HookAnswer:
    """One plugin's answer to a hook: its return value, or why it failed (``error``)."""

    plugin: str
    value: Any = None
    error: str | None = None


def _describe_error(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _dist_label(dist: importlib.metadata.Distribution) -> str:
    return f"{dist.metadata['Name']} {dist.version}"


class PluginManager(pluggy.PluginManager):
    """pluggy's manager with linli's hooks, isolated entry-point loading and hook calls.

    Tests register a plugin object directly with ``manager.register(plugin, name=...)``.
    """

    def __init__(self) -> None:
        super().__init__(PROJECT_NAME)
        self.add_hookspecs(hookspecs)
        #: entry-point name -> why it could not be loaded
        self.failed_plugins: dict[str, str] = {}

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> int:
        """Load and register every plugin of the entry-point ``group``; return how many loaded.

        Like pluggy's ``load_setuptools_entrypoints``: names already registered or blocked are
        skipped, and each plugin's distribution is recorded (``list_plugin_distributions``).
        """
        count = 0
        for dist in list(importlib.metadata.distributions()):
            for entry_point in dist.entry_points:
                name = entry_point.name
                if (
                    entry_point.group != group
                    or self.has_plugin(name)
                    or self.is_blocked(name)
                    or name in self.failed_plugins
                ):
                    continue
                try:
                    plugin = entry_point.load()
                    self.register(plugin, name=name)
                except Exception as error:
                    cause = f"{_describe_error(error)} (from {_dist_label(dist)})"
                    self.failed_plugins[name] = cause
                    _LOGGER.error("Plugin %s could not be loaded: %s", name, cause, exc_info=error)
                    continue
                # pluggy keeps this list for list_plugin_distributions(); there is no setter.
                self._plugin_distinfo.append((plugin, dist))
                count += 1
        return count

    def call_each(self, hook_name: str, **kwargs: Any) -> list[HookAnswer]:
        """Call every plugin's implementation of ``hook_name`` on its own, in registration order.

        A plugin whose implementation raises gets an answer with ``error`` set (and a log
        line); the other plugins still answer. Use this where the caller must know which
        plugin said what; ``manager.hook.<name>(...)`` is the plain pluggy call.
        """
        answers: list[HookAnswer] = []
        for impl in getattr(self.hook, hook_name).get_hookimpls():
            try:
                value = impl.function(*(kwargs[arg] for arg in impl.argnames))
            except Exception as error:
                cause = _describe_error(error)
                _LOGGER.error(
                    "Plugin %s failed in %s: %s", impl.plugin_name, hook_name, cause, exc_info=error
                )
                answers.append(HookAnswer(impl.plugin_name, error=cause))
            else:
                answers.append(HookAnswer(impl.plugin_name, value))
        return answers

    def is_default(self, plugin_name: str) -> bool:
        """Whether ``plugin_name`` is one of the core's own plugins."""
        return plugin_name in DEFAULT_PLUGINS


def create_plugin_manager(*, entry_points: bool = True) -> PluginManager:
    """A manager with linli's hooks, its default plugins, and (unless ``entry_points`` is
    False) the third-party plugins of the entry-point group ``linli``."""
    manager = PluginManager()
    for name in DEFAULT_PLUGINS:
        manager.register(importlib.import_module(name), name=name)
    if entry_points:
        manager.load_entry_points()
    return manager
