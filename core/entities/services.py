"""Entity services: ``switch.turn_on`` and the like, dispatched to the entities they name.

A controllable platform lists its services as :class:`EntityService` on its base class; the
first :class:`~linli.entities.platform.EntityPlatform` of that domain registers them on the
hub. A call validates ``entity_id`` (one id, a comma-separated list, or a list) and the
service's own fields, finds each entity, calls the method on all of them concurrently, and
writes their states with the call's context as the cause.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import voluptuous as vol

from ..exceptions import ServiceValidationError
from ..services import ServiceCall
from ..states import valid_entity_id

if TYPE_CHECKING:
    from ..hub import Hub
    from .entity import Entity

ATTR_ENTITY_ID: Final = "entity_id"

_REGISTERED = "entities.services_registered"


@dataclass(frozen=True, kw_only=True)
class EntityService:
    """``<domain>.<name>``: call ``method`` on every target entity.

    ``fields`` are voluptuous schema fields besides ``entity_id``; their values are passed
    to ``method`` as keyword arguments.
    """

    name: str
    method: str
    fields: Mapping[Any, Any] = field(default_factory=dict)


def entity_ids(value: Any) -> list[str]:
    """Validate one entity id, a comma-separated string of them, or a list of them."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple) or not value:
        raise vol.Invalid("expected an entity id or a list of entity ids")
    ids = []
    for item in value:
        entity_id = item.strip().lower() if isinstance(item, str) else item
        if not valid_entity_id(entity_id):
            raise vol.Invalid(f"{item!r} is not a valid entity id")
        ids.append(entity_id)
    return ids


def register_entity_services(
    hub: Hub, domain: str, services: tuple[EntityService, ...], entities: Mapping[str, Entity]
) -> None:
    """Register ``domain``'s services on ``hub`` once; they act on ``entities`` (by entity_id)."""
    registered: set[str] = hub.data.setdefault(_REGISTERED, set())
    if domain in registered:
        return
    registered.add(domain)
    for service in services:
        schema = vol.Schema({vol.Required(ATTR_ENTITY_ID): entity_ids, **service.fields})
        hub.services.register(domain, service.name, _handler(service, entities), schema)


def _handler(
    service: EntityService, entities: Mapping[str, Entity]
) -> Callable[[ServiceCall], Coroutine[Any, Any, None]]:
    async def handle(call: ServiceCall) -> None:
        targets = _targets(call, entities)
        arguments = {key: value for key, value in call.data.items() if key != ATTR_ENTITY_ID}
        results = await asyncio.gather(
            *(_call(call, service, entity, arguments) for entity in targets),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, BaseException):
                raise result

    handle.__qualname__ = f"entity_service.{service.name}"
    return handle


def _targets(call: ServiceCall, entities: Mapping[str, Entity]) -> list[Entity]:
    """The entities ``call`` acts on: the one place that decides what its caller may reach.

    Every entity must exist and belong to the service's domain, or the call fails naming
    it, before any entity is acted on.
    """
    targets = []
    for entity_id in call.data[ATTR_ENTITY_ID]:
        entity = entities.get(entity_id)
        if entity is None or entity_id.partition(".")[0] != call.domain:
            raise ServiceValidationError(
                call.domain,
                call.service,
                f"no {call.domain} entity {entity_id} exists",
                "entity_id",
            )
        targets.append(entity)
    return targets


async def _call(
    call: ServiceCall, service: EntityService, entity: Entity, arguments: dict[str, Any]
) -> None:
    entity.set_context(call.context)
    try:
        await getattr(entity, service.method)(**arguments)
    except NotImplementedError:
        raise ServiceValidationError(
            call.domain, call.service, f"{entity.entity_id} does not support it", None
        ) from None
    entity.write_state()
