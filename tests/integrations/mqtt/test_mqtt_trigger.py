"""The ``mqtt`` trigger of automations: a message on a topic filter, with or without a
given payload, heard on the hub's broker; and only the staff may use it, since it hears
every household's messages."""

from __future__ import annotations

import aiomqtt
from aiohttp.test_utils import TestClient, TestServer
from mqtt_helpers import wait_for

from linli.hub import Hub

GATE_OPENED = "community/gate/+/opened"
TELL_HOUSEHOLD = {"notify": {"to": "household", "title": "大门", "message": "大门开了"}}


def gate_automation(action: dict[str, object]) -> dict[str, object]:
    return {
        "id": "gate_log",
        "triggers": [{"trigger": "mqtt", "topic": GATE_OPENED, "payload": "1"}],
        "actions": [action],
    }


async def test_a_message_on_the_topic_runs_the_automation(
    embedded_hub: Hub, device: aiomqtt.Client
) -> None:
    automation = embedded_hub.automations.create(
        gate_automation({"event": "gate_opened"}), owner_id=None
    )
    opened: list[object] = []
    embedded_hub.bus.listen("gate_opened", opened.append)

    await device.publish("community/gate/east/opened", "0", qos=1)  # not the payload asked for
    await device.publish("community/gate/east/closed", "1", qos=1)  # not the topic
    await device.publish("community/gate/north/opened", "1", qos=1)
    await wait_for(lambda: opened)

    (trace,) = [run.as_dict() for run in automation.traces]
    assert trace["trigger"]["topic"] == "community/gate/north/opened"
    assert trace["trigger"]["payload"] == "1"
    assert trace["state"] == "finished"
    assert len(opened) == 1


async def test_only_staff_make_mqtt_automations(embedded_hub: Hub) -> None:
    hub = embedded_hub
    household = hub.community.households.create("张家")
    resident = hub.users.create("zhang_wei", "resident")
    hub.community.members.create(household.id, "张伟", "owner", user_id=resident.id)
    operator = hub.users.create("bao_an", "operator")
    tokens = {
        user.id: hub.http.tokens.create("test", user.id, "long_lived")[1]
        for user in (resident, operator)
    }
    async with TestClient(TestServer(hub.http.app, port=0)) as client:

        async def post(user_id: str) -> tuple[int, dict[str, object]]:
            response = await client.post(
                "/api/automations",
                json=gate_automation(TELL_HOUSEHOLD),
                headers={"Authorization": f"Bearer {tokens[user_id]}"},
            )
            return response.status, await response.json()

        status, body = await post(resident.id)
        assert (status, body["code"], body["field"]) == (403, "forbidden", "triggers.0.trigger")
        assert "only operators and admins" in str(body["message"])
        status, body = await post(operator.id)
        assert status == 201, body
    assert [automation.id for automation in hub.automations] == ["gate_log"]
