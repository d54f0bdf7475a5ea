"""Consent for protected data: nothing is collected about a person until they (or their
guardian) agree; withdrawing stops collection at once and erases what was kept."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from linli.community.consent import ConsentError, ConsentRefused, ConsentWithdrawn
from linli.entities import DeviceInfo, EntityPlatform
from linli.entities.sensor import SensorEntity, SensorStateClass
from linli.hub import Hub
from linli.plugins import PluginManager
from linli.recorder.history import state_changes
from linli.storage.recorder_schema import state_attributes, statistics
from linli.testing import fire_time_changed
from linli.testing.plugin import HubFactory

EPOCH = datetime.fromtimestamp(0, UTC)


class HeartRate(SensorEntity):
    """A wristband's heart rate, pushed by the wristband (as a vendor would write it)."""

    _attr_should_poll = False
    _attr_unit_of_measurement = "bpm"
    _attr_state_class = SensorStateClass.measurement

    def __init__(self, serial: str, household_id: str, bpm: int = 72) -> None:
        self._attr_unique_id = f"{serial}-heart-rate"
        self._attr_name = "Heart rate"
        self._attr_native_value = bpm
        self._attr_extra_state_attributes = {"resting": bpm < 80}
        self._attr_device_info = DeviceInfo(
            identifiers={("wristband", serial)},
            name=f"Wristband {serial}",
            household_id=household_id,
        )

    def push(self, bpm: int) -> None:
        self._attr_native_value = bpm
        self._attr_extra_state_attributes = {"resting": bpm < 80}
        self.write_state()


class Family:
    """The 张 household: grandma (no account), her son (owner), his wife (family, with an
    account), the daughter who lives elsewhere and cares for grandma; and a neighbour."""

    def __init__(self, hub: Hub) -> None:
        community, users = hub.community, hub.users
        self.household = community.households.create("张家")
        self.son_user = users.create("zhang_wei", "resident")
        self.wife_user = users.create("li_na", "resident")
        self.daughter_user = users.create("zhang_li", "resident")
        self.neighbour_user = users.create("wang_fang", "household_admin")
        self.grandma = community.members.create(self.household.id, "张奶奶", "family")
        self.son = community.members.create(
            self.household.id, "张伟", "owner", user_id=self.son_user.id
        )
        self.wife = community.members.create(
            self.household.id, "李娜", "family", user_id=self.wife_user.id
        )
        self.daughter = community.members.create(
            self.household.id,
            "张丽",
            "caregiver",
            user_id=self.daughter_user.id,
            cares_for=frozenset({self.grandma.id}),
        )
        neighbours = community.households.create("王家")
        self.neighbour = community.members.create(
            neighbours.id, "王芳", "family", user_id=self.neighbour_user.id
        )


@pytest.fixture
def wristband_integration(integration) -> str:
    return integration("wristband", data_categories=["health"])


async def add_wristband(hub: Hub, family: Family, serial: str = "wb-1") -> HeartRate:
    platform = EntityPlatform(hub, "sensor", "wristband")
    sensor = HeartRate(serial, family.household.id)
    await platform.add_entities([sensor])
    return sensor


def state_of(hub: Hub, entity_id: str) -> tuple[str, dict[str, Any]]:
    state = hub.states.get(entity_id)
    assert state is not None
    return state.state, dict(state.attributes)


async def history_of(hub: Hub, entity_id: str) -> list[str]:
    found = await state_changes(hub, entity_id, EPOCH)
    return [state.state for state in found.get(entity_id, [])]


async def test_nothing_is_collected_until_the_person_has_consented(
    hub: Hub, wristband_integration: str
) -> None:
    family = Family(hub)
    sensor = await add_wristband(hub, family)
    heart = sensor.entity_id
    assert state_of(hub, heart) == (
        "unavailable",
        {"unit_of_measurement": "bpm", "friendly_name": "Heart rate", "state_class": "measurement"},
    )  # no subject: whose heart is it?

    hub.consent.assign(sensor.device_entry.id, family.grandma.id, family.daughter_user.id)
    sensor.push(75)
    assert state_of(hub, heart)[0] == "unavailable"  # grandma has not consented

    consent, new = hub.consent.give(family.grandma.id, "health", "all", family.daughter_user.id)
    assert new
    assert (consent.given_as, consent.given_by) == ("caregiver", family.daughter_user.id)
    assert state_of(hub, heart) == (
        "75",
        {
            "unit_of_measurement": "bpm",
            "friendly_name": "Heart rate",
            "state_class": "measurement",
            "resting": True,
        },
    )  # at once, without waiting for the wristband's next reading
    sensor.push(88)
    assert await history_of(hub, heart) == ["unavailable", "75", "88"]

    given = await hub.audit.records("consent_given")
    assert [record.values for record in given] == [
        {
            "consent_id": consent.id,
            "member_id": family.grandma.id,
            "household_id": family.household.id,
            "category": "health",
            "scope": "all",
            "as": "caregiver",
        }
    ]
    assert given[0].actor == family.daughter_user.id


