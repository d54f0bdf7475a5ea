"""What the chargers' entities share: their device, unique ids and pushed updates.

Unique ids are ``<charge point>:<connector>:<key>`` (connector 0: the charge point
itself), which is how the services find the charger an entity belongs to.
"""

from __future__ import annotations

from linli.entities import DeviceInfo, Entity, EntityDescription

from .const import DOMAIN
from .model import ChargePoint, Connector, Listened


def unique_id_of(charge_point_id: str, connector_id: int, key: str) -> str:
    return f"{charge_point_id}:{connector_id}:{key}"


def charge_point_device(charge_point: ChargePoint) -> DeviceInfo:
    info = DeviceInfo(
        identifiers={(DOMAIN, charge_point.id)},
        name=charge_point.name,
        manufacturer=charge_point.info.vendor,
        model=charge_point.info.model,
    )
    if charge_point.info.firmware_version:
        info["sw_version"] = charge_point.info.firmware_version
    return info


class ChargerEntity(Entity):
    """An entity of a charge point (``connector`` None) or of one of its connectors."""

    _attr_should_poll = False
    _attr_has_entity_name = True

    def __init__(
        self,
        charge_point: ChargePoint,
        connector: Connector | None,
        description: EntityDescription,
    ) -> None:
        self.charge_point = charge_point
        self.connector = connector
        self.entity_description = description
        connector_id = 0 if connector is None else connector.connector_id
        self._attr_unique_id = unique_id_of(charge_point.id, connector_id, description.key)
        self._attr_device_info = charge_point_device(charge_point)
        if connector is not None and description.name:
            self._attr_name = f"Connector {connector_id} {description.name.lower()}"

    @property
    def source(self) -> Listened:
        return self.charge_point if self.connector is None else self.connector

    async def async_added_to_hub(self) -> None:
        self.on_remove(self.source.listen(self.write_state))
