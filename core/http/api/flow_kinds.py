"""The kinds of flows the API runs, shared by the REST routes and the WebSocket commands.

Config flows make entries (handler = an integration's domain); options flows change an
entry's options (handler = the entry's id). Who may start one is the permission rules'
answer for what the flow acts on: the entry to come (:class:`~linli.http.access.NewEntry`,
for the caller's household or the community) or the entry whose options change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from ...auth.permissions import Action
from ...flows.handler import FlowContext
from ..access import Caller, NewEntry
from ..view import not_found

if TYPE_CHECKING:
    from ...config_entries import ConfigEntry
    from ...flows.manager import FlowManager
    from ...hub import Hub


@dataclass(frozen=True, slots=True)
class FlowKind:
    """One kind of flow: its commands' prefix and how a handler key finds its manager."""

    prefix: str  # of the WebSocket commands
    path: str  # of the REST routes
    manager_of: Callable[[Hub], FlowManager]
    exists: Callable[[Hub, str], bool]  # whether the thing a handler key names is there
    handler_is: str  # what a handler key is, for the not-found message
    # What a flow of a handler key acts on, for the caller and the household they name;
    # None if the caller may not see it.
    target_of: Callable[[Caller, str, str | None], NewEntry | ConfigEntry | None]

    def context_for(self, who: Caller, handler: str, household_id: str | None) -> FlowContext:
        """The context of a flow of ``handler`` that ``who`` starts, for ``household_id``
        (None: as their role adds devices); an ApiError (404, 403) if they may not."""
        target = (
            self.target_of(who, handler, household_id) if self.exists(who.hub, handler) else None
        )
        if target is None:
            raise not_found(f"No flow handler {handler!r}: the handler is {self.handler_is}")
        if isinstance(target, NewEntry):
            action = Action.add_device if target.is_device else Action.configure_integrations
            who.require(action, target)
            return FlowContext(user_id=who.user_id, household_id=target.household_id)
        who.require(Action.manage_devices, target)
        return FlowContext(user_id=who.user_id)


def _visible_entry(who: Caller, entry_id: str, _household_id: str | None) -> ConfigEntry | None:
    entry = who.hub.config_entries.get(entry_id)
    return entry if entry is not None and who.may(Action.read_config_entries, entry) else None


FLOW_KINDS: Final = (
    FlowKind(
        "config_entries/flow",
        "/api/config/flows",
        lambda hub: hub.config_entries.flow,
        lambda hub, domain: hub.integrations.catalog.get(domain) is not None,
        "the domain of an integration with a config flow",
        Caller.new_entry,
    ),
    FlowKind(
        "config_entries/options/flow",
        "/api/config/options/flows",
        lambda hub: hub.config_entries.options,
        lambda hub, entry_id: hub.config_entries.get(entry_id) is not None,
        "the id of a config entry whose integration has options",
        _visible_entry,
    ),
)