async def test_data_that_is_not_protected_needs_no_consent(
    hub: Hub, integration, entity_factory
) -> None:
    integration("smoke_detector", data_categories=["images"])
    platform = EntityPlatform(hub, "sensor", "smoke_detector")
    sensor = HeartRate("sd-1", Family(hub).household.id)  # no subject, no consent
    await platform.add_entities([sensor])
    assert state_of(hub, sensor.entity_id)[0] == "72"  # images are not health or location
    assert hub.consent.may_collect(entity_factory(state="21.5").entity_id)


async def test_consent_covers_its_category_and_scope_only(
    hub: Hub, integration, wristband_integration: str
) -> None:
    integration("tracker", data_categories=["health", "location"])
    family = Family(hub)
    band = await add_wristband(hub, family)
    platform = EntityPlatform(hub, "sensor", "tracker")
    tracker = HeartRate("tr-1", family.household.id)
    await platform.add_entities([tracker])
    for sensor in (band, tracker):
        hub.consent.assign(sensor.entity_id, family.grandma.id, family.son_user.id)

    hub.consent.give(family.grandma.id, "health", "tracker", family.son_user.id)
    assert not hub.consent.may_collect(band.entity_id)  # scoped to the tracker
    assert not hub.consent.may_collect(tracker.entity_id)  # which collects location too
    hub.consent.give(family.grandma.id, "location", "all", family.son_user.id)
    assert hub.consent.may_collect(tracker.entity_id)
    assert state_of(hub, tracker.entity_id)[0] == "72"
    assert state_of(hub, band.entity_id)[0] == "unavailable"


async def test_withdrawal_stops_collection_and_erases_what_was_kept(
    database_url: str, hub_factory: HubFactory, plugins: PluginManager, integration
) -> None:
    integration("wristband", data_categories=["health"])
    hub = await hub_factory(database_url=database_url, plugins=plugins)
    family = Family(hub)
    mine = await add_wristband(hub, family, "wb-1")
    sons = await add_wristband(hub, family, "wb-2")
    hub.consent.assign(mine.device_entry.id, family.grandma.id, family.son_user.id)
    hub.consent.assign(sons.device_entry.id, family.son.id, family.son_user.id)
    consent, _ = hub.consent.give(family.grandma.id, "health", "wristband", family.son_user.id)
    hub.consent.give(family.son.id, "health", "all", family.son_user.id)
    for bpm in (80, 85):
        mine.push(bpm)
        sons.push(bpm - 10)
    # just past the end of this hour: the hourly statistics of this hour compile, one row
    # per wristband (a whole hour more would compile two, whatever the time of day)
    fire_time_changed(hub, timedelta(seconds=3600 - hub.clock.time() % 3600, minutes=1))
    await hub.block_till_done()
    await hub.recorder.flush()
    count_statistics = sa.select(sa.func.count()).select_from(statistics)
    assert await hub.recorder.run(lambda s: s.execute(count_statistics).scalar_one()) == 2

    with pytest.raises(ConsentRefused):  # grandma's daughter-in-law is no guardian
        await hub.consent.withdraw(consent.id, family.wife_user.id)

    withdrawing = asyncio.ensure_future(hub.consent.withdraw(consent.id, family.daughter_user.id))
    await asyncio.sleep(0)
    assert state_of(hub, mine.entity_id)[0] == "unavailable"  # at once, before the erasure
    withdrawal = await withdrawing
    # unavailable, 72 once she consented, 80, 85, and unavailable again
    assert (withdrawal.erased_entity_ids, withdrawal.states, withdrawal.statistics) == (
        (mine.entity_id,),
        5,
        1,
    )
    assert await history_of(hub, mine.entity_id) == []
    mine.push(90)
    assert await history_of(hub, mine.entity_id) == []
    assert state_of(hub, mine.entity_id)[0] == "unavailable"
    assert await history_of(hub, sons.entity_id) == ["unavailable", "72", "70", "75"]
    assert await hub.recorder.run(lambda s: s.execute(count_statistics).scalar_one()) == 1
    attributes = sa.select(state_attributes.c.shared_attrs)
    kept = await hub.recorder.run(lambda s: s.execute(attributes).scalars().all())
    assert not [text for text in kept if '"resting":false' in text]  # only hers were so

    (withdrawn,) = await hub.audit.records("consent_withdrawn")
    assert (withdrawn.actor, withdrawn.values["as"]) == (family.daughter_user.id, "caregiver")
    (erased,) = await hub.audit.records("history_erased")
    assert erased.values == {
        "consent_id": consent.id,
        "member_id": family.grandma.id,
        "household_id": family.household.id,
        "entity_ids": [mine.entity_id],
        "states": 5,
        "statistics": 1,
    }


