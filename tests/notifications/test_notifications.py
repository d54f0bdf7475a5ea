"""Users' notification lists with their push, and the channels the plugins bring."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from linli.config import AlarmsConfig, ExternalContact
from linli.hub import Hub
from linli.notifications import Address, Notification, UnknownNotification
from linli.plugins import PluginManager, hookimpl
from linli.testing import fire_time_changed
from linli.testing.plugin import HubFactory


class Pager:
    name = "pager"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, hub: Hub, recipient: str, message: str) -> None:
        self.sent.append((recipient, message))


class NotAChannel:
    name = "broken"  # and no send()


class Plugin:
    def __init__(self, *channels: Any) -> None:
        self.channels = list(channels)

    @hookimpl
    def linli_notification_channels(self, hub: Hub) -> list[Any]:
        return self.channels


async def test_the_list_and_its_push(hub: Hub) -> None:
    son = hub.users.create("zhang_wei", "resident")
    neighbour = hub.users.create("wang_fang", "resident")
    pushed: list[Notification] = []
    stop = hub.notifications.listen(son.id, pushed.append)

    [note] = hub.notifications.notify([son.id, son.id], title="门铃", message="有快递")
    stop()
    hub.notifications.notify([son.id], title="门铃", message="又有快递")

    assert pushed == [note]
    assert [n.message for n in await hub.notifications.of_user(son.id)] == ["又有快递", "有快递"]
    with pytest.raises(UnknownNotification):
        await hub.notifications.mark_read(note.id, neighbour.id)
    read = await hub.notifications.mark_read(note.id, son.id)
    assert read.read_at is not None
    assert await hub.notifications.mark_read(note.id, son.id) == read  # read once
    [unread] = await hub.notifications.of_user(son.id, unread_only=True)
    assert unread.message == "又有快递"


async def test_channels_come_from_the_plugins(
    hub_factory: HubFactory, plugins: PluginManager, caplog: pytest.LogCaptureFixture
) -> None:
    pager, second = Pager(), Pager()
    plugins.register(Plugin(pager, NotAChannel()), name="pagers")
    plugins.register(Plugin(second), name="more pagers")
    hub = await hub_factory(plugins=plugins)

    assert hub.notifications.channels == {"pager": pager}
    assert "offered <" in caplog.text  # the object without send()
    assert "a second notification channel named 'pager'" in caplog.text
    assert await hub.notifications.send([Address("pager", "110")], "火警")
    assert pager.sent == [("110", "火警")]


async def test_an_address_on_no_channel_fails_and_the_ladder_moves_on(
    hub_factory: HubFactory, plugins: PluginManager, caplog: pytest.LogCaptureFixture
) -> None:
    settings = AlarmsConfig(external=(ExternalContact("sms", "110"),))
    hub = await hub_factory(plugins=plugins, alarms=settings)
    hub.users.create("bao_an", "operator")
    alarm = hub.alarms.raise_alarm(  # no household: the desk, then the outside world
        "smoke", "critical", source_entity_id=None, household_id=None, message="车库"
    )
    assert alarm.escalation_step == 2
    fire_time_changed(hub, timedelta(seconds=60))  # the desk's minute is up
    await hub.block_till_done()
    assert "there is no notification channel 'sms' (channels: none)" in caplog.text
    assert hub.alarms.get(alarm.id).escalation_step == 3
    assert "has climbed its whole ladder and nobody has acknowledged it" in caplog.text
