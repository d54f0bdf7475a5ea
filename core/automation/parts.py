"""Finding the parts of an automation (its normal form) that are checked before it is
accepted: the entities it names and every step, with the path of each for messages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

ENTITY_KEYS: Final = frozenset({"entity_id", "source_entity_id"})


def entity_references(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every (path, entity id) an automation's configuration names. The ids are as
    written: the caller checks that each is text."""
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if key in ENTITY_KEYS:
                for entity_id in item if isinstance(item, list) else [item]:
                    yield where, entity_id
            else:
                yield from entity_references(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from entity_references(item, f"{path}.{index}")


def all_steps(steps: list[dict[str, Any]], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (path, step) of a sequence of actions, those inside choose and repeat steps
    too."""
    for index, step in enumerate(steps):
        where = f"{path}.{index}"
        yield where, step
        if step["kind"] == "choose":
            for number, option in enumerate(step["choose"]):
                yield from all_steps(option["sequence"], f"{where}.choose.{number}.sequence")
            yield from all_steps(step.get("default", []), f"{where}.default")
        elif step["kind"] == "repeat":
            yield from all_steps(step["repeat"]["sequence"], f"{where}.repeat.sequence")
