"""The event bus: what a listener receives, and what it never sees."""

import asyncio
import logging

import pytest

from linli.const import MATCH_ALL
from linli.context import Context
from linli.events import Event
from linli.hub import Hub


async def test_listener_receives_type_data_and_context(hub: Hub) -> None:
    received: list[Event] = []
    hub.bus.listen("parcel_arrived", received.append)
    context = Context(user_id="courier-7", origin="device")

    hub.bus.fire("parcel_arrived", {"locker": "A-03"}, context)

    assert len(received) == 1
    event = received[0]
    assert event.event_type == "parcel_arrived"
    assert event.data == {"locker": "A-03"}
    assert event.context is context
    assert abs(event.time_fired_timestamp - hub.clock.time()) < 5


async def test_event_without_context_still_has_one(hub: Hub) -> None:
    received: list[Event] = []
    hub.bus.listen("ping", received.append)
    hub.bus.fire("ping")
    hub.bus.fire("ping")

    first, second = received[0].context, received[1].context
    assert first.id != second.id
    assert first.origin == "hub"


async def test_only_listeners_of_the_type_and_match_all_are_called(hub: Hub) -> None:
    smoke: list[str] = []
    everything: list[str] = []
    hub.bus.listen("smoke_detected", lambda event: smoke.append(event.event_type))
    hub.bus.listen(MATCH_ALL, lambda event: everything.append(event.event_type))

    hub.bus.fire("smoke_detected")
    hub.bus.fire("gas_detected")

    assert smoke == ["smoke_detected"]
    assert everything == ["smoke_detected", "gas_detected"]


async def test_filter_sees_raw_data_and_rejected_events_are_not_built(hub: Hub) -> None:
    seen_by_filter: list[dict] = []
    delivered: list[Event] = []

    def only_building_7(data: dict) -> bool:
        seen_by_filter.append(data)
        return data.get("building") == "7"

    hub.bus.listen("door_opened", delivered.append, only_building_7)
    hub.bus.fire("door_opened", {"building": "3"})
    hub.bus.fire("door_opened", {"building": "7"})

    assert seen_by_filter == [{"building": "3"}, {"building": "7"}]
    assert [event.data["building"] for event in delivered] == ["7"]


async def test_unsubscribe_stops_delivery_and_is_idempotent(hub: Hub) -> None:
    received: list[Event] = []
    unsubscribe = hub.bus.listen("tick", received.append)
    hub.bus.fire("tick")
    unsubscribe()
    unsubscribe()
    hub.bus.fire("tick")

    assert len(received) == 1
    assert "tick" not in hub.bus.listener_counts()


async def test_listen_once_delivers_a_single_event(hub: Hub) -> None:
    received: list[Event] = []
    hub.bus.listen_once("sos", received.append)
    hub.bus.fire("sos", {"n": 1})
    hub.bus.fire("sos", {"n": 2})

    assert [event.data["n"] for event in received] == [1]
    assert "sos" not in hub.bus.listener_counts()


async def test_listen_once_respects_its_filter(hub: Hub) -> None:
    received: list[Event] = []
    hub.bus.listen_once("sos", received.append, lambda data: data["n"] == 2)
    for n in (1, 2, 3):
        hub.bus.fire("sos", {"n": n})

    assert [event.data["n"] for event in received] == [2]


async def test_listen_once_removed_before_firing_is_never_called(hub: Hub) -> None:
    received: list[Event] = []
    remove = hub.bus.listen_once("sos", received.append)
    remove()
    hub.bus.fire("sos")
    assert received == []


async def test_sync_listeners_run_inline_coroutines_become_tasks(hub: Hub) -> None:
    order: list[str] = []

    async def slow_listener(event: Event) -> None:
        order.append("coroutine started")
        await asyncio.sleep(0)
        order.append("coroutine finished")

    hub.bus.listen("call", lambda event: order.append("sync"))
    hub.bus.listen("call", slow_listener)

    hub.bus.fire("call")
    order.append("fire returned")
    await hub.block_till_done()

    assert order == ["sync", "fire returned", "coroutine started", "coroutine finished"]


async def test_listen_once_with_a_coroutine(hub: Hub) -> None:
    received: list[int] = []

    async def record(event: Event) -> None:
        received.append(event.data["n"])

    hub.bus.listen_once("sos", record)
    hub.bus.fire("sos", {"n": 1})
    hub.bus.fire("sos", {"n": 2})
    await hub.block_till_done()
    assert received == [1]


async def test_a_failing_listener_is_logged_by_name_and_others_still_run(
    hub: Hub, caplog: pytest.LogCaptureFixture
) -> None:
    received: list[Event] = []

    def broken_wristband_listener(event: Event) -> None:
        raise RuntimeError("battery level missing")

    hub.bus.listen("reading", broken_wristband_listener)
    hub.bus.listen("reading", received.append)
    with caplog.at_level(logging.ERROR):
        hub.bus.fire("reading")

    assert len(received) == 1
    assert "broken_wristband_listener" in caplog.text
    assert "battery level missing" in caplog.text


async def test_a_failing_filter_is_logged_and_others_still_run(
    hub: Hub, caplog: pytest.LogCaptureFixture
) -> None:
    received: list[Event] = []
    hub.bus.listen("reading", received.append, lambda data: data["missing_key"])
    hub.bus.listen("reading", received.append)
    with caplog.at_level(logging.ERROR):
        hub.bus.fire("reading", {})
    assert len(received) == 1
    assert "missing_key" in caplog.text


async def test_a_failing_coroutine_listener_is_logged(
    hub: Hub, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken_coroutine(event: Event) -> None:
        raise RuntimeError("gateway offline")

    hub.bus.listen("reading", broken_coroutine)
    with caplog.at_level(logging.ERROR):
        hub.bus.fire("reading")
        await hub.block_till_done()
    assert "gateway offline" in caplog.text


async def test_listener_added_during_delivery_sees_only_later_events(hub: Hub) -> None:
    late: list[Event] = []

    def subscribe_another(event: Event) -> None:
        hub.bus.listen("tick", late.append)

    unsubscribe = hub.bus.listen("tick", subscribe_another)
    hub.bus.fire("tick")
    unsubscribe()
    hub.bus.fire("tick")
    assert len(late) == 1


async def test_event_as_dict_is_json_ready(hub: Hub) -> None:
    received: list[Event] = []
    hub.bus.listen("x", received.append)
    hub.bus.fire("x", {"a": 1}, Context(user_id="u1"))
    as_dict = received[0].as_dict()
    assert as_dict["event_type"] == "x"
    assert as_dict["data"] == {"a": 1}
    assert as_dict["context"]["user_id"] == "u1"
    assert as_dict["time_fired"].endswith("+00:00")
