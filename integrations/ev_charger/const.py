"""Constants of the EV charger integration."""

from typing import Final

DOMAIN: Final = "ev_charger"
# Fired when a car stops drawing power (or its session stops first): household_id,
# charge_point_id, connector_id, energy_kwh, idle_grace_minutes, idle_fee_fen_per_minute.
EVENT_CHARGING_FINISHED: Final = "ev_charger_charging_finished"
SUBPROTOCOL: Final = "ocpp1.6"

CONF_NAME: Final = "name"
CONF_ENDPOINT: Final = "endpoint"
CONF_SUPPLY_LIMIT_KW: Final = "supply_limit_kw"
CONF_CONNECTOR_MAX_KW: Final = "connector_max_kw"
CONF_TARIFF_FEN_PER_KWH: Final = "tariff_fen_per_kwh"
CONF_SERVICE_FEE_FEN: Final = "service_fee_fen"
CONF_IDLE_FEE_FEN_PER_MINUTE: Final = "idle_fee_fen_per_minute"
CONF_IDLE_GRACE_MINUTES: Final = "idle_grace_minutes"
CONF_AUTO_REGISTER: Final = "auto_register"
CONF_PASSWORD: Final = "password"

DEFAULT_ENDPOINT: Final = "ocpp"
DEFAULT_SUPPLY_LIMIT_KW: Final = 22.0
DEFAULT_CONNECTOR_MAX_KW: Final = 7.0  # a 32 A single-phase wallbox
DEFAULT_TARIFF_FEN_PER_KWH: Final = 120
DEFAULT_SERVICE_FEE_FEN: Final = 200
DEFAULT_IDLE_FEE_FEN_PER_MINUTE: Final = 10
DEFAULT_IDLE_GRACE_MINUTES: Final = 30
DEFAULT_AUTO_REGISTER: Final = False

HEARTBEAT_INTERVAL: Final = 300  # seconds, told to each charge point at boot
MIN_CHARGING_W: Final = 1380  # 6 A at 230 V: below it IEC 61851 lets no car charge

# What is metered for a session (items of linli.metering).
ITEM_ENERGY: Final = "energy"
ITEM_SERVICE_FEE: Final = "service_fee"
ITEM_IDLE_FEE: Final = "idle_fee"
