"""Config flows: the forms that create config entries, and options flows that change them.

An integration with ``"config_flow": true`` in its manifest has a ``config_flow`` module
defining one subclass of :class:`ConfigFlow`; an entry's options flow comes from that
class's :meth:`ConfigFlow.options_flow`.
"""

from __future__ import annotations

import inspect
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar, cast

from ..exceptions import IntegrationError, LinliError, UnknownHandler
from ..flows import FlowContext, FlowHandler, FlowManager, FlowResult, FlowResultType
from .entry import ConfigEntry, ConfigEntryState

if TYPE_CHECKING:
    from ..hub import Hub
    from ..loader.integration import Integration


class ConfigFlow(FlowHandler):
    """Base of an integration's config flow: define ``async_step_user`` (and others).

    ``VERSION`` is the version of the entries it creates; raise it when their data
    changes shape and give the integration an ``async_migrate_entry``.
    """

    VERSION: ClassVar[int] = 1
    MINOR_VERSION: ClassVar[int] = 1
    #: The household the entry will belong to; None: the whole community.
    household_id: str | None = None

    @staticmethod
    def options_flow(entry: ConfigEntry) -> OptionsFlow | None:
        """The options flow of ``entry``, or None if its options cannot be changed."""
        return None


class OptionsFlow(FlowHandler):
    """Changes an entry's options; its first step is ``async_step_options``."""

    def __init__(self, entry: ConfigEntry) -> None:
        self.entry = entry


def config_flow_class(integration: Integration) -> type[ConfigFlow] | None:
    """The :class:`ConfigFlow` subclass in the integration's config_flow module, if any."""
    if not integration.manifest.config_flow:
        return None
    module = integration.import_platform("config_flow")
    found = [
        value
        for value in vars(module).values()
        if inspect.isclass(value)
        and issubclass(value, ConfigFlow)
        and value.__module__ == module.__name__
    ]
    if len(found) != 1:
        raise IntegrationError(
            f"{module.__name__} must define exactly one ConfigFlow subclass, found {len(found)}"
        )
    return found[0]


class ConfigEntriesFlowManager(FlowManager):
    """Flows keyed by integration domain; a finished flow becomes a config entry."""

    hub: Hub

    async def create_flow(self, handler_key: str, context: FlowContext) -> FlowHandler:
        try:
            flow_class = config_flow_class(self.hub.integrations.catalog.require(handler_key))
        except LinliError as error:
            raise UnknownHandler(handler_key, str(error)) from error
        if flow_class is None:
            raise UnknownHandler(handler_key, "the integration has no config flow")
        flow = flow_class()
        if context.household_id is not None:
            flow.household_id = context.household_id
        return flow

    def unique_id_in_use(self, handler_key: str, unique_id: str) -> bool:
        return self.hub.config_entries.by_unique_id(handler_key, unique_id) is not None

    async def finish_flow(self, flow: FlowHandler, result: FlowResult) -> FlowResult:
        if result.type is not FlowResultType.create_entry:
            return result
        flow = cast(ConfigFlow, flow)
        result.result = await self.hub.config_entries.add(
            flow.handler,
            result.title or flow.handler,
            result.data or {},
            version=flow.VERSION,
            minor_version=flow.MINOR_VERSION,
            source=flow.source,
            unique_id=flow.unique_id,
            household_id=flow.household_id,
        )
        return result


class OptionsFlowManager(FlowManager):
    """Flows keyed by config entry id; a finished flow replaces the entry's options."""

    hub: Hub

    async def init(self, handler_key: str, *, context: FlowContext) -> FlowResult:
        """Start an options flow; it always begins at ``async_step_options``."""
        return await super().init(handler_key, context=replace(context, source="options"))

    async def create_flow(self, handler_key: str, context: FlowContext) -> FlowHandler:
        entries = self.hub.config_entries
        entry = entries.get(handler_key)
        if entry is None:
            raise UnknownHandler(handler_key, "no such config entry")
        try:
            flow_class = config_flow_class(self.hub.integrations.catalog.require(entry.domain))
        except LinliError as error:
            raise UnknownHandler(handler_key, str(error)) from error
        flow = flow_class.options_flow(entry) if flow_class else None
        if flow is None:
            raise UnknownHandler(handler_key, f"{entry.describe()} has no options to change")
        return flow

    async def finish_flow(self, flow: FlowHandler, result: FlowResult) -> FlowResult:
        if result.type is not FlowResultType.create_entry:
            return result
        flow = cast(OptionsFlow, flow)
        entries = self.hub.config_entries
        entries.update(flow.entry, options=result.data or {})
        if flow.entry.state is ConfigEntryState.loaded:
            await entries.reload(flow.entry.id)
        result.result = flow.entry
        return result
