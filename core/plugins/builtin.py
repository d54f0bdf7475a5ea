"""The default plugin: what ships with linli, contributed through the public hooks."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from .. import blueprints, integrations
from ..loader.manifest import MANIFEST_FILE
from ..notifications.webhook import WebhookChannel
from .hookspecs import NotificationChannel, hookimpl

if TYPE_CHECKING:
    from ..hub import Hub


def discover_integrations(package: ModuleType) -> list[str]:
    """The sub-packages of ``package`` that hold a ``manifest.json``, by name, sorted."""
    found: set[str] = set()
    for folder in package.__path__:
        for child in Path(folder).iterdir():
            if (child / "__init__.py").is_file() and (child / MANIFEST_FILE).is_file():
                found.add(f"{package.__name__}.{child.name}")
    return sorted(found)


@hookimpl
def linli_integrations() -> list[str]:
    """Every built-in integration: each folder under ``linli.integrations`` with a manifest."""
    return discover_integrations(integrations)


@hookimpl
def linli_blueprints() -> list[Path]:
    """The blueprints that ship with the hub."""
    return [Path(blueprints.__file__).parent]


@hookimpl
def linli_notification_channels(hub: Hub) -> list[NotificationChannel]:
    """The webhook channel, when linli.yaml configures one (``alarms: webhook:``)."""
    settings = hub.config.alarms.webhook
    return [] if settings is None else [WebhookChannel(settings)]
