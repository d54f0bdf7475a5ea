"""The chargers' services: remote commands, cards and the supply limit.

Commands target an entity of a charge point (``entity_id``: a connector's status sensor,
or for the whole charge point its connection sensor); the API has already checked that
the caller may control it. A resident starts a session for their own household and stops
only their household's; resets, availability, unlocking, cards and the supply limit are
the operator's. A command the charge point refuses answers ``{"accepted": false}``.
``sessions`` answers which sessions under way are the caller's household's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import voluptuous as vol

from linli.auth.users import Role
from linli.exceptions import ServiceForbidden, ServiceValidationError
from linli.http.access import Caller
from linli.services import ServiceCall, SupportsResponse

from .central_system import CHARGE_POINT_ID
from .const import CONF_SUPPLY_LIMIT_KW, DOMAIN
from .id_tags import ID_TAGS, IdTagError, IdTags, app_tag
from .protocol import CentralSystemHandler
from .settings import kw_to_w

if TYPE_CHECKING:
    from linli.hub import Hub
    from linli.registry.entities import EntityEntry

    from . import ChargingSiteRuntime

STAFF: Final = frozenset({Role.operator, Role.admin})

_TARGET: Final = {vol.Required("entity_id"): str}


@dataclass(frozen=True, slots=True)
class Target:
    """The charge point (and connector; 0 for the whole) a command is for."""

    runtime: ChargingSiteRuntime
    charge_point_id: str
    connector_id: int

    @property
    def handler(self) -> CentralSystemHandler | None:
        return self.runtime.central_system.handlers.get(self.charge_point_id)


class Services:
    """Registers the services once, for every site of the hub."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def register(self) -> None:
        commands: dict[str, tuple[Callable[[ServiceCall], Awaitable[Any]], dict[Any, Any]]] = {
            "remote_start": (self.remote_start, {**_TARGET, vol.Optional("household_id"): str}),
            "remote_stop": (self.remote_stop, _TARGET),
            "change_availability": (
                self.change_availability,
                {**_TARGET, vol.Required("operative"): bool},
            ),
            "reset": (self.reset, {**_TARGET, vol.Optional("hard", default=False): bool}),
            "unlock_connector": (self.unlock_connector, _TARGET),
            "register_card": (
                self.register_card,
                {vol.Required("id_tag"): str, vol.Required("household_id"): str},
            ),
            "remove_card": (self.remove_card, {vol.Required("id_tag"): str}),
            "register_charge_point": (
                self.register_charge_point,
                {vol.Optional("entry_id"): str, vol.Required("charge_point_id"): str},
            ),
            "set_supply_limit": (
                self.set_supply_limit,
                {
                    vol.Optional("entry_id"): str,
                    vol.Required(CONF_SUPPLY_LIMIT_KW): vol.All(
                        vol.Coerce(float), vol.Range(min=0, max=10_000)
                    ),
                },
            ),
        }
        for name, (handler, fields) in commands.items():
            self.hub.services.register(
                DOMAIN, name, handler, vol.Schema(fields), SupportsResponse.optional
            )
        self.hub.services.register(
            DOMAIN, "sessions", self.sessions, vol.Schema(_TARGET), SupportsResponse.only
        )

    def remove(self) -> None:
        for name in list(self.hub.services.services().get(DOMAIN, {})):
            self.hub.services.remove(DOMAIN, name)

    # -- who and what ---------------------------------------------------------------------

    def _role(self, call: ServiceCall) -> Role | None:
        """The caller's role; None for the hub itself (an automation, a test), and for a
        user who is gone or disabled."""
        user_id = call.context.user_id
        return None if user_id is None else Caller(self.hub, user_id).role

    def _require_staff(self, call: ServiceCall) -> None:
        if call.context.user_id is not None and self._role(call) not in STAFF:
            raise ServiceForbidden(DOMAIN, call.service, "only the operator may do this")

    def _households(self, call: ServiceCall) -> frozenset[str]:
        """The households the caller is a member of (a caregiver's are not theirs)."""
        return Caller(self.hub, call.context.user_id or "").households

    def _site_of_entity(self, call: ServiceCall) -> tuple[ChargingSiteRuntime, EntityEntry]:
        """The site whose entity the call targets, and the entity."""
        entity_id = call.data["entity_id"]
        entry = self.hub.entities.get(entity_id)
        runtime = None
        if entry is not None and entry.platform == DOMAIN:
            runtime = self.hub.data.get(DOMAIN, {}).get(entry.config_entry_id)
        if entry is None or runtime is None:
            raise ServiceValidationError(
                DOMAIN, call.service, f"{entity_id} is not a charger's entity", "entity_id"
            )
        return runtime, entry

    def _target(self, call: ServiceCall) -> Target:
        runtime, entry = self._site_of_entity(call)
        entity_id = entry.entity_id
        charge_point_id, connector, _key = [*entry.unique_id.rsplit(":", 2), "", ""][:3]
        if not connector.isdigit() or charge_point_id not in runtime.site.charge_points:
            raise ServiceValidationError(
                DOMAIN, call.service, f"{entity_id} is not a charge point's entity", "entity_id"
            )
        return Target(runtime, charge_point_id, int(connector))

    def _online(self, call: ServiceCall, target: Target) -> CentralSystemHandler:
        handler = target.handler
        if handler is None:
            raise ServiceValidationError(
                DOMAIN,
                call.service,
                f"Charge point {target.charge_point_id} is not connected",
                "entity_id",
            )
        return handler

    # -- commands -------------------------------------------------------------------------

    async def remote_start(self, call: ServiceCall) -> dict[str, Any]:
        target = self._target(call)
        household_id = call.data.get("household_id")
        if self._role(call) in STAFF or call.context.user_id is None:
            if household_id is None:
                raise ServiceValidationError(
                    DOMAIN, call.service, "name the household to charge for", "household_id"
                )
        else:
            own = self._households(call)
            if household_id is None and len(own) == 1:
                household_id = next(iter(own))
            if household_id is None or household_id not in own:
                raise ServiceForbidden(
                    DOMAIN, call.service, "a resident starts sessions for their own household"
                )
        if self.hub.community.households.get(household_id) is None:
            raise ServiceValidationError(
                DOMAIN, call.service, f"No household {household_id!r}", "household_id"
            )
        handler = self._online(call, target)
        return {"accepted": await handler.remote_start(target.connector_id, app_tag(household_id))}

    async def remote_stop(self, call: ServiceCall) -> dict[str, Any]:
        target = self._target(call)
        connector = target.runtime.site.charge_points[target.charge_point_id].connectors.get(
            target.connector_id
        )
        transaction = None if connector is None else connector.transaction
        if transaction is None or transaction.stopped_at is not None:
            raise ServiceValidationError(
                DOMAIN, call.service, "No session is charging there", "entity_id"
            )
        role = self._role(call)
        if (
            role is not None
            and role not in STAFF
            and transaction.household_id not in self._households(call)
        ):
            raise ServiceForbidden(
                DOMAIN, call.service, "only the household charging there may stop it"
            )
        return {"accepted": await self._online(call, target).remote_stop(transaction.id)}

    async def sessions(self, call: ServiceCall) -> dict[str, Any]:
        """The sessions under way (a car plugged in) at the site of the targeted entity that
        are the caller's households'; staff and the hub see every one. The connectors'
        entities, which every resident sees, do not say whose a session is."""
        runtime, _entry = self._site_of_entity(call)
        every = call.context.user_id is None or self._role(call) in STAFF
        households = self._households(call)
        found = [
            {
                "transaction_id": transaction.id,
                "charge_point_id": transaction.charge_point_id,
                "connector_id": transaction.connector_id,
                "household_id": transaction.household_id,
                "started_at": transaction.started_at,
                "stopped": transaction.stopped_at is not None,
                "energy_kwh": transaction.energy_wh / 1000,
            }
            for charge_point in runtime.site.charge_points.values()
            for connector in charge_point.connectors.values()
            if (transaction := connector.transaction) is not None
            and (every or transaction.household_id in households)
        ]
        return {"sessions": found}

    async def change_availability(self, call: ServiceCall) -> dict[str, Any]:
        self._require_staff(call)
        target = self._target(call)
        handler = self._online(call, target)
        status = await handler.change_availability(target.connector_id, call.data["operative"])
        return {"accepted": status in ("Accepted", "Scheduled"), "status": status}

    async def reset(self, call: ServiceCall) -> dict[str, Any]:
        self._require_staff(call)
        target = self._target(call)
        return {"accepted": await self._online(call, target).reset(call.data["hard"])}

    async def unlock_connector(self, call: ServiceCall) -> dict[str, Any]:
        self._require_staff(call)
        target = self._target(call)
        if target.connector_id == 0:
            raise ServiceValidationError(
                DOMAIN, call.service, "name a connector's entity, not the charger's", "entity_id"
            )
        status = await self._online(call, target).unlock_connector(target.connector_id)
        return {"accepted": status == "Unlocked", "status": status}

    async def register_card(self, call: ServiceCall) -> dict[str, Any]:
        self._require_staff(call)
        try:
            self._id_tags.register_card(call.data["id_tag"], call.data["household_id"])
        except IdTagError as error:
            raise ServiceValidationError(DOMAIN, call.service, str(error), "id_tag") from None
        return {"accepted": True}

    async def remove_card(self, call: ServiceCall) -> dict[str, Any]:
        self._require_staff(call)
        return {"accepted": self._id_tags.remove_card(call.data["id_tag"])}

    async def register_charge_point(self, call: ServiceCall) -> dict[str, Any]:
        """Let a charge point connect to a site (its entities appear at once)."""
        self._require_staff(call)
        runtime = self._site(call)
        charge_point_id = call.data["charge_point_id"]
        if not CHARGE_POINT_ID.match(charge_point_id):
            raise ServiceValidationError(
                DOMAIN,
                call.service,
                f"{charge_point_id!r} is not a charge point id",
                "charge_point_id",
            )
        await runtime.site.register(charge_point_id)
        return {"accepted": True}

    async def set_supply_limit(self, call: ServiceCall) -> dict[str, Any]:
        """Change a site's supply limit now (kept in its options); sessions rebalance."""
        self._require_staff(call)
        runtime = self._site(call)
        entry = self.hub.config_entries.get(runtime.entry_id)
        limit_kw = call.data[CONF_SUPPLY_LIMIT_KW]
        self.hub.config_entries.update(
            entry, options={**entry.options, CONF_SUPPLY_LIMIT_KW: limit_kw}
        )
        runtime.site.set_supply_limit(kw_to_w(limit_kw))
        return {"accepted": True}

    def _site(self, call: ServiceCall) -> ChargingSiteRuntime:
        """The site ``entry_id`` names; it may be left out when there is one."""
        runtimes = self._runtimes()
        if (entry_id := call.data.get("entry_id")) is not None:
            runtimes = [r for r in runtimes if r.entry_id == entry_id]
        if len(runtimes) != 1:
            raise ServiceValidationError(
                DOMAIN, call.service, "name the charging site (entry_id)", "entry_id"
            )
        return runtimes[0]

    @property
    def _id_tags(self) -> IdTags:
        return self.hub.data[ID_TAGS]

    def _runtimes(self) -> list[ChargingSiteRuntime]:
        return list(self.hub.data.get(DOMAIN, {}).values())
