"""Errors the core raises; each message says what is wrong and where."""


class LinliError(Exception):
    """Base class of every error linli raises on purpose."""


class InvalidEntityIdError(LinliError, ValueError):
    """An entity id is not of the form ``domain.object_id``."""

    def __init__(self, entity_id: object) -> None:
        super().__init__(
            f"{entity_id!r} is not a valid entity id: expected 'domain.object_id' made of "
            "lower-case letters, digits and single underscores, e.g. 'sensor.kitchen_smoke'"
        )
        self.entity_id = entity_id


class InvalidStateError(LinliError, ValueError):
    """A state value or its attributes cannot be stored."""


class ServiceNotFound(LinliError):
    """A service call names a service nobody registered."""

    def __init__(self, domain: str, service: str) -> None:
        super().__init__(f"Service {domain}.{service} does not exist")
        self.domain = domain
        self.service = service


class ServiceValidationError(LinliError, ValueError):
    """The data of a service call does not match the service's schema."""

    def __init__(self, domain: str, service: str, message: str, field: str | None) -> None:
        where = f" (field '{field}')" if field else ""
        super().__init__(f"Invalid data for service {domain}.{service}{where}: {message}")
        self.domain = domain
        self.service = service
        self.field = field


class ConfigError(LinliError):
    """The configuration file is missing, unreadable or invalid."""


class DatabaseError(LinliError):
    """The database cannot be reached, migrated or written."""


class HubStateError(LinliError, RuntimeError):
    """An operation does not fit the hub's lifecycle state (e.g. start twice)."""


class RegistryError(LinliError, ValueError):
    """A change to the area, device or entity registry is invalid (unknown id, taken name…)."""
