"""Pages that plugins add to the web app (:class:`linli.plugins.FrontendPanel`).

A panel's files are served under ``/frontend/panels/<name>/`` as the web app's own are, and
``GET /api/panels`` lists the panels a user may open. The web app imports the panel's module,
which defines the element ``<name>-panel``, and shows it with the app's frame around it.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, Final

from ..plugins import FrontendPanel

if TYPE_CHECKING:
    from ..hub import Hub

_LOGGER = logging.getLogger(__name__)

PANELS_PATH: Final = "/frontend/panels/"
# A URL segment that also makes a valid custom element name with "-panel" after it.
NAME: Final = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def _problem(panel: FrontendPanel) -> str | None:
    """What is wrong with ``panel``, or None."""
    if not NAME.fullmatch(panel.name) or len(panel.name) > 32:
        return f"its name {panel.name!r} must be lowercase letters, digits and single hyphens"
    if not panel.static_folder.is_dir():
        return f"its folder {panel.static_folder} does not exist"
    module = (panel.static_folder / panel.module_url).resolve()
    if not module.is_file() or not module.is_relative_to(panel.static_folder.resolve()):
        return f"its module {panel.module_url!r} is not a file in {panel.static_folder}"
    return None


class Panels:
    """The plugins' panels, gathered once when first asked for (``hub.http.panels``)."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._panels: dict[str, FrontendPanel] | None = None

    def all(self) -> dict[str, FrontendPanel]:
        """The valid panels by name; a broken one is logged and left out."""
        if self._panels is None:
            self._panels = {}
            for offered in self.hub.plugins.hook.linli_frontend_panels():
                for panel in offered or ():
                    if (problem := _problem(panel)) is not None:
                        _LOGGER.error("The web app panel %r is left out: %s", panel.name, problem)
                    elif panel.name in self._panels:
                        _LOGGER.error("Two plugins offer a web app panel %r", panel.name)
                    else:
                        self._panels[panel.name] = panel
        return self._panels

    def visible_to(self, role: str | None) -> list[dict[str, Any]]:
        """The panels ``role`` may open (None: a token without a user: those for everyone),
        as the web app lists them."""
        return [
            {
                "name": panel.name,
                "title": panel.title,
                "icon": panel.icon,
                "module_url": f"{PANELS_PATH}{panel.name}/{panel.module_url}",
            }
            for panel in self.all().values()
            if not panel.roles or role in panel.roles
        ]
