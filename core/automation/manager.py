"""The hub's automations (``hub.automations``): those in the config folder's
``automations.yaml`` and those made through the API (kept in the database), each checked
when loaded, set running, and stopped with the hub.

An automation is refused, with a message naming the part, when it is malformed, when a
blueprint input is wrong or missing, or when it names an entity the hub does not have.
Automations that trigger one another are followed through their runs' contexts: a chain
longer than :data:`MAX_CHAIN` runs is a loop, and its next run is refused and logged.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final

import voluptuous as vol
import yaml

from ..const import EVENT_HUB_STOP
from ..context import Context
from ..events import Event
from ..exceptions import LinliError
from ..helpers.yaml_loader import safe_load
from ..registry.base import new_id
from ..storage.integration_data import IntegrationData
from .automation import Automation
from .blueprints import BlueprintError
from .config import RECIPIENTS, automation_config
from .parts import all_steps, entity_references
from .trace import RunTrace
from .triggers import Unsubscribe
from .webhooks import Webhooks

if TYPE_CHECKING:
    from ..hub import Hub

_LOGGER = logging.getLogger(__name__)

AUTOMATIONS_FILE: Final = "automations.yaml"
MAX_CHAIN: Final = 5  # runs that trigger one another; the next one is a loop
_REMEMBERED_RUNS: Final = 1000  # run contexts kept to follow chains
_STORE_KIND: Final = "automation"


class AutomationError(LinliError):
    """An automation that cannot be accepted; ``field`` is the path of the bad part."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _path(error: vol.Invalid) -> str:
    return ".".join(str(part) for part in error.path)


