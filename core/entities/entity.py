"""The Entity base class: what every platform's entities share (Home Assistant's model).

An integration subclasses a platform's base class (:class:`~linli.entities.sensor.SensorEntity`,
…) and describes its entity through ``_attr_*`` class or instance attributes, an
:class:`EntityDescription`, or by overriding the properties. An
:class:`~linli.entities.platform.EntityPlatform` adds it to the hub: it gives the entity its
``entity_id``, registry entry and device, and writes its state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, Final, TypedDict

from ..context import Context

if TYPE_CHECKING:
    from ..hub import Hub
    from ..registry.devices import DeviceEntry
    from ..registry.entities import EntityEntry
    from .platform import EntityPlatform
    from .services import EntityService

_LOGGER = logging.getLogger(__name__)

STATE_UNAVAILABLE: Final = "unavailable"
STATE_UNKNOWN: Final = "unknown"
STATE_ON: Final = "on"
STATE_OFF: Final = "off"

ATTR_FRIENDLY_NAME: Final = "friendly_name"
ATTR_ICON: Final = "icon"
ATTR_DEVICE_CLASS: Final = "device_class"
ATTR_UNIT_OF_MEASUREMENT: Final = "unit_of_measurement"

# A service call's context stays the cause of the entity's state writes for this long.
CONTEXT_RECENT_SECONDS: Final = 5.0


_UNSET: Final = object()  # an _attr_ the entity does not set


class EntityCategory(StrEnum):
    """Entities that are not the device's main purpose: its settings, or its health."""

    config = "config"
    diagnostic = "diagnostic"


class DeviceInfo(TypedDict, total=False):
    """What an entity tells the device registry about the device it belongs to.

    ``via_device`` is an identifier of the device this one reaches the hub through.
    """

    identifiers: set[tuple[str, str]]
    connections: set[tuple[str, str]]
    manufacturer: str
    model: str
    name: str
    sw_version: str
    hw_version: str
    via_device: tuple[str, str]
    household_id: str
    area_id: str


@dataclass(frozen=True, kw_only=True)
class EntityDescription:
    """The static description of a kind of entity, shared by all entities of that kind."""

    key: str
    name: str | None = None
    device_class: str | None = None
    unit_of_measurement: str | None = None
    icon: str | None = None
    entity_category: EntityCategory | None = None
    translation_key: str | None = None
    entity_registry_enabled_default: bool = True


