"""The flow manager: starts flows, feeds them validated input, and keeps them per user."""

from __future__ import annotations

import asyncio
import uuid
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import voluptuous as vol

from ..exceptions import AbortFlow, FlowError, InvalidFlowInput, UnknownFlow, UnknownStep
from .handler import FlowContext, FlowHandler, FlowResult, FlowResultType

if TYPE_CHECKING:
    from ..hub import Hub

# voluptuous's messages, said the way a form shows them.
_FRIENDLY_MESSAGES = {
    "expected int": "expected an integer",
    "expected float": "expected a number",
    "expected str": "expected text",
    "expected bool": "expected true or false",
    "required key not provided": "required",
}


@dataclass(frozen=True, slots=True)
class FlowProgress:
    """A flow waiting for input, as listed by :meth:`FlowManager.progress`."""

    flow_id: str
    handler: str
    step_id: str
    context: FlowContext


class FlowManager(ABC):
    """Runs flows of one kind (config flows, options flows…) for the hub's users.

    Subclasses say how a handler key (an integration's domain, a config entry id) becomes
    a :class:`FlowHandler` in :meth:`create_flow`, and what a finished flow makes in
    :meth:`finish_flow`. A flow belongs to the user who started it: another user's
    flow id is an :class:`UnknownFlow`. A flow ends, and is forgotten, when it creates
    its result or aborts.
    """

    def __init__(self, hub: Hub | None = None) -> None:
        self.hub = hub
        self._flows: dict[str, FlowHandler] = {}

    @abstractmethod
    async def create_flow(self, handler_key: str, context: FlowContext) -> FlowHandler:
        """Return a new handler for ``handler_key``; raise ``UnknownHandler`` if none."""

    async def finish_flow(self, flow: FlowHandler, result: FlowResult) -> FlowResult:
        """Act on a flow's final result (create_entry or abort); return what the user sees.

        Raising :class:`AbortFlow` here turns the result into an abort.
        """
        return result

    def unique_id_in_use(self, handler_key: str, unique_id: str) -> bool:
        """Whether ``unique_id`` is already configured for ``handler_key``."""
        return False

    async def init(self, handler_key: str, *, context: FlowContext) -> FlowResult:
        """Start a flow and run its first step, ``async_step_<context.source>``.

        The step gets ``context.discovery_info`` (None when a user starts the flow). The
        flow keeps a copy of ``context``, which its steps may change (``unique_id``).
        """
        context = replace(context)
        flow = await self.create_flow(handler_key, context)
        flow.manager = self
        flow.hub = self.hub
        flow.flow_id = uuid.uuid4().hex
        flow.handler = handler_key
        flow.context = context
        flow.step_lock = asyncio.Lock()
        # Registered before the first step runs, so that a second flow for the same
        # unique id started meanwhile finds this one.
        self._flows[flow.flow_id] = flow
        try:
            async with flow.step_lock:
                return await self._run_step(flow, context.source, context.discovery_info)
        except BaseException:
            self._flows.pop(flow.flow_id, None)
            raise

    async def configure(
        self, flow_id: str, user_input: Mapping[str, Any] | None, *, user_id: str | None
    ) -> FlowResult:
        """Give the form a flow waits on its input and run the step.

        Input that does not pass the form's schema does not reach the step: the same form
        comes back with ``errors`` per field. Fields the form does not have, or input that
        is not a mapping, raise :class:`InvalidFlowInput`. ``user_input`` None asks the
        step to show its form again. A step that raises leaves the flow on its form.
        """
        flow, _ = self._get(flow_id, user_id)
        async with flow.step_lock:
            # Looked at again: an earlier submission may have finished the flow meanwhile.
            form = flow.current_step
            if self._flows.get(flow_id) is not flow or form is None or form.step_id is None:
                raise UnknownFlow(flow_id)
            if flow.context.user_id is None:
                flow.context.user_id = user_id  # a discovered flow: who continues it owns it
            if user_input is not None:
                user_input, errors = self._validate(flow, form, user_input)
                if errors:
                    return replace(form, errors=errors)
            return await self._run_step(flow, form.step_id, user_input)

    def get(self, flow_id: str, *, user_id: str | None) -> FlowResult:
        """The form a flow of ``user_id`` (or an unowned one) is waiting on."""
        return self._get(flow_id, user_id)[1]

    def abort(self, flow_id: str, *, user_id: str | None = None) -> None:
        """Forget a flow in progress.

        With ``user_id``, only a flow that user may continue; without, any flow (the hub
        itself aborting, e.g. when the thing the flow configures went away).
        """
        if user_id is not None:
            self._get(flow_id, user_id)
        elif flow_id not in self._flows:
            raise UnknownFlow(flow_id)
        del self._flows[flow_id]

    def progress(self, user_id: str | None = None) -> list[FlowProgress]:
        """Flows waiting for input, or only those ``user_id`` may continue.

        A user may continue their own flows and the unowned ones discovery started.
        """
        return [
            FlowProgress(
                flow.flow_id, flow.handler, flow.current_step.step_id, replace(flow.context)
            )
            for flow in self._flows.values()
            if flow.current_step is not None
            and flow.current_step.step_id is not None
            and (user_id is None or flow.context.user_id in (None, user_id))
        ]

    def flows_with_unique_id(self, handler_key: str, unique_id: str) -> list[FlowHandler]:
        """Flows in progress (first steps included) for ``handler_key`` and ``unique_id``."""
        return [
            flow
            for flow in self._flows.values()
            if flow.handler == handler_key and flow.context.unique_id == unique_id
        ]

    def _get(self, flow_id: str, user_id: str | None) -> tuple[FlowHandler, FlowResult]:
        """The flow and the form it waits on, if ``user_id`` may continue it."""
        flow = self._flows.get(flow_id)
        if flow is None or flow.current_step is None or flow.context.user_id not in (None, user_id):
            raise UnknownFlow(flow_id)
        return flow, flow.current_step

    async def _run_step(
        self, flow: FlowHandler, step_id: str, user_input: Mapping[str, Any] | None
    ) -> FlowResult:
        step = getattr(flow, f"async_step_{step_id}", None)
        if not callable(step):
            raise UnknownStep(flow.handler, step_id)
        try:
            result = await step(user_input)
        except AbortFlow as error:
            result = flow.abort(error.reason, error.description_placeholders)
        if not isinstance(result, FlowResult):
            raise FlowError(
                f"Step {step_id!r} of flow handler {flow.handler!r} returned {result!r}; "
                "a step returns self.show_form(), self.create_entry() or self.abort()"
            )
        if result.type is FlowResultType.form:
            flow.current_step = result
            return result
        try:
            result = await self.finish_flow(flow, result)
        except AbortFlow as error:
            result = flow.abort(error.reason, error.description_placeholders)
        self._flows.pop(flow.flow_id, None)  # may be gone already: aborted meanwhile
        return result

    @staticmethod
    def _validate(
        flow: FlowHandler, form: FlowResult, user_input: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """Return the validated input and, if it does not pass, the errors per field."""
        step = f"Step {form.step_id!r} of flow handler {flow.handler!r}"
        if not isinstance(user_input, Mapping):
            raise InvalidFlowInput(
                f"{step} takes a mapping of fields, not {type(user_input).__name__}"
            )
        known = [field["name"] for field in form.data_schema or ()]
        if unknown := [name for name in user_input if name not in known]:
            raise InvalidFlowInput(
                f"{step} has no field {', '.join(map(repr, unknown))}; "
                f"its fields are: {', '.join(known) or 'none'}"
            )
        if form.vol_schema is None:
            return dict(user_input), {}
        try:
            return form.vol_schema(dict(user_input)), {}
        except vol.MultipleInvalid as error:
            errors: dict[str, str] = {}
            for invalid in error.errors:
                name = str(invalid.path[0]) if invalid.path else "base"
                errors.setdefault(name, _FRIENDLY_MESSAGES.get(invalid.msg, invalid.msg))
            return {}, errors
