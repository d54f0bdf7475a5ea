"""What a caller may see: the one place the API checks it.

Every handler that shows states goes through here. Until households and their members
arrive (the community issue), every valid token sees every state; the permission check of
a household's token belongs in these functions and nowhere else.
"""

from __future__ import annotations

from aiohttp import web

from ..states import State
from .view import hub_of, not_found


def visible_states(request: web.Request) -> list[State]:
    """The states the caller may see."""
    return [state for state in hub_of(request).states.all() if may_see(request, state.entity_id)]


def may_see(request: web.Request, entity_id: str) -> bool:
    """Whether the caller may see ``entity_id`` (it need not have a state)."""
    return True


def visible_state(request: web.Request, entity_id: str) -> State:
    """The state of ``entity_id`` if the caller may see it; else a 404 (not a 403: an
    entity the caller may not see is one they cannot tell exists)."""
    state = hub_of(request).states.get(entity_id)
    if state is None or not may_see(request, entity_id):
        raise not_found(f"Entity {entity_id!r} not found")
    return state
