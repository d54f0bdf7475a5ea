"""Blueprint tests' helpers: lights for the motion light to switch, a plugin that ships a
folder of blueprints, and a small blueprint to break in a hundred ways."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from linli.hub import Hub
from linli.plugins import hookimpl
from linli.services import ServiceCall


@dataclass
class Lights:
    """``light.*`` states written by the ``light.turn_on``/``turn_off`` services."""

    hub: Hub
    calls: list[tuple[str, object]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for service in ("turn_on", "turn_off"):
            self.hub.services.register("light", service, self._handle)

    async def _handle(self, call: ServiceCall) -> None:
        ids = call.data["entity_id"]
        self.calls.append((call.service, ids))
        for entity_id in ids if isinstance(ids, list) else [ids]:
            state = "on" if call.service == "turn_on" else "off"
            self.hub.states.set(entity_id, state, context=call.context)

    def add(self, *entity_ids: str) -> None:
        for entity_id in entity_ids:
            self.hub.states.set(entity_id, "off")

    def state(self, entity_id: str) -> str:
        found = self.hub.states.get(entity_id)
        assert found is not None, entity_id
        return found.state


class BlueprintPlugin:
    """A vendor's plugin shipping blueprint folders or files."""

    def __init__(self, *sources: Path) -> None:
        self.sources = list(sources)

    @hookimpl
    def linli_blueprints(self) -> list[Path]:
        return list(self.sources)


def write(folder: Path, path: str, text: str) -> Path:
    """Write ``text`` (dedented) to ``folder/path``; returns the file."""
    file = folder / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(textwrap.dedent(text), encoding="utf-8")
    return file


def blueprint_text(name: str = "Door chime", inputs: str = "", body: str = "") -> str:
    """A valid blueprint: one entity input ``door`` and a chime, plus ``inputs`` and ``body``
    (YAML, indented as in the file)."""
    return (
        textwrap.dedent(
            f"""\
            blueprint:
              name: {name}
              domain: automation
              input:
                door:
                  selector:
                    entity:
                      domain: binary_sensor
            """
        )
        + textwrap.indent(textwrap.dedent(inputs), "    ")
        + textwrap.dedent(
            """\
            triggers:
              - trigger: state
                entity_id: !input door
                to: "on"
            actions:
              - action: switch.turn_on
                target: {entity_id: switch.chime}
            """
        )
        + textwrap.dedent(body)
    )