class Automations:
    """Every automation of the hub, by id."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.webhooks = Webhooks(hub)
        self._automations: dict[str, Automation] = {}
        self._store = IntegrationData(hub, "automation")
        self._chains: OrderedDict[str, tuple[str, ...]] = OrderedDict()  # run context -> chain
        self._close_webhooks: Unsubscribe | None = None
        self.problems: dict[str, str] = {}  # automations.yaml: what could not load, and why
        hub.bus.listen(EVENT_HUB_STOP, self._stop)

    def __iter__(self) -> Iterator[Automation]:
        return iter(self._automations.values())

    def get(self, automation_id: str) -> Automation | None:
        return self._automations.get(automation_id)

    def require(self, automation_id: str) -> Automation:
        automation = self._automations.get(automation_id)
        if automation is None:
            raise AutomationError(f"No automation {automation_id!r}")
        return automation

    # -- loading ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Load the automations and set the enabled ones running (after the integrations,
        whose entities they name)."""
        try:
            self._close_webhooks = self.webhooks.open()
        except ValueError as error:
            _LOGGER.error("Webhook triggers cannot be served: %s", error)
        for index, raw in enumerate(self._read_file()):
            where = f"{AUTOMATIONS_FILE}, automation {index + 1}"
            self._load(raw, "yaml", None, True, where)
        for key, record in (await self._store.load(_STORE_KIND)).items():
            self._load(record["config"], "api", record.get("owner_id"), record["enabled"], key)

    def _read_file(self) -> list[Any]:
        path = self.hub.config.config_dir / AUTOMATIONS_FILE
        try:
            data = safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            _LOGGER.error("%s cannot be read: %s", path, error)
            self.problems[AUTOMATIONS_FILE] = str(error)
            return []
        if data is None:
            return []
        if not isinstance(data, list):
            self.problems[AUTOMATIONS_FILE] = "expected a list of automations"
            _LOGGER.error("%s: expected a list of automations", path)
            return []
        return data

    def _load(self, raw: Any, source: str, owner_id: str | None, enabled: bool, where: str) -> None:
        try:
            config = self.check(raw)
        except AutomationError as error:
            at = f" at {error.field}" if error.field else ""
            message = f"{where}{at}: {error.message}"
            _LOGGER.error("Automation not loaded: %s", message)
            key = raw.get("id") if isinstance(raw, dict) and raw.get("id") else where
            self.problems[str(key)] = message
            return
        if config["id"] in self._automations:
            message = f"{where}: another automation has the id {config['id']!r}"
            _LOGGER.error("Automation not loaded: %s", message)
            self.problems[config["id"]] = message
            return
        self._add(Automation(self.hub, config, source, owner_id, raw, enabled))

    def _add(self, automation: Automation) -> None:
        self._automations[automation.id] = automation
        if automation.enabled:
            automation.attach(self._fire)

    # -- checking ---------------------------------------------------------------------------

    def check(self, raw: Any) -> dict[str, Any]:
        """The normal form of an automation as written (``use_blueprint`` filled in);
        :class:`AutomationError` naming the part that is wrong."""
        if isinstance(raw, dict) and "use_blueprint" in raw:
            raw = self._from_blueprint(raw)
        try:
            config = automation_config(raw)
        except vol.Invalid as error:
            raise AutomationError(error.msg, _path(error) or None) from None
        config.setdefault("id", new_id())
        for path, entity_id in entity_references(config):
            if not isinstance(entity_id, str):
                raise AutomationError(f"expected an entity id, got {entity_id!r}", path)
            if self.hub.states.get(entity_id) is None and self.hub.entities.get(entity_id) is None:
                raise AutomationError(f"there is no entity {entity_id}", path)
        for path, step in all_steps(config["actions"], "actions"):
            for to in step["notify"]["to"] if step["kind"] == "notify" else ():
                if to not in RECIPIENTS and self.hub.users.get(to) is None:
                    raise AutomationError(
                        f"nobody {to!r} to notify: expected {', '.join(RECIPIENTS)} or a user's id",
                        f"{path}.notify.to",
                    )
        return config

    def _from_blueprint(self, raw: dict[str, Any]) -> dict[str, Any]:
        use = raw["use_blueprint"]
        if not isinstance(use, dict) or not isinstance(use.get("path"), str):
            raise AutomationError("use_blueprint needs the blueprint's path", "use_blueprint")
        try:
            blueprint = self.hub.blueprints.get(use["path"])
            filled = blueprint.substitute(use.get("input") or {}, self.hub)
        except BlueprintError as error:
            where = "use_blueprint" if error.input_name is None else "use_blueprint.input"
            field = where if error.input_name is None else f"{where}.{error.input_name}"
            raise AutomationError(str(error), field) from None
        own = {key: value for key, value in raw.items() if key != "use_blueprint"}
        return {**filled, **own}

    # -- changing (the API's) ---------------------------------------------------------------

    def create(self, raw: dict[str, Any], owner_id: str | None) -> Automation:
        """Add an automation made through the API; it runs at once and is kept."""
        config = self.check(raw)
        if config["id"] in self._automations:
            raise AutomationError(f"An automation with the id {config['id']!r} exists", "id")
        automation = Automation(self.hub, config, "api", owner_id, {**raw, "id": config["id"]})
        self._add(automation)
        self._save(automation)
        return automation

    def update(self, automation_id: str, raw: dict[str, Any]) -> Automation:
        """Replace an API automation's configuration (its id stays)."""
        old = self._editable(automation_id)
        config = self.check({**raw, "id": automation_id})
        self._remove(old)
        automation = Automation(
            self.hub, config, "api", old.owner_id, {**raw, "id": automation_id}, old.enabled
        )
        automation.traces.extend(old.traces)
        self._add(automation)
        self._save(automation)
        return automation

    def remove(self, automation_id: str) -> None:
        automation = self._editable(automation_id)
        self._remove(automation)
        self._store.remove(_STORE_KIND, automation_id)

    def set_enabled(self, automation_id: str, enabled: bool) -> Automation:
        """Turn an automation on (it listens again) or off (its runs stop)."""
        automation = self.require(automation_id)
        automation.enabled = enabled
        if enabled:
            automation.attach(self._fire)
        else:
            automation.detach()
            automation.stop_runs()
        if automation.source == "api":
            self._save(automation)
        return automation

    def run_now(self, automation_id: str, user_id: str | None) -> RunTrace:
        """Run an automation by hand, skipping its triggers (its mode still applies)."""
        automation = self.require(automation_id)
        data = {"platform": "manual", "id": "", "description": "run by hand", "user_id": user_id}
        return automation.start_run(data, Context(user_id=user_id, origin="user"))

    def _editable(self, automation_id: str) -> Automation:
        automation = self.require(automation_id)
        if automation.source != "api":
            raise AutomationError(
                f"Automation {automation_id!r} is in {AUTOMATIONS_FILE}: edit it there"
            )
        return automation

    def _remove(self, automation: Automation) -> None:
        automation.detach()
        automation.stop_runs()
        del self._automations[automation.id]

    def _save(self, automation: Automation) -> None:
        self._store.save(
            _STORE_KIND,
            automation.id,
            {
                "config": automation.raw,
                "owner_id": automation.owner_id,
                "enabled": automation.enabled,
            },
        )

    # -- running ----------------------------------------------------------------------------

    def _fire(self, automation: Automation, data: dict[str, Any], cause: Context | None) -> None:
        """A trigger fired: start a run, unless the cause is a chain of runs that loops or
        the owner lost the right to it since the automation was made."""
        chain = (*self._chain_of(cause), automation.id)
        if len(chain) > MAX_CHAIN:
            message = f"Stopped a loop of automations: {' → '.join(chain)}"
            automation.refuse_run(data, message, "loop")
            return
        if (why := automation.owner_refusal(data)) is not None:
            automation.refuse_run(data, f"Not run: {why}", "owner")
            return
        trace = automation.start_run(data, cause)
        self._chains[trace.context_id] = chain
        while len(self._chains) > _REMEMBERED_RUNS:
            self._chains.popitem(last=False)

    def _chain_of(self, cause: Context | None) -> tuple[str, ...]:
        """The automations whose runs led to ``cause``, first to last."""
        if cause is None:
            return ()
        return self._chains.get(cause.id) or self._chains.get(cause.parent_id or "", ())

    def _stop(self, _event: Event) -> None:
        for automation in self._automations.values():
            automation.detach()
            automation.stop_runs()
        if self._close_webhooks is not None:
            self._close_webhooks()
            self._close_webhooks = None
