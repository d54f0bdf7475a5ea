"""Flows driven through a FlowManager: steps, validation, aborts, unique ids, users."""

import asyncio
from dataclasses import replace
from enum import StrEnum
from typing import Any

import pytest
import voluptuous as vol

from linli.exceptions import (
    AbortFlow,
    FlowError,
    InvalidFlowInput,
    UnknownFlow,
    UnknownHandler,
    UnknownStep,
    UnsupportedSchemaError,
)
from linli.flows import (
    FlowContext,
    FlowHandler,
    FlowManager,
    FlowProgress,
    FlowResult,
    FlowResultType,
    Select,
)
from linli.hub import Hub

ALICE = FlowContext(user_id="alice")


class Vendor(StrEnum):
    hive_box = "hive_box"
    cainiao = "cainiao"


class LockerFlow(FlowHandler):
    """Pick the locker bank's vendor, then say where its controller listens."""

    def __init__(self) -> None:
        self.vendor: str | None = None
        self.connect_inputs: list[dict[str, Any]] = []

    async def async_step_user(self, user_input: dict[str, Any] | None) -> FlowResult:
        if user_input is None:
            return self.show_form("user", {vol.Required("vendor"): Select(Vendor)})
        self.vendor = user_input["vendor"]
        return await self.async_step_connect()

    async def async_step_connect(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        schema = {
            vol.Required("host"): str,
            vol.Optional("port", default=8080): vol.All(int, vol.Range(min=1, max=65535)),
        }
        if user_input is None:
            return self.show_form(
                "connect", schema, description_placeholders={"vendor": self.vendor or ""}
            )
        self.connect_inputs.append(user_input)
        if user_input["host"] == "unreachable.local":
            return self.show_form("connect", schema, errors={"base": "cannot_connect"})
        await self.async_set_unique_id(f"{user_input['host']}:{user_input['port']}")
        self.abort_if_unique_id_configured()
        return self.create_entry(
            f"{self.vendor} lockers at {user_input['host']}", {"vendor": self.vendor, **user_input}
        )

    async def async_step_zeroconf(self, discovery_info: dict[str, Any]) -> FlowResult:
        await self.async_set_unique_id(discovery_info["serial"])
        self.abort_if_unique_id_configured()
        self.vendor = discovery_info["vendor"]
        return await self.async_step_confirm()

    async def async_step_confirm(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        info = self.context.discovery_info or {}
        if user_input is None:
            return self.show_form(
                "confirm", description_placeholders={"host": info["host"]}, last_step=True
            )
        return self.create_entry(f"{self.vendor} lockers", {"host": info["host"], "port": 8080})


class GateFlow(FlowHandler):
    """A flow that gives up: the community has no gate controllers to offer."""

    async def async_step_user(self, user_input: dict[str, Any] | None) -> FlowResult:
        return self.abort("no_devices_found", {"searched": "building 3"})

    async def async_step_mqtt(self, discovery_info: dict[str, Any]) -> FlowResult:
        raise AbortFlow("not_supported")


class LockerFlows(FlowManager):
    """A config-flow manager in miniature: entries are kept in a list."""

    def __init__(self, hub: Hub | None = None) -> None:
        super().__init__(hub)
        self.handlers: dict[str, type[FlowHandler]] = {"lockers": LockerFlow, "gate": GateFlow}
        self.entries: list[tuple[str, str | None, dict[str, Any]]] = []
        self.finished: list[FlowResultType] = []
        self.created: list[FlowHandler] = []

    async def create_flow(self, handler_key: str, context: FlowContext) -> FlowHandler:
        if handler_key not in self.handlers:
            raise UnknownHandler(handler_key, "no integration of that domain has a config flow")
        flow = self.handlers[handler_key]()
        self.created.append(flow)
        return flow

    async def finish_flow(self, flow: FlowHandler, result: FlowResult) -> FlowResult:
        self.finished.append(result.type)
        if result.type is not FlowResultType.create_entry:
            return result
        assert result.data is not None
        self.entries.append((flow.handler, flow.unique_id, result.data))
        return replace(result, result=f"entry-{len(self.entries)}")

    def unique_id_in_use(self, handler_key: str, unique_id: str) -> bool:
        return any(entry[:2] == (handler_key, unique_id) for entry in self.entries)


@pytest.fixture
def flows() -> LockerFlows:
    return LockerFlows()


async def start_connect_step(flows: LockerFlows, user_id: str = "alice") -> FlowResult:
    result = await flows.init("lockers", context=FlowContext(user_id=user_id))
    return await flows.configure(result.flow_id, {"vendor": "cainiao"}, user_id=user_id)


async def test_two_step_flow_creates_an_entry(flows: LockerFlows) -> None:
    result = await flows.init("lockers", context=ALICE)

    assert result.type is FlowResultType.form
    assert (result.handler, result.step_id, result.errors) == ("lockers", "user", {})
    assert result.data_schema == [
        {"name": "vendor", "type": "select", "required": True, "choices": ["hive_box", "cainiao"]}
    ]
    flow_id = result.flow_id

    result = await flows.configure(flow_id, {"vendor": "cainiao"}, user_id="alice")

    assert (result.type, result.flow_id, result.step_id) == ("form", flow_id, "connect")
    assert result.description_placeholders == {"vendor": "cainiao"}
    assert [field["name"] for field in result.data_schema or ()] == ["host", "port"]

    result = await flows.configure(flow_id, {"host": "10.0.3.7"}, user_id="alice")

    assert result.type is FlowResultType.create_entry
    assert result.title == "cainiao lockers at 10.0.3.7"
    assert result.data == {"vendor": "cainiao", "host": "10.0.3.7", "port": 8080}
    assert result.result == "entry-1"
    assert flows.entries == [("lockers", "10.0.3.7:8080", result.data)]
    assert flows.progress() == []
    with pytest.raises(UnknownFlow):
        await flows.configure(flow_id, {"host": "10.0.3.7"}, user_id="alice")


async def test_results_as_json(flows: LockerFlows) -> None:
    form = await start_connect_step(flows)
    done = await flows.configure(form.flow_id, {"host": "h", "port": 1}, user_id="alice")

    assert form.as_dict() == {
        "type": "form",
        "flow_id": form.flow_id,
        "handler": "lockers",
        "step_id": "connect",
        "data_schema": [
            {"name": "host", "type": "string", "required": True},
            {
                "name": "port",
                "type": "integer",
                "required": False,
                "default": 8080,
                "min": 1,
                "max": 65535,
            },
        ],
        "errors": {},
        "description_placeholders": {"vendor": "cainiao"},
    }
    assert done.as_dict() == {
        "type": "create_entry",
        "flow_id": form.flow_id,
        "handler": "lockers",
        "title": "cainiao lockers at h",
        "data": {"vendor": "cainiao", "host": "h", "port": 1},
    }


@pytest.mark.parametrize(
    ("user_input", "errors"),
    [
        ({"host": "10.0.3.7", "port": "abc"}, {"port": "expected an integer"}),
        ({"host": "10.0.3.7", "port": 0}, {"port": "value must be at least 1"}),
        ({"port": 70000}, {"host": "required", "port": "value must be at most 65535"}),
        ({"host": 42}, {"host": "expected text"}),
    ],
)
async def test_wrong_types_give_field_errors_and_the_flow_stays(
    flows: LockerFlows, user_input: dict[str, Any], errors: dict[str, str]
) -> None:
    form = await start_connect_step(flows)

    result = await flows.configure(form.flow_id, user_input, user_id="alice")

    assert result.type is FlowResultType.form
    assert (result.step_id, result.errors) == ("connect", errors)
    assert result.data_schema == form.data_schema
    assert flows.progress("alice")[0].step_id == "connect"
    done = await flows.configure(form.flow_id, {"host": "10.0.3.7"}, user_id="alice")
    assert done.type is FlowResultType.create_entry
    (flow,) = flows.created
    assert flow.connect_inputs == [{"host": "10.0.3.7", "port": 8080}]  # only the valid input


async def test_step_errors_for_the_whole_form(flows: LockerFlows) -> None:
    form = await start_connect_step(flows)

    result = await flows.configure(form.flow_id, {"host": "unreachable.local"}, user_id="alice")

    assert (result.type, result.step_id) == ("form", "connect")
    assert result.errors == {"base": "cannot_connect"}
    assert flows.get(form.flow_id, user_id="alice") == result


async def test_input_a_form_cannot_send_is_refused(flows: LockerFlows) -> None:
    form = await start_connect_step(flows)

    with pytest.raises(InvalidFlowInput) as caught:
        await flows.configure(form.flow_id, {"host": "h", "pin": 1, "tls": 1}, user_id="alice")
    assert str(caught.value) == (
        "Step 'connect' of flow handler 'lockers' has no field 'pin', 'tls'; "
        "its fields are: host, port"
    )
    with pytest.raises(InvalidFlowInput, match="takes a mapping of fields, not list"):
        await flows.configure(form.flow_id, ["h"], user_id="alice")  # type: ignore[arg-type]
    assert flows.get(form.flow_id, user_id="alice").step_id == "connect"


async def test_abort_reasons_end_the_flow(flows: LockerFlows) -> None:
    result = await flows.init("gate", context=ALICE)

    assert result.type is FlowResultType.abort
    assert result.reason == "no_devices_found"
    assert result.description_placeholders == {"searched": "building 3"}
    assert result.as_dict() == {
        "type": "abort",
        "flow_id": result.flow_id,
        "handler": "gate",
        "reason": "no_devices_found",
        "description_placeholders": {"searched": "building 3"},
    }

    raised = await flows.init("gate", context=FlowContext(source="mqtt", discovery_info={}))

    assert (raised.type, raised.reason) == ("abort", "not_supported")
    assert flows.finished == ["abort", "abort"]
    assert flows.progress() == []


async def test_finish_flow_may_abort(flows: LockerFlows) -> None:
    async def refuse(flow: FlowHandler, result: FlowResult) -> FlowResult:
        raise AbortFlow("reauth_required", {"vendor": "cainiao"})

    flows.finish_flow = refuse  # type: ignore[method-assign]
    form = await start_connect_step(flows)

    result = await flows.configure(form.flow_id, {"host": "h"}, user_id="alice")

    assert (result.type, result.reason) == ("abort", "reauth_required")
    assert result.description_placeholders == {"vendor": "cainiao"}
    assert flows.progress() == []


async def test_manager_abort_forgets_the_flow(flows: LockerFlows) -> None:
    form = await start_connect_step(flows)

    flows.abort(form.flow_id)

    assert flows.progress() == []
    with pytest.raises(UnknownFlow, match=f"No flow '{form.flow_id}' in progress"):
        await flows.configure(form.flow_id, {"host": "h"}, user_id="alice")
    with pytest.raises(UnknownFlow):
        flows.abort(form.flow_id)


async def test_unique_id_already_configured(flows: LockerFlows) -> None:
    first = await start_connect_step(flows)
    await flows.configure(first.flow_id, {"host": "10.0.3.7"}, user_id="alice")
    second = await start_connect_step(flows, "bob")

    result = await flows.configure(second.flow_id, {"host": "10.0.3.7"}, user_id="bob")

    assert (result.type, result.reason) == ("abort", "already_configured")
    assert len(flows.entries) == 1
    other_port = await start_connect_step(flows, "bob")
    result = await flows.configure(
        other_port.flow_id, {"host": "10.0.3.7", "port": 81}, user_id="bob"
    )
    assert result.type is FlowResultType.create_entry


async def test_unique_id_already_in_progress(flows: LockerFlows) -> None:
    announcement = {"serial": "HB-0042", "vendor": "hive_box", "host": "10.0.3.9"}
    zeroconf = FlowContext(source="zeroconf", discovery_info=announcement)

    first = await flows.init("lockers", context=zeroconf)
    again = await flows.init("lockers", context=replace(zeroconf))

    assert (first.type, first.step_id) == ("form", "confirm")
    assert (again.type, again.reason) == ("abort", "already_in_progress")
    assert [flow.flow_id for flow in flows.flows_with_unique_id("lockers", "HB-0042")] == [
        first.flow_id
    ]
    flows.abort(first.flow_id)
    after_abort = await flows.init("lockers", context=replace(zeroconf))
    assert after_abort.step_id == "confirm"


async def test_a_user_sees_and_continues_only_their_own_flows(flows: LockerFlows) -> None:
    alices = await start_connect_step(flows, "alice")
    bobs = await flows.init("lockers", context=FlowContext(user_id="bob"))

    assert flows.progress("alice") == [
        FlowProgress(alices.flow_id, "lockers", "connect", FlowContext(user_id="alice"))
    ]
    assert [item.flow_id for item in flows.progress("bob")] == [bobs.flow_id]
    assert {item.flow_id for item in flows.progress()} == {alices.flow_id, bobs.flow_id}
    with pytest.raises(UnknownFlow):
        await flows.configure(alices.flow_id, {"host": "h"}, user_id="bob")
    with pytest.raises(UnknownFlow):
        await flows.configure(alices.flow_id, {"host": "h"}, user_id=None)
    with pytest.raises(UnknownFlow):
        flows.get(alices.flow_id, user_id="bob")
    with pytest.raises(UnknownFlow):
        flows.abort(alices.flow_id, user_id="bob")

    flows.abort(alices.flow_id, user_id="alice")

    assert [item.flow_id for item in flows.progress()] == [bobs.flow_id]


async def test_discovery_starts_a_flow_the_first_user_to_continue_takes(
    flows: LockerFlows,
) -> None:
    announcement = {"serial": "HB-0042", "vendor": "hive_box", "host": "10.0.3.9"}

    result = await flows.init(
        "lockers", context=FlowContext(source="zeroconf", discovery_info=announcement)
    )

    assert (result.type, result.step_id, result.data_schema) == ("form", "confirm", [])
    assert (result.description_placeholders, result.last_step) == ({"host": "10.0.3.9"}, True)
    (listed,) = flows.progress("alice")
    assert (listed.context.source, listed.context.unique_id) == ("zeroconf", "HB-0042")
    assert flows.progress("bob") == [listed]

    again = await flows.configure(result.flow_id, None, user_id="alice")

    assert again == result
    assert flows.progress("bob") == []
    with pytest.raises(UnknownFlow):
        await flows.configure(result.flow_id, {}, user_id="bob")
    done = await flows.configure(result.flow_id, {}, user_id="alice")
    assert done.type is FlowResultType.create_entry
    assert done.data == {"host": "10.0.3.9", "port": 8080}
    assert flows.entries == [("lockers", "HB-0042", done.data)]


async def test_discovery_of_a_configured_device_aborts(flows: LockerFlows) -> None:
    flows.entries.append(("lockers", "HB-0042", {}))
    announcement = {"serial": "HB-0042", "vendor": "hive_box", "host": "10.0.3.9"}

    result = await flows.init(
        "lockers", context=FlowContext(source="zeroconf", discovery_info=announcement)
    )

    assert (result.type, result.reason) == ("abort", "already_configured")
    assert flows.progress() == []


async def test_a_form_submitted_twice_runs_its_step_once(flows: LockerFlows) -> None:
    form = await start_connect_step(flows)

    results = await asyncio.gather(
        flows.configure(form.flow_id, {"host": "h"}, user_id="alice"),
        flows.configure(form.flow_id, {"host": "h"}, user_id="alice"),
        return_exceptions=True,
    )

    assert results[0].type is FlowResultType.create_entry  # type: ignore[union-attr]
    assert isinstance(results[1], UnknownFlow)
    assert len(flows.entries) == 1


async def test_unknown_handler_is_named(flows: LockerFlows) -> None:
    with pytest.raises(UnknownHandler) as caught:
        await flows.init("parking", context=ALICE)

    assert str(caught.value) == (
        "No flow handler 'parking': no integration of that domain has a config flow"
    )
    assert caught.value.handler == "parking"


async def test_a_source_without_its_step_is_an_unknown_step(flows: LockerFlows) -> None:
    context = FlowContext(source="mqtt", discovery_info={"topic": "lockers/1"})

    with pytest.raises(UnknownStep, match="Flow handler 'lockers' has no step 'mqtt': define"):
        await flows.init("lockers", context=context)

    assert flows.progress() == []
    assert flows.flows_with_unique_id("lockers", "x") == []


class BrokenFlow(FlowHandler):
    async def async_step_user(self, user_input: dict[str, Any] | None) -> FlowResult:
        if user_input is None:
            return self.show_form("user", {vol.Required("pattern"): vol.Match("^a")})
        return None  # type: ignore[return-value]

    async def async_step_forgot_return(self, user_input: dict[str, Any] | None) -> FlowResult:
        return None  # type: ignore[return-value]

    async def async_step_typo(self, user_input: dict[str, Any] | None) -> FlowResult:
        return self.show_form("conect")


@pytest.mark.parametrize(
    ("source", "error", "message"),
    [
        (
            "user",
            UnsupportedSchemaError,
            "Cannot render field 'pattern' of step 'user' of flow handler 'broken' as a form: "
            "Match('^a', msg=None) is not supported",
        ),
        (
            "forgot_return",
            FlowError,
            "Step 'forgot_return' of flow handler 'broken' returned None; a step returns "
            "self.show_form(), self.create_entry() or self.abort()",
        ),
        ("typo", UnknownStep, "Flow handler 'broken' has no step 'conect': define async_step_"),
    ],
)
async def test_developer_mistakes_are_told_at_once(
    flows: LockerFlows, source: str, error: type[Exception], message: str
) -> None:
    flows.handlers = {"broken": BrokenFlow}

    with pytest.raises(error) as caught:
        await flows.init("broken", context=FlowContext(user_id="alice", source=source))

    assert str(caught.value).startswith(message)
    assert flows.progress() == []


class PollingOptionsFlow(FlowHandler):
    """An options flow: its handler key is a config entry id, its defaults the options."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options

    async def async_step_options(self, user_input: dict[str, Any] | None) -> FlowResult:
        if user_input is not None:
            return self.create_entry("", user_input)
        interval = self.options["interval"]
        return self.show_form(
            "options",
            {vol.Optional("interval", default=interval): vol.All(int, vol.Range(min=10))},
        )


class OptionsFlows(FlowManager):
    def __init__(self, hub: Hub) -> None:
        super().__init__(hub)
        self.options = {"0f3a": {"interval": 60}}

    async def create_flow(self, handler_key: str, context: FlowContext) -> FlowHandler:
        if handler_key not in self.options:
            raise UnknownHandler(handler_key, "no such config entry")
        return PollingOptionsFlow(self.options[handler_key])

    async def finish_flow(self, flow: FlowHandler, result: FlowResult) -> FlowResult:
        assert flow.hub is not None
        assert result.data is not None
        self.options[flow.handler] = result.data
        flow.hub.bus.fire("options_updated", {"entry_id": flow.handler})
        return result


async def test_options_flow_keyed_by_a_config_entry(hub: Hub) -> None:
    fired: list[str] = []
    hub.bus.listen("options_updated", lambda event: fired.append(event.data["entry_id"]))
    flows = OptionsFlows(hub)

    form = await flows.init("0f3a", context=FlowContext(user_id="alice", source="options"))

    assert form.data_schema == [
        {"name": "interval", "type": "integer", "required": False, "default": 60, "min": 10}
    ]
    result = await flows.configure(form.flow_id, {"interval": 5}, user_id="alice")
    assert result.errors == {"interval": "value must be at least 10"}
    result = await flows.configure(form.flow_id, {}, user_id="alice")
    assert (result.type, result.data) == ("create_entry", {"interval": 60})
    result = await flows.init("0f3a", context=FlowContext(user_id="alice", source="options"))
    result = await flows.configure(result.flow_id, {"interval": 30}, user_id="alice")
    assert flows.options == {"0f3a": {"interval": 30}}
    assert fired == ["0f3a", "0f3a"]