class Entity:
    """One thing the hub shows and controls: a sensor reading, a switch, a lock…

    There is no ``__init__`` to call: every default is a class attribute, so subclasses
    are free to define their own constructor.
    """

    #: The platform domain this class belongs to ("sensor"); None for any platform.
    platform_domain: ClassVar[str | None] = None
    #: The services of that domain, registered on the hub when the first entity is added.
    entity_services: ClassVar[tuple[EntityService, ...]] = ()

    entity_description: EntityDescription

    # Set by the EntityPlatform when it adds the entity.
    hub: Hub | None = None
    platform: EntityPlatform | None = None
    entity_id: str | None = None
    registry_entry: EntityEntry | None = None
    device_entry: DeviceEntry | None = None

    _attr_unique_id: str | None = None
    _attr_has_entity_name: bool = False
    _attr_device_info: DeviceInfo | None = None
    _attr_available: bool = True
    _attr_should_poll: bool = True
    _attr_extra_state_attributes: Mapping[str, Any] | None = None
    _attr_state: str | None = None
    # Unset means "take it from entity_description" (see _described).
    _attr_name: str | None
    _attr_device_class: str | None
    _attr_unit_of_measurement: str | None
    _attr_icon: str | None
    _attr_entity_category: EntityCategory | None
    _attr_translation_key: str | None
    _attr_entity_registry_enabled_default: bool

    # Kept by the EntityPlatform: the last update failed, or the entity was removed.
    _update_failed: bool = False
    _removed: bool = False
    _context: Context | None = None
    _context_set_at: float = 0.0
    _on_remove: list[Callable[[], Any]] | None = None

    def _described(self, field: str, default: Any = None) -> Any:
        """``_attr_<field>`` if set, else the entity description's ``field``, else default."""
        value = getattr(self, f"_attr_{field}", _UNSET)  # no exception raised: a hot path
        if value is not _UNSET:
            return value
        description = getattr(self, "entity_description", None)
        return default if description is None else getattr(description, field, default)

    @property
    def unique_id(self) -> str | None:
        """The integration's permanent id for this entity; the registry maps it to entity_id."""
        return self._attr_unique_id

    @property
    def has_entity_name(self) -> bool:
        """Whether :attr:`name` names the entity within its device ("Battery")."""
        return self._attr_has_entity_name

    @property
    def name(self) -> str | None:
        return self._described("name")

    @property
    def device_info(self) -> DeviceInfo | None:
        return self._attr_device_info

    @property
    def available(self) -> bool:
        return self._attr_available

    @property
    def should_poll(self) -> bool:
        """Whether the platform calls :meth:`async_update` every scan interval."""
        return self._attr_should_poll

    @property
    def state(self) -> str | None:
        """The state as text; None is written as ``unknown``."""
        return self._attr_state

    @property
    def device_class(self) -> str | None:
        return self._described("device_class")

    @property
    def unit_of_measurement(self) -> str | None:
        return self._described("unit_of_measurement")

    @property
    def icon(self) -> str | None:
        return self._described("icon")

    @property
    def entity_category(self) -> EntityCategory | None:
        return self._described("entity_category")

    @property
    def translation_key(self) -> str | None:
        return self._described("translation_key")

    @property
    def entity_registry_enabled_default(self) -> bool:
        """Whether a new registry entry starts enabled (noisy diagnostics may not)."""
        return self._described("entity_registry_enabled_default", True)

    @property
    def capability_attributes(self) -> Mapping[str, Any] | None:
        """Attributes about what the entity can do (platforms): written even when unavailable."""
        return None

    @property
    def state_attributes(self) -> Mapping[str, Any] | None:
        """Attributes that go with the state (platforms)."""
        return None

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """More attributes that go with the state (integrations)."""
        return self._attr_extra_state_attributes

    @property
    def friendly_name(self) -> str | None:
        """The name shown to people: the user's name for it, else from device and entity."""
        if self.registry_entry is not None and self.registry_entry.name:
            return self.registry_entry.name
        name = self.name
        if not self.has_entity_name:
            return name
        device_name = None
        if self.device_entry is not None:
            device_name = self.device_entry.name_by_user or self.device_entry.name
        elif self.device_info is not None:
            device_name = self.device_info.get("name")
        if device_name is None:
            return name
        return device_name if name is None else f"{device_name} {name}"

    async def async_update(self) -> None:
        """Fetch fresh data; the platform calls it every scan interval if :attr:`should_poll`."""

    async def async_added_to_hub(self) -> None:
        """Called once the entity has its entity_id, before its first state is written."""

    async def async_will_remove_from_hub(self) -> None:
        """Called before the entity's state is removed (unload, removal, disabling)."""

    def on_remove(self, callback: Callable[[], Any]) -> None:
        """Call ``callback()`` when the entity is removed, e.g. an unsubscribe function."""
        if self._on_remove is None:
            self._on_remove = []
        self._on_remove.append(callback)

    def set_context(self, context: Context) -> None:
        """Make ``context`` the cause of the state writes of the next few seconds."""
        self._context = context
        self._context_set_at = self._now().timestamp()

    def write_state(self) -> None:
        """Write the entity's state and attributes to the hub's state machine."""
        hub, entity_id = self.hub, self.entity_id
        if hub is None or entity_id is None:
            raise RuntimeError(
                f"{type(self).__name__} {self.name or self.unique_id!r} is not added to a hub "
                "yet: add it with EntityPlatform.add_entities first"
            )
        if self._removed:
            return
        attributes: dict[str, Any] = dict(self.capability_attributes or {})
        integration = self.platform.platform_name if self.platform is not None else None
        if not hub.consent.may_collect(entity_id, integration):
            state = STATE_UNAVAILABLE  # protected data its person has not consented to
        elif self.available and not self._update_failed:
            state = self.state
            state = STATE_UNKNOWN if state is None else str(state)  # a StrEnum member too
            attributes.update(self.state_attributes or {})
            attributes.update(self.extra_state_attributes or {})
        else:
            state = STATE_UNAVAILABLE
        for key, value in (
            (ATTR_UNIT_OF_MEASUREMENT, self.unit_of_measurement),
            (ATTR_FRIENDLY_NAME, self.friendly_name),
            (ATTR_ICON, self.icon),
            (ATTR_DEVICE_CLASS, self.device_class),
        ):
            if value is not None:
                attributes[key] = value
        context = self._context
        if context is not None and hub.clock.time() - self._context_set_at > CONTEXT_RECENT_SECONDS:
            context = self._context = None
        hub.states.set(entity_id, state, attributes, context=context)

    def _now(self) -> datetime:
        """Now by the hub's clock (which tests move), or the wall clock before being added."""
        return self.hub.clock.now() if self.hub is not None else datetime.now(UTC)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.entity_id or self.unique_id or self.name}>"


class OnOffEntity(Entity):
    """An entity whose state is ``on`` or ``off``; set ``_attr_is_on`` or override is_on."""

    _attr_is_on: bool | None = None

    @property
    def is_on(self) -> bool | None:
        return self._attr_is_on

    @property
    def state(self) -> str | None:
        is_on = self.is_on
        if is_on is None:
            return None
        return STATE_ON if is_on else STATE_OFF
