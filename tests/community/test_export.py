"""A household's data as one file: its people, devices, entities, states, history, consents
and audit records, and nothing of its neighbours'."""

from typing import Any

import orjson
import pytest

from linli.community import export
from linli.community.export import EXPORTERS, export_household, exporter
from linli.community.households import HouseholdEntry
from linli.exceptions import RegistryError
from linli.hub import Hub
from linli.testing.governance import add_owners, vote


class Estate:
    """Two households in 7号楼: 张家 with a wristband for grandma and a smoke detector,
    王家 next door with a smoke detector of its own."""

    def __init__(self, hub: Hub) -> None:
        community = hub.community
        unit = community.units.create("7-2-1203", "89.35")
        self.household = community.households.create("张家", unit.id)
        self.user = hub.users.create("zhang_wei", "resident")
        self.son = community.members.create(
            self.household.id, "张伟", "owner", user_id=self.user.id
        )
        self.grandma = community.members.create(self.household.id, "张奶奶", "family")
        band = hub.devices.get_or_create(
            identifiers={("wristband", "wb-1")}, household_id=self.household.id
        )
        self.heart = hub.entities.get_or_create(
            "sensor", "wristband", "wb-1-heart", device_id=band.id
        ).entity_id
        self.smoke = hub.entities.get_or_create(
            "binary_sensor", "smoke_alarm", "sd-1", household_id=self.household.id
        ).entity_id
        neighbours = community.households.create("王家")
        self.neighbour = hub.users.create("wang_fang", "resident")
        community.members.create(neighbours.id, "王芳", "owner", user_id=self.neighbour.id)
        self.neighbours_smoke = hub.entities.get_or_create(
            "binary_sensor", "smoke_alarm", "sd-2", household_id=neighbours.id
        ).entity_id
        hub.consent.assign(band.id, self.grandma.id, self.user.id)
        hub.consent.give(self.grandma.id, "health", "all", self.user.id)
        hub.audit.append("role_changed", self.neighbour.id, {"user_id": self.neighbour.id})


@pytest.fixture
async def estate(hub: Hub, integration) -> Estate:
    integration("wristband", data_categories=["health"])
    estate = Estate(hub)
    for entity_id, states in (
        (estate.heart, ("72", "80")),
        (estate.smoke, ("off",)),
        (estate.neighbours_smoke, ("on",)),
    ):
        for state in states:
            hub.states.set(entity_id, state)
    await hub.database.flush()
    return estate


async def test_the_export_holds_all_of_the_households_data(hub: Hub, estate: Estate) -> None:
    document = orjson.loads(orjson.dumps(await export_household(hub, estate.household.id)))

    assert (document["format"], document["version"]) == ("linli.household_export", 1)
    household = document["household"]
    assert (household["name"], household["unit"]["address"]) == ("张家", "7号楼 2单元 1203")
    assert household["unit"]["area_dm2"] == 8935
    assert {member["name"] for member in household["members"]} == {"张伟", "张奶奶"}
    assert household["users"] == [
        {"id": estate.user.id, "username": "zhang_wei", "name": "zhang_wei", "role": "resident"}
    ]
    assert [device["identifiers"] for device in document["devices"]] == [[["wristband", "wb-1"]]]
    entities = {entity["entity_id"]: entity for entity in document["entities"]}
    assert set(entities) == {estate.heart, estate.smoke}
    assert entities[estate.heart]["state"]["state"] == "80"
    history = document["history"]
    assert {key: [state["state"] for state in states] for key, states in history.items()} == {
        estate.heart: ["72", "80"],
        estate.smoke: ["off"],
    }
    (consent,) = document["consents"]["consents"]
    assert (consent["member_id"], consent["category"], consent["given_as"]) == (
        estate.grandma.id,
        "health",
        "guardian",
    )
    (subject,) = document["consents"]["subjects"]
    assert subject["member_id"] == estate.grandma.id
    kinds = [record["kind"] for record in document["audit"]]
    assert kinds == ["data_subject_assigned", "consent_given"]  # not the neighbour's
    assert document["audit"][1]["data"]["member_id"] == estate.grandma.id


async def test_other_modules_add_sections(
    hub: Hub, estate: Estate, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "EXPORTERS", dict(EXPORTERS))

    @exporter("parcels")
    async def parcels(hub: Hub, household: HouseholdEntry) -> list[dict[str, Any]]:
        return [{"unit_id": household.unit_id, "pickup_code": "4711"}]

    document = await export_household(hub, estate.household.id)
    assert list(document)[-1] == "parcels"
    assert document["parcels"] == [{"unit_id": estate.household.unit_id, "pickup_code": "4711"}]

    with pytest.raises(ValueError, match="The export section 'history' is made by"):

        @exporter("history")
        async def history(hub: Hub, household: HouseholdEntry) -> None:
            return None


async def test_an_unknown_household_has_nothing_to_export(hub: Hub) -> None:
    with pytest.raises(RegistryError, match="Household 'nobody' does not exist"):
        await export_household(hub, "nobody")


async def test_the_export_holds_the_ballots_of_the_households_unit(hub: Hub) -> None:
    (owner, other) = add_owners(hub, ["89.35", "120"])
    proposal = hub.governance.propose(
        title="快递柜进小区",
        matter="common_parts_business",
        closes_at=hub.clock.time() + 3600,
        created_by=other.user.id,
    )
    vote(hub, proposal, [owner], "disagree")
    vote(hub, proposal, [owner], "agree")  # changed: both casts are the household's
    vote(hub, proposal, [other], "agree")
    await hub.database.flush()
    (household,) = hub.community.households.households_in_unit(owner.unit.id)

    ballots = (await export_household(hub, household.id))["ballots"]

    assert [(b["choice"], b["user_id"], b["proposal_title"]) for b in ballots] == [
        ("disagree", owner.user.id, "快递柜进小区"),
        ("agree", owner.user.id, "快递柜进小区"),
    ]
