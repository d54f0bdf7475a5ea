"""The logbook: what happened, in words, and who or what caused it."""

from datetime import timedelta

from linli.context import Context
from linli.hub import Hub
from linli.recorder import logbook
from linli.services import ServiceCall


async def test_a_service_call_by_a_user_explains_the_change(db_hub: Hub) -> None:
    def unlock(call: ServiceCall) -> None:
        db_hub.states.set("lock.gate", "unlocked", context=call.context)

    db_hub.services.register("lock", "unlock", unlock)
    db_hub.states.set("lock.gate", "locked", context=Context(origin="device"))
    start = db_hub.clock.now() - timedelta(seconds=1)
    await db_hub.services.call(
        "lock", "unlock", {"entity_id": "lock.gate"}, context=Context(user_id="owner-502")
    )

    entries = await logbook.entries(db_hub, start, entity_ids="lock.gate")

    assert [(entry.message, entry.cause) for entry in entries] == [
        ("lock.gate changed to locked", "device"),
        ("lock.gate changed to unlocked", "call_service lock.unlock, user owner-502"),
    ]
    assert entries[1].context_user_id == "owner-502"
    assert entries[0].when <= entries[1].when


async def test_a_change_triggered_by_another_names_its_parent(db_hub: Hub) -> None:
    start = db_hub.clock.now()
    reading = Context(origin="device")
    db_hub.states.set("binary_sensor.kitchen_smoke", "on", context=reading)
    db_hub.states.set("siren.hall", "on", context=reading.child(origin="automation"))
    db_hub.states.set("siren.hall", "on", {"volume": 9}, context=Context())  # attributes only

    entries = await logbook.entries(db_hub, start, entity_ids=["siren.hall"])

    assert [(entry.message, entry.cause) for entry in entries] == [
        ("siren.hall changed to on", "triggered by binary_sensor.kitchen_smoke changed to on"),
    ]


async def test_events_are_in_the_logbook_of_everything(db_hub: Hub) -> None:
    start = db_hub.clock.now()
    db_hub.bus.fire("sos_pressed", {"unit": "5-2-1201"}, Context(origin="device"))
    db_hub.services.register("test", "noop", lambda call: None)
    await db_hub.services.call("test", "noop")
    db_hub.states.set("sensor.gas", "0")

    entries = await logbook.entries(db_hub, start)

    assert [(entry.message, entry.cause) for entry in entries] == [
        ("sos_pressed", "device"),  # call_service explains causes, it is no entry itself
        ("sensor.gas changed to 0", "hub"),
    ]
    assert entries[0].as_dict()["message"] == "sos_pressed"


async def test_removal_and_hub_events_read_in_words(hub: Hub) -> None:
    start = hub.clock.now()
    hub.states.set("switch.pump", "on")
    hub.states.remove("switch.pump")
    messages = [entry.message for entry in await logbook.entries(hub, start)]
    assert messages == ["switch.pump changed to on", "switch.pump was removed"]
