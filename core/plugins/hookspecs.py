"""The hooks a linli plugin can implement (pluggy project name ``linli``).

A plugin is any module or object with functions marked ``@hookimpl`` whose names match the
specifications below. The built-in integrations arrive through the same hooks (see
:mod:`linli.plugins.builtin`), so first-party and third-party code take one road.

Every hook here *collects*: each plugin contributes a list and the hub uses all of them, so
none is ``firstresult``. None is ``historic`` either: the hub asks when it builds what the
hook feeds (the integration catalog, the notifier, the blueprint library, the web app), and
asks again when it rebuilds it, so a plugin registered later is seen then.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import pluggy

if TYPE_CHECKING:
    from ..hub import Hub

PROJECT_NAME = "linli"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@runtime_checkable
class NotificationChannel(Protocol):
    """A way to reach a person outside the web app: SMS, a phone call, a messaging app."""

    #: Unique among channels, lower-case, e.g. ``"sms"``; recipients' settings name it.
    name: str

    async def send(self, hub: Hub, recipient: str, message: str) -> None:
        """Deliver ``message`` to ``recipient`` (an address this channel understands).

        Raise an exception when delivery fails, so the alarm ladder can escalate.
        """

    # Optional: ``async def close(self) -> None``, called when the hub stops, for a channel
    # that keeps connections open (an HTTP session to its gateway).


@dataclass(frozen=True, slots=True)
class FrontendPanel:
    """A page a plugin adds to the web app, served from its own static folder."""

    name: str  # url path segment, e.g. "lockers" -> #/panel/lockers; its element: lockers-panel
    title: str  # shown in the navigation
    icon: str  # Material Design icon name, e.g. "mdi:locker"
    static_folder: Path  # served under /frontend/panels/<name>/
    module_url: str  # the panel's JavaScript module, relative to the static folder
    roles: tuple[str, ...] = ()  # the user roles that see it; empty: everyone


# -- Start-up: what the plugin brings ---------------------------------------------------


@hookspec
def linli_integrations() -> list[str | ModuleType]:
    """Return the integration packages this plugin contributes.

    Called when the hub builds its integration catalog (at start, and again when the
    operator installs or removes a plugin). Each item is an importable package name such
    as ``"acme_lockers.integration"``, or the package module itself. The package folder
    holds ``manifest.json`` and a module with ``async_setup_entry``/``async_unload_entry``
    (and optionally ``async_setup``/``async_unload``).

    The packages are not imported here: the hub reads their manifests and imports a package
    only when the community sets that integration up.
    """


@hookspec
def linli_blueprints() -> list[Path]:
    """Return folders (searched for ``*.yaml``, recursively) or single blueprint files.

    Called when the hub loads its blueprint library. Blueprints are automation templates
    with inputs that an operator fills in.
    """


# -- Running: services the plugin offers the hub ----------------------------------------


@hookspec
def linli_notification_channels(hub: Hub) -> list[NotificationChannel]:
    """Return the notification channels this plugin offers to ``hub``.

    Called by a hub, with itself, when it gathers the channels its alarms escalate through;
    a channel can read its settings from ``hub.config``. Each channel must follow
    :class:`NotificationChannel`.
    """


@hookspec
def linli_frontend_panels() -> list[FrontendPanel]:
    """Return the web app panels this plugin adds (see :class:`FrontendPanel`).

    Called when the web app first asks for the panels, to serve each panel's static folder
    and to list the panel in the navigation. The module defines the element
    ``<name>-panel`` (see :mod:`linli.http.panels`).
    """
