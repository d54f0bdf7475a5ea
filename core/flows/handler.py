"""Flow handlers: the steps of one multi-step form, and the results a step returns."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import voluptuous as vol

from ..exceptions import AbortFlow, UnknownStep
from .schema_json import schema_to_json

if TYPE_CHECKING:
    from ..hub import Hub
    from .manager import FlowManager


class FlowResultType(StrEnum):
    form = "form"  # the flow waits for the user to fill in ``data_schema``
    create_entry = "create_entry"  # the flow is done; ``data`` is what it made
    abort = "abort"  # the flow ended without a result, for ``reason``


@dataclass(kw_only=True)
class FlowContext:
    """Who started a flow and why.

    ``user_id`` is None for flows the hub starts itself (discovery); the first user to
    continue such a flow takes it over. ``source`` names the first step: "user" runs
    ``async_step_user(None)``, "zeroconf" runs ``async_step_zeroconf(discovery_info)``.
    ``household_id`` is the household a config flow's entry is for (None: the community).
    """

    user_id: str | None = None
    source: str = "user"
    discovery_info: Mapping[str, Any] | None = None
    unique_id: str | None = None
    household_id: str | None = None


@dataclass(kw_only=True)
class FlowResult:
    """What a step returns, and what the caller (web app, test) gets back."""

    type: FlowResultType
    flow_id: str
    handler: str
    step_id: str | None = None
    data_schema: list[dict[str, Any]] | None = None  # form fields, see schema_json
    errors: dict[str, str] | None = None  # field name, or "base", -> message or error key
    description_placeholders: dict[str, str] | None = None
    last_step: bool | None = None
    title: str | None = None
    data: dict[str, Any] | None = None
    reason: str | None = None
    result: Any = None  # what FlowManager.finish_flow made of the data, e.g. a config entry
    # The form's schema, which the manager validates the user's input against.
    vol_schema: vol.Schema | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """The JSON the web app gets: the fields that are set, without the Python objects."""
        return {
            item.name: value
            for item in fields(self)
            if item.name not in ("result", "vol_schema")
            and (value := getattr(self, item.name)) is not None
        }


class FlowHandler:
    """One run of a multi-step form; subclasses define ``async_step_<step_id>`` methods.

    A step gets its form's input, already validated against the form's schema, or None
    when it should show its form. It returns :meth:`show_form`, :meth:`create_entry` or
    :meth:`abort`, or the result of another step it calls to move on
    (``return await self.async_step_connect()``). Raising :class:`AbortFlow` also aborts.
    """

    # Set by the FlowManager when the flow starts.
    manager: FlowManager
    hub: Hub | None
    flow_id: str
    handler: str
    context: FlowContext
    # Serialises steps, so a form submitted twice in a hurry runs its step once.
    step_lock: asyncio.Lock
    # The form the flow waits on; None while its first step runs.
    current_step: FlowResult | None = None

    @property
    def source(self) -> str:
        return self.context.source

    @property
    def unique_id(self) -> str | None:
        return self.context.unique_id

    def show_form(
        self,
        step_id: str,
        schema: vol.Schema | Mapping[Any, Any] | None = None,
        errors: dict[str, str] | None = None,
        description_placeholders: dict[str, str] | None = None,
        last_step: bool | None = None,
    ) -> FlowResult:
        """Ask the user to fill in ``schema``; the input goes to ``async_step_<step_id>``.

        ``errors`` maps a field name, or "base" for the whole form, to an error key the
        web app translates (e.g. ``{"base": "cannot_connect"}``).
        """
        if not callable(getattr(self, f"async_step_{step_id}", None)):
            raise UnknownStep(self.handler, step_id)
        if schema is not None and not isinstance(schema, vol.Schema):
            schema = vol.Schema(schema)
        return FlowResult(
            type=FlowResultType.form,
            flow_id=self.flow_id,
            handler=self.handler,
            step_id=step_id,
            data_schema=schema_to_json(
                schema, where=f"step {step_id!r} of flow handler {self.handler!r}"
            ),
            errors=dict(errors or {}),
            description_placeholders=description_placeholders,
            last_step=last_step,
            vol_schema=schema,
        )

    def create_entry(self, title: str, data: Mapping[str, Any]) -> FlowResult:
        """Finish the flow with ``data``; the manager's ``finish_flow`` stores it."""
        return FlowResult(
            type=FlowResultType.create_entry,
            flow_id=self.flow_id,
            handler=self.handler,
            title=title,
            data=dict(data),
        )

    def abort(
        self, reason: str, description_placeholders: dict[str, str] | None = None
    ) -> FlowResult:
        """End the flow without a result; ``reason`` is an error key the web app translates."""
        return FlowResult(
            type=FlowResultType.abort,
            flow_id=self.flow_id,
            handler=self.handler,
            reason=reason,
            description_placeholders=description_placeholders,
        )

    async def async_set_unique_id(self, unique_id: str) -> None:
        """Name what this flow configures (a serial number, a broker URL…).

        Aborts with "already_in_progress" when another flow of the same handler is
        already configuring it, e.g. a device that discovery announced twice.
        """
        others = self.manager.flows_with_unique_id(self.handler, unique_id)
        if any(other is not self for other in others):
            raise AbortFlow("already_in_progress")
        self.context.unique_id = unique_id

    def abort_if_unique_id_configured(self) -> None:
        """Abort with "already_configured" when the unique id is already in use."""
        if self.unique_id is not None and self.manager.unique_id_in_use(
            self.handler, self.unique_id
        ):
            raise AbortFlow("already_configured")
