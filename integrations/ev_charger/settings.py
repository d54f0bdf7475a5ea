"""A charging site's settings: its entry's data with the options over it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .const import (
    CONF_AUTO_REGISTER,
    CONF_CONNECTOR_MAX_KW,
    CONF_ENDPOINT,
    CONF_IDLE_FEE_FEN_PER_MINUTE,
    CONF_IDLE_GRACE_MINUTES,
    CONF_NAME,
    CONF_PASSWORD,
    CONF_SERVICE_FEE_FEN,
    CONF_SUPPLY_LIMIT_KW,
    CONF_TARIFF_FEN_PER_KWH,
    DEFAULT_AUTO_REGISTER,
    DEFAULT_CONNECTOR_MAX_KW,
    DEFAULT_ENDPOINT,
    DEFAULT_IDLE_FEE_FEN_PER_MINUTE,
    DEFAULT_IDLE_GRACE_MINUTES,
    DEFAULT_SERVICE_FEE_FEN,
    DEFAULT_SUPPLY_LIMIT_KW,
    DEFAULT_TARIFF_FEN_PER_KWH,
)

if TYPE_CHECKING:
    from linli.config_entries import ConfigEntry


def kw_to_w(kw: float) -> int:
    return round(kw * 1000)


@dataclass(frozen=True, slots=True)
class Prices:
    """What a session costs; fixed when it starts, so a change applies to new ones."""

    tariff_fen_per_kwh: int
    service_fee_fen: int
    idle_fee_fen_per_minute: int
    idle_grace_minutes: int


@dataclass(frozen=True, slots=True)
class SiteSettings:
    name: str
    endpoint: str
    supply_limit_w: int
    connector_max_w: int
    prices: Prices
    auto_register: bool
    password: str | None  # OCPP security profile 1: HTTP Basic auth of every charge point

    @classmethod
    def of(cls, entry: ConfigEntry) -> SiteSettings:
        merged = {**entry.data, **entry.options}
        return cls(
            name=merged.get(CONF_NAME, entry.title),
            endpoint=merged.get(CONF_ENDPOINT, DEFAULT_ENDPOINT),
            supply_limit_w=kw_to_w(merged.get(CONF_SUPPLY_LIMIT_KW, DEFAULT_SUPPLY_LIMIT_KW)),
            connector_max_w=kw_to_w(merged.get(CONF_CONNECTOR_MAX_KW, DEFAULT_CONNECTOR_MAX_KW)),
            prices=Prices(
                tariff_fen_per_kwh=merged.get(CONF_TARIFF_FEN_PER_KWH, DEFAULT_TARIFF_FEN_PER_KWH),
                service_fee_fen=merged.get(CONF_SERVICE_FEE_FEN, DEFAULT_SERVICE_FEE_FEN),
                idle_fee_fen_per_minute=merged.get(
                    CONF_IDLE_FEE_FEN_PER_MINUTE, DEFAULT_IDLE_FEE_FEN_PER_MINUTE
                ),
                idle_grace_minutes=merged.get(CONF_IDLE_GRACE_MINUTES, DEFAULT_IDLE_GRACE_MINUTES),
            ),
            auto_register=merged.get(CONF_AUTO_REGISTER, DEFAULT_AUTO_REGISTER),
            password=merged.get(CONF_PASSWORD) or None,
        )
