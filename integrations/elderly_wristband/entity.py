"""What every entity of a watch shares: its device, its unique id, and pushed updates."""

from __future__ import annotations

from linli.entities import DeviceInfo, Entity, EntityDescription

from .const import DOMAIN, MODEL
from .fleet import Watch


def unique_id_of(device_id: str, key: str) -> str:
    """The unique id of the watch's entity ``key`` (``sos``, ``location``…)."""
    return f"{device_id}-{key}"


class WatchEntity(Entity):
    """An entity of one watch, written whenever the watch reports something."""

    _attr_should_poll = False
    _attr_has_entity_name = True

    def __init__(self, watch: Watch, description: EntityDescription) -> None:
        self.watch = watch
        self.entity_description = description
        self._attr_unique_id = unique_id_of(watch.device_id, description.key)
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, watch.device_id)},
            manufacturer=watch.vendor,
            model=MODEL,
            name=watch.name,
        )

    async def async_added_to_hub(self) -> None:
        self.on_remove(self.watch.listen(self.write_state))
