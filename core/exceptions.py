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


class ServiceForbidden(LinliError):
    """A service refuses its caller: what they asked is another household's or staff's."""

    def __init__(self, domain: str, service: str, message: str) -> None:
        super().__init__(f"{domain}.{service}: {message}")
        self.domain = domain
        self.service = service


class ConfigError(LinliError):
    """The configuration file is missing, unreadable or invalid."""


class DatabaseError(LinliError):
    """The database cannot be reached, migrated or written."""


class HubStateError(LinliError, RuntimeError):
    """An operation does not fit the hub's lifecycle state (e.g. start twice)."""


class RegistryError(LinliError, ValueError):
    """A change to the area, device or entity registry is invalid (unknown id, taken name…)."""


class ConfigEntryNotReady(LinliError):
    """Raised by ``async_setup_entry`` when its device or service is not reachable yet.

    The entry is retried with backoff; the message is shown as the reason meanwhile.
    """


class ConfigEntryError(LinliError):
    """Raised by ``async_setup_entry`` when the entry cannot work (bad credentials…)."""


class ManifestError(LinliError, ValueError):
    """An integration's ``manifest.json`` cannot be read or does not match the schema.

    ``problems`` holds (field, message) pairs; field is None when the whole file is wrong
    (unreadable, not JSON). ``domain`` is the domain the file claims, when it names one.
    """

    def __init__(
        self, path: object, problems: list[tuple[str | None, str]], domain: str | None = None
    ) -> None:
        described = [
            f"field '{field}': {message}" if field else message for field, message in problems
        ]
        super().__init__(f"{path}: " + "; ".join(described))
        self.path = path
        self.problems = problems
        self.domain = domain


class IntegrationError(LinliError):
    """An integration cannot be imported, or a part of it (platform, translations) is broken."""


class FlowError(LinliError):
    """A data-entry flow cannot go on: unknown flow, step or handler, or a broken step."""


class UnknownFlow(FlowError):
    """No flow with this id is in progress for the caller (finished, aborted or not theirs)."""

    def __init__(self, flow_id: str) -> None:
        super().__init__(f"No flow {flow_id!r} in progress (finished, aborted or another user's)")
        self.flow_id = flow_id


class UnknownStep(FlowError):
    """A flow handler has no ``async_step_<step_id>`` method for a step it was asked to run."""

    def __init__(self, handler: str, step_id: str) -> None:
        super().__init__(
            f"Flow handler {handler!r} has no step {step_id!r}: define async_step_{step_id}"
        )
        self.handler = handler
        self.step_id = step_id


class UnknownHandler(FlowError):
    """No flow handler is known by this key (an integration's domain, a config entry id…)."""

    def __init__(self, handler: str, why: str | None = None) -> None:
        super().__init__(f"No flow handler {handler!r}" + (f": {why}" if why else ""))
        self.handler = handler


class AbortFlow(FlowError):
    """Raised inside a step to end the flow with an abort result giving ``reason``."""

    def __init__(self, reason: str, description_placeholders: dict[str, str] | None = None) -> None:
        super().__init__(f"Flow aborted: {reason}")
        self.reason = reason
        self.description_placeholders = description_placeholders


class InvalidFlowInput(FlowError, ValueError):
    """Input a form could not have produced: not a mapping, or fields the step does not have."""


class UnsupportedSchemaError(FlowError, TypeError):
    """A step's schema uses a validator the web app cannot render as a form field."""

    def __init__(self, field: str | None, problem: str, where: str = "") -> None:
        what = f"field {field!r}" if field is not None else "the schema"
        place = f" of {where}" if where else ""
        super().__init__(f"Cannot render {what}{place} as a form: {problem}")
        self.field = field
