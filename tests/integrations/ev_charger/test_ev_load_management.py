"""Load management: three chargers share an 11 kW supply; the limits they are sent never
add up to more than the supply, whatever starts, stops or changes."""

from __future__ import annotations

from charger_helpers import CARD_A, CARD_B, CARD_C, ConnectCharger

from linli.community.households import HouseholdEntry
from linli.context import Context
from linli.hub import Hub
from linli.integrations.ev_charger import ChargingSiteRuntime
from linli.integrations.ev_charger.simulator import SimulatedChargePoint


class Supply:
    """Watches every limit the chargers receive, in the order they receive them."""

    def __init__(self, chargers: list[SimulatedChargePoint]) -> None:
        self.chargers = chargers
        self.peak_w = 0.0
        for charger in chargers:
            original = charger.on_set_charging_profile

            def observed(*args, _original=original, **kwargs):  # type: ignore[no-untyped-def]
                answer = _original(*args, **kwargs)
                self.peak_w = max(self.peak_w, self.allowed_w())
                return answer

            charger.route_map["SetChargingProfile"]["_on_action"] = observed

    def allowed_w(self) -> float:
        """What the sessions may draw now, by the limits they hold."""
        return sum(
            charger.power_w(connector_id)
            for charger in self.chargers
            for connector_id in charger.connectors
        )

    def powers(self) -> list[float]:
        return [charger.power_w(1) for charger in self.chargers]


async def test_three_chargers_share_the_supply_as_sessions_start_and_stop(
    hub: Hub,
    site: ChargingSiteRuntime,
    households: list[HouseholdEntry],
    connect_charger: ConnectCharger,
) -> None:
    chargers = [await connect_charger(f"CP-{n}") for n in (1, 2, 3)]
    supply = Supply(chargers)

    await chargers[0].start_session(1, CARD_A)
    await hub.block_till_done()
    assert supply.powers() == [7000, 0, 0]

    await chargers[1].start_session(1, CARD_B)
    await hub.block_till_done()
    assert supply.powers() == [5500, 5500, 0]

    await chargers[2].start_session(1, CARD_C)
    await hub.block_till_done()
    assert supply.powers() == [3666, 3666, 3666]
    allocated = hub.states.get("sensor.allocated_power")
    assert (allocated.state, allocated.attributes["sessions"]) == ("10.998", 3)

    await chargers[0].stop_session(1)
    await hub.block_till_done()
    assert supply.powers() == [0, 5500, 5500]

    await hub.services.call(
        "ev_charger", "set_supply_limit", {"supply_limit_kw": 3.0}, context=Context()
    )
    await hub.block_till_done()
    assert supply.powers() == [0, 1500, 1500]  # 1.5 kW each is still above a car's least

    await chargers[0].start_session(1, CARD_A)
    await hub.block_till_done()
    assert supply.powers() == [0, 1500, 1500]  # three would get too little: the last waits

    await chargers[1].finish_charging(1)  # a full car lets the waiting one charge
    await hub.block_till_done()
    assert supply.powers() == [1500, 0, 1500]

    assert supply.peak_w <= 11_000
    assert site.site.settings.supply_limit_w == 11_000
    assert hub.config_entries.get(site.entry_id).options["supply_limit_kw"] == 3.0


async def test_a_charger_that_reconnects_gets_its_share_again(
    hub: Hub, households: list[HouseholdEntry], connect_charger: ConnectCharger
) -> None:
    charger = await connect_charger("CP-1")
    transaction_id = await charger.start_session(1, CARD_A)
    await hub.block_till_done()
    await charger.close()

    again = await connect_charger("CP-1")
    again.connectors[1].transaction_id = transaction_id
    again.connectors[1].status = "Charging"
    await hub.block_till_done()
    assert again.default_limit_w == 0  # nothing drawn before its share …
    assert again.power_w(1) == 7000  # … which it gets back at once
