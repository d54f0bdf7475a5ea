"""The plugin system: pluggy hook specifications and the plugin manager.

Vendors mark their hook implementations with ``from linli.plugins import hookimpl``.
"""

from .hookspecs import FrontendPanel, NotificationChannel, hookimpl
from .manager import ENTRY_POINT_GROUP, HookAnswer, PluginManager, create_plugin_manager

__all__ = [
    "ENTRY_POINT_GROUP",
    "FrontendPanel",
    "HookAnswer",
    "NotificationChannel",
    "PluginManager",
    "create_plugin_manager",
    "hookimpl",
]
