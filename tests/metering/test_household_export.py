"""A household's data export lists what it used of paid services, and nothing of others'."""

from datetime import datetime
from zoneinfo import ZoneInfo

import orjson

from linli.community.export import export_household
from linli.hub import Hub

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def test_the_export_lists_every_use_of_the_household(hub: Hub) -> None:
    zhang = hub.community.households.create("张家")
    wang = hub.community.households.create("王家")
    uses = []
    for household, reference, month in ((zhang, "S-1", 10), (wang, "S-2", 11), (zhang, "S-3", 11)):
        uses.append(
            await hub.metering.record(
                household_id=household.id,
                domain="charger",
                item="energy",
                description="充电",
                quantity_milli=10_000,
                unit="kWh",
                unit_price_fen=120,
                reference=reference,
                occurred_at=datetime(2026, month, 5, tzinfo=SHANGHAI).timestamp(),
            )
        )

    document = orjson.loads(orjson.dumps(await export_household(hub, zhang.id)))

    assert document["usage"] == [uses[0].as_dict(), uses[2].as_dict()]
    assert document["usage"][0]["amount_fen"] == 1_200
    assert (await export_household(hub, wang.id))["usage"] == [uses[1].as_dict()]
    nobody = hub.community.households.create("李家")
    assert (await export_household(hub, nobody.id))["usage"] == []
