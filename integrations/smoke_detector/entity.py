"""What the detector's entities share: its device, and showing its latest state."""

from __future__ import annotations

from linli.entities import DeviceInfo, Entity
from linli.integrations import mqtt

from .const import DOMAIN
from .detector import Detector


def device_info(detector: Detector) -> DeviceInfo:
    """The detector as a device; the same device zigbee2mqtt's discovery made, if any."""
    identifiers = {(DOMAIN, detector.topic)}
    bridge = mqtt.zigbee2mqtt(detector.hub)
    if bridge is not None and detector.topic.startswith(f"{bridge.base}/"):
        paired = bridge.devices.get(detector.topic[len(bridge.base) + 1 :])
        if paired is not None:
            identifiers.add(("mqtt", paired.identifier))
    return {"identifiers": identifiers, "name": detector.name}


class DetectorEntity(Entity):
    """One field of the detector's state; unavailable until the detector reports it, and
    while the detector is silent."""

    _attr_should_poll = False
    _attr_has_entity_name = True

    def __init__(self, detector: Detector, key: str, unique_prefix: str) -> None:
        self._detector = detector
        self._key = key
        self._attr_unique_id = f"{unique_prefix}-{key}"
        self._attr_translation_key = key
        self._attr_device_info = device_info(detector)

    async def async_added_to_hub(self) -> None:
        assert self.entity_id is not None
        self._detector.entity_ids[self._key] = self.entity_id
        listener = (self.fields, self.write_state)
        self._detector.listeners.append(listener)
        self.on_remove(lambda: self._detector.listeners.remove(listener))

    @property
    def fields(self) -> frozenset[str]:
        """The fields of the detector's state this entity shows."""
        return frozenset({self._key})

    @property
    def available(self) -> bool:
        return not self._detector.silent and self._value is not None

    @property
    def _value(self) -> object:
        return self._detector.state.get(self._key)
