"""The service registry: ``domain.service`` names mapped to handlers with schemas."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import voluptuous as vol

from .const import EVENT_CALL_SERVICE, EVENT_SERVICE_REGISTERED, EVENT_SERVICE_REMOVED
from .context import Context
from .events import EventBus, TaskFactory
from .exceptions import ServiceNotFound, ServiceValidationError

_LOGGER = logging.getLogger(__name__)

ServiceResponse = dict[str, Any] | None
ServiceHandler = Callable[["ServiceCall"], ServiceResponse | Coroutine[Any, Any, ServiceResponse]]


class SupportsResponse(StrEnum):
    """Whether a service answers with data."""

    none = "none"  # never: calling it with return_response is an error
    optional = "optional"  # when the caller asks for it
    only = "only"  # always: calling it without return_response is an error


@dataclass(frozen=True, slots=True)
class ServiceCall:
    """One call of a service: validated data and the caller's context."""

    domain: str
    service: str
    data: Mapping[str, Any]
    context: Context
    return_response: bool = False


@dataclass(frozen=True, slots=True)
class Service:
    handler: ServiceHandler
    schema: vol.Schema | None
    supports_response: SupportsResponse
    is_coroutine: bool


def _field_of(error: vol.Invalid) -> str | None:
    return ".".join(str(part) for part in error.path) or None


class ServiceRegistry:
    """Registers, lists and calls services."""

    def __init__(self, bus: EventBus, create_task: TaskFactory) -> None:
        self._bus = bus
        self._create_task = create_task
        self._services: dict[str, dict[str, Service]] = {}

    def register(
        self,
        domain: str,
        service: str,
        handler: ServiceHandler,
        schema: vol.Schema | None = None,
        supports_response: SupportsResponse = SupportsResponse.none,
    ) -> None:
        """Register (or replace) ``domain.service``."""
        domain, service = domain.lower(), service.lower()
        self._services.setdefault(domain, {})[service] = Service(
            handler, schema, supports_response, inspect.iscoroutinefunction(handler)
        )
        self._bus.fire(EVENT_SERVICE_REGISTERED, {"domain": domain, "service": service})

    def remove(self, domain: str, service: str) -> None:
        domain, service = domain.lower(), service.lower()
        services = self._services.get(domain, {})
        if services.pop(service, None) is None:
            raise ServiceNotFound(domain, service)
        if not services:
            del self._services[domain]
        self._bus.fire(EVENT_SERVICE_REMOVED, {"domain": domain, "service": service})

    def has(self, domain: str, service: str) -> bool:
        return service.lower() in self._services.get(domain.lower(), {})

    def services(self) -> dict[str, dict[str, Service]]:
        """Every registered service, by domain."""
        return {domain: dict(services) for domain, services in self._services.items()}

    async def call(
        self,
        domain: str,
        service: str,
        data: Mapping[str, Any] | None = None,
        *,
        context: Context | None = None,
        blocking: bool = True,
        return_response: bool = False,
    ) -> ServiceResponse:
        """Validate ``data`` and run the service.

        With ``blocking`` the handler has finished when this returns (and its response is
        returned if asked for); without, it runs as a task and this returns None.
        """
        domain, service = domain.lower(), service.lower()
        try:
            registered = self._services[domain][service]
        except KeyError:
            raise ServiceNotFound(domain, service) from None
        if return_response and not blocking:
            raise ServiceValidationError(
                domain, service, "a response can only be returned from a blocking call", None
            )
        if return_response and registered.supports_response is SupportsResponse.none:
            raise ServiceValidationError(domain, service, "this service returns no response", None)
        if not return_response and registered.supports_response is SupportsResponse.only:
            raise ServiceValidationError(
                domain, service, "this service only returns a response: call it with one", None
            )
        data = self._validate(domain, service, registered.schema, data or {})
        context = context or Context(origin="hub")
        call = ServiceCall(domain, service, data, context, return_response)
        self._bus.fire(
            EVENT_CALL_SERVICE,
            {"domain": domain, "service": service, "service_data": data},
            context,
        )
        if not blocking:
            self._create_task(self._run(registered, call), f"service {domain}.{service}")
            return None
        response = await self._run(registered, call)
        if not return_response:
            return None
        if not isinstance(response, dict):
            raise ServiceValidationError(
                domain,
                service,
                f"the handler returned {type(response).__name__}, not a dict",
                None,
            )
        return response

    @staticmethod
    def _validate(
        domain: str, service: str, schema: vol.Schema | None, data: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        if not isinstance(data, Mapping):
            raise ServiceValidationError(
                domain, service, f"expected a mapping of fields, got {type(data).__name__}", None
            )
        if schema is None:
            return dict(data)
        try:
            return schema(dict(data))
        except vol.MultipleInvalid as error:
            first = error.errors[0]
            raise ServiceValidationError(domain, service, first.msg, _field_of(first)) from error
        except vol.Invalid as error:
            raise ServiceValidationError(domain, service, error.msg, _field_of(error)) from error

    @staticmethod
    async def _run(registered: Service, call: ServiceCall) -> ServiceResponse:
        if registered.is_coroutine:
            return await registered.handler(call)  # type: ignore[misc]
        result = registered.handler(call)
        if asyncio.iscoroutine(result):
            return await result
        return result  # type: ignore[return-value]