async def test_only_the_person_or_those_acting_for_them_give_consent(
    hub: Hub, wristband_integration: str
) -> None:
    family = Family(hub)
    give = hub.consent.give
    assert give(family.wife.id, "health", "all", family.wife_user.id)[0].given_as == "person"
    assert give(family.grandma.id, "health", "all", family.son_user.id)[0].given_as == "guardian"
    assert give(family.grandma.id, "location", "all", family.daughter_user.id)[0].given_as == (
        "caregiver"
    )
    hub.users.update(family.wife_user.id, role="household_admin")
    assert give(family.son.id, "health", "all", family.wife_user.id)[0].given_as == "guardian"

    give(family.daughter.id, "health", "all", family.daughter_user.id)
    refusals = [
        (family.son, family.daughter_user),  # she cares for grandma only
        (family.grandma, family.neighbour_user),  # a household admin of another household
    ]
    for member, user in refusals:
        with pytest.raises(ConsentRefused, match=f"may not act for member {member.name}"):
            give(member.id, "health", "all", user.id)
    admin = hub.users.create("root", "admin")
    with pytest.raises(ConsentRefused, match="only the member, an owner or household admin"):
        give(family.grandma.id, "health", "all", admin.id)


async def test_a_consent_is_refused_with_a_reason(hub: Hub, wristband_integration: str) -> None:
    family = Family(hub)
    user = family.son_user.id
    cases = [
        ((family.grandma.id, "images", "all"), "category", "'images' is not a category"),
        ((family.grandma.id, "location", "wristband"), "scope", "no integration that collects"),
        (
            (family.grandma.id, "health", "charger"),
            "scope",
            r"one of them \(elderly_wristband, wristband\)",
        ),
        (("nobody", "health", "all"), "member_id", "Member 'nobody' does not exist"),
    ]
    for (member_id, category, scope), field, message in cases:
        with pytest.raises(ConsentError, match=message) as caught:
            hub.consent.give(member_id, category, scope, user)
        assert caught.value.field == field

    first, new = hub.consent.give(family.grandma.id, "health", "all", user)
    again, new_again = hub.consent.give(family.grandma.id, "health", "all", user)
    assert (again, new, new_again) == (first, True, False)
    await hub.consent.withdraw(first.id, user)
    with pytest.raises(ConsentWithdrawn, match="is already withdrawn"):
        await hub.consent.withdraw(first.id, user)
    assert len(await hub.audit.records("consent_withdrawn")) == 1


async def test_the_subject_of_an_entity_overrides_its_devices(
    hub: Hub, wristband_integration: str
) -> None:
    family = Family(hub)
    sensor = await add_wristband(hub, family)
    user = family.son_user.id
    hub.consent.assign(sensor.device_entry.id, family.son.id, user)
    hub.consent.give(family.son.id, "health", "all", user)
    assert state_of(hub, sensor.entity_id)[0] == "72"

    hub.consent.assign(sensor.entity_id, family.grandma.id, user)  # grandma wears it now
    assert hub.consent.subject_of(sensor.entity_id) == family.grandma
    assert state_of(hub, sensor.entity_id)[0] == "unavailable"
    assert hub.consent.entities_of(family.son.id) == []

    hub.entities.update(sensor.entity_id, new_entity_id="sensor.grandma_heart")
    assert hub.consent.subject_of("sensor.grandma_heart") == family.grandma

    with pytest.raises(ConsentError, match="belongs to another household") as caught:
        hub.consent.assign(sensor.device_entry.id, family.neighbour.id, family.neighbour_user.id)
    assert caught.value.field == "target"
    with pytest.raises(ConsentError, match=r"'sensor\.nothing' is neither an entity_id"):
        hub.consent.assign("sensor.nothing", family.grandma.id, user)


async def test_a_removed_member_takes_their_consent_along(
    hub: Hub, wristband_integration: str
) -> None:
    family = Family(hub)
    sensor = await add_wristband(hub, family)
    hub.consent.assign(sensor.device_entry.id, family.grandma.id, family.son_user.id)
    hub.consent.give(family.grandma.id, "health", "all", family.son_user.id)
    assert state_of(hub, sensor.entity_id)[0] == "72"

    hub.community.members.remove(family.grandma.id)
    assert state_of(hub, sensor.entity_id)[0] == "unavailable"
    assert list(hub.consent.consents) == list(hub.consent.subjects) == []


async def test_consents_and_subjects_are_kept_across_a_restart(
    hub: Hub, restart, wristband_integration: str
) -> None:
    family = Family(hub)
    sensor = await add_wristband(hub, family)
    hub.consent.assign(sensor.device_entry.id, family.grandma.id, family.son_user.id)
    kept, _ = hub.consent.give(family.grandma.id, "health", "all", family.son_user.id)
    gone, _ = hub.consent.give(family.grandma.id, "health", "wristband", family.son_user.id)
    await hub.consent.withdraw(gone.id, family.daughter_user.id)
    heart = sensor.entity_id

    again = await restart(hub)
    assert again.consent.consents.of_member(family.grandma.id) == [
        kept,
        again.consent.consents.get(gone.id),
    ]
    assert again.consent.consents.get(gone.id).withdrawn_by == family.daughter_user.id
    assert again.consent.subject_of(heart).name == "张奶奶"
    assert again.consent.may_collect(heart)
