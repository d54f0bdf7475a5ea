"""Numbers: a value the hub sets within a range (a charging current, a thermostat offset)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

import voluptuous as vol

from ..exceptions import ServiceValidationError
from .entity import Entity, EntityDescription
from .services import EntityService

DOMAIN = "number"

DEFAULT_MIN_VALUE = 0.0
DEFAULT_MAX_VALUE = 100.0
DEFAULT_STEP = 1.0


class NumberDeviceClass(StrEnum):
    current = "current"
    duration = "duration"
    energy = "energy"
    humidity = "humidity"
    power = "power"
    temperature = "temperature"
    voltage = "voltage"


class NumberMode(StrEnum):
    """How the app offers the value: a box to type in or a slider (auto: it decides)."""

    auto = "auto"
    box = "box"
    slider = "slider"


@dataclass(frozen=True, kw_only=True)
class NumberEntityDescription(EntityDescription):
    native_min_value: float = DEFAULT_MIN_VALUE
    native_max_value: float = DEFAULT_MAX_VALUE
    native_step: float = DEFAULT_STEP
    mode: NumberMode = NumberMode.auto


class NumberEntity(Entity):
    """A number; implement :meth:`async_set_native_value`.

    ``number.set_value`` refuses values outside ``native_min_value`` … ``native_max_value``
    before calling it.
    """

    platform_domain: ClassVar[str | None] = DOMAIN
    entity_services: ClassVar[tuple[EntityService, ...]] = (
        EntityService(
            name="set_value",
            method="async_set_value",
            fields={vol.Required("value"): vol.Coerce(float)},
        ),
    )

    entity_description: NumberEntityDescription
    _attr_native_value: float | None = None
    _attr_native_min_value: float
    _attr_native_max_value: float
    _attr_native_step: float
    _attr_mode: NumberMode

    @property
    def native_value(self) -> float | None:
        return self._attr_native_value

    @property
    def native_min_value(self) -> float:
        return self._described("native_min_value", DEFAULT_MIN_VALUE)

    @property
    def native_max_value(self) -> float:
        return self._described("native_max_value", DEFAULT_MAX_VALUE)

    @property
    def native_step(self) -> float:
        return self._described("native_step", DEFAULT_STEP)

    @property
    def mode(self) -> NumberMode:
        return self._described("mode", NumberMode.auto)

    @property
    def capability_attributes(self) -> Mapping[str, Any] | None:
        return {
            "min": self.native_min_value,
            "max": self.native_max_value,
            "step": self.native_step,
            "mode": self.mode,
        }

    @property
    def state(self) -> str | None:
        value = self.native_value
        return None if value is None else str(value)

    async def async_set_value(self, value: float) -> None:
        """Check ``value`` against the range, then set it."""
        low, high = self.native_min_value, self.native_max_value
        if not low <= value <= high:
            raise ServiceValidationError(
                DOMAIN,
                "set_value",
                f"{value} is outside the range of {self.entity_id} ({low} to {high})",
                "value",
            )
        await self.async_set_native_value(value)

    async def async_set_native_value(self, value: float) -> None:
        raise NotImplementedError
