"""What the charger tests share: the site's settings, the households' cards."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from linli.integrations.ev_charger.simulator import SimulatedChargePoint

SITE = {
    "name": "地下车库充电站",
    "endpoint": "ocpp",
    "supply_limit_kw": 11.0,
    "connector_max_kw": 7.0,
    "tariff_fen_per_kwh": 120,
    "service_fee_fen": 200,
    "idle_fee_fen_per_minute": 10,
    "idle_grace_minutes": 30,
    "auto_register": False,
    "password": "",
}
CARD_A, CARD_B, CARD_C = "04A1B2C3D4", "04B2C3D4E5", "04C3D4E5F6"

ConnectCharger = Callable[..., Awaitable[SimulatedChargePoint]]
