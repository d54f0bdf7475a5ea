"""MQTT topic names and filters: validation, and a tree that finds the filters a topic matches.

A message is matched against every subscription; with thousands of devices a linear scan
over the filters would cost more than the message itself, so the filters are kept in a
tree by level and a topic walks only the branches it can match.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final, Generic, TypeVar

T = TypeVar("T")

MAX_TOPIC_BYTES: Final = 65535  # the MQTT limit of a topic's UTF-8 length


class InvalidTopic(ValueError):
    """A topic name or filter that MQTT does not allow."""


def _check_common(topic: str, what: str) -> None:
    if not isinstance(topic, str) or not topic:
        raise InvalidTopic(f"{what} must be a non-empty string, got {topic!r}")
    if "\0" in topic:
        raise InvalidTopic(f"{what} {topic!r} contains a NUL character")
    if len(topic.encode("utf-8", "surrogatepass")) > MAX_TOPIC_BYTES:
        raise InvalidTopic(f"{what} is longer than {MAX_TOPIC_BYTES} bytes")


def check_topic_name(topic: str) -> str:
    """``topic`` if it is a valid topic to publish to (no wildcards), else InvalidTopic."""
    _check_common(topic, "a topic")
    if "+" in topic or "#" in topic:
        raise InvalidTopic(f"a topic to publish to cannot hold wildcards: {topic!r}")
    return topic


def check_topic_filter(topic_filter: str) -> str:
    """``topic_filter`` if valid: '+' fills one whole level, '#' only the whole last level."""
    _check_common(topic_filter, "a topic filter")
    levels = topic_filter.split("/")
    for index, level in enumerate(levels):
        if ("+" in level and level != "+") or (
            "#" in level and (level != "#" or index != len(levels) - 1)
        ):
            raise InvalidTopic(
                f"{topic_filter!r} is not a topic filter: '+' must be a whole level and '#' "
                "the whole last level"
            )
    return topic_filter


@dataclass(eq=False)
class _Node(Generic[T]):
    children: dict[str, _Node[T]] = field(default_factory=dict)
    values: list[T] = field(default_factory=list)


class TopicTree(Generic[T]):
    """Values filed under topic filters; :meth:`match` yields those whose filter matches."""

    def __init__(self) -> None:
        self._root: _Node[T] = _Node()
        self._count: dict[str, int] = {}

    def __len__(self) -> int:
        return sum(self._count.values())

    @property
    def filters(self) -> list[str]:
        """Every filter that holds at least one value."""
        return list(self._count)

    def add(self, topic_filter: str, value: T) -> bool:
        """File ``value`` under ``topic_filter``; True if the filter is new to the tree."""
        node = self._root
        for level in check_topic_filter(topic_filter).split("/"):
            node = node.children.setdefault(level, _Node())
        node.values.append(value)
        self._count[topic_filter] = self._count.get(topic_filter, 0) + 1
        return self._count[topic_filter] == 1

    def remove(self, topic_filter: str, value: T) -> bool:
        """Take ``value`` away from ``topic_filter``; True if the filter is now empty."""
        path = [self._root]
        for level in topic_filter.split("/"):
            child = path[-1].children.get(level)
            if child is None:
                return False
            path.append(child)
        try:
            path[-1].values.remove(value)
        except ValueError:
            return False
        self._count[topic_filter] -= 1
        if self._count[topic_filter]:
            return False
        del self._count[topic_filter]
        levels = topic_filter.split("/")
        for depth in range(len(levels), 0, -1):  # prune the branches left empty
            node = path[depth]
            if node.values or node.children:
                break
            del path[depth - 1].children[levels[depth - 1]]
        return True

    def match(self, topic: str) -> Iterator[T]:
        """Every value whose filter matches ``topic``; wildcards at the first level do not
        match topics beginning with '$' (``$SYS/...``), as MQTT requires."""
        levels = topic.split("/")
        system = topic.startswith("$")
        stack: list[tuple[_Node[T], int]] = [(self._root, 0)]
        while stack:
            node, depth = stack.pop()
            wildcards = not (system and depth == 0)
            if wildcards and (rest := node.children.get("#")) is not None:
                yield from rest.values
            if depth == len(levels):
                yield from node.values
                continue
            if (child := node.children.get(levels[depth])) is not None:
                stack.append((child, depth + 1))
            if wildcards and (child := node.children.get("+")) is not None:
                stack.append((child, depth + 1))


def has_wildcard(topic_filter: str) -> bool:
    return "+" in topic_filter or "#" in topic_filter


def covers(wide: str, narrow: str) -> bool:
    """Whether every topic ``narrow`` matches is matched by ``wide`` too."""
    wide_levels, narrow_levels = wide.split("/"), narrow.split("/")
    if wide_levels[0] in ("+", "#") and narrow_levels[0].startswith("$"):
        return False  # wildcards at the first level never match $SYS/...
    for index, level in enumerate(wide_levels):
        if level == "#":
            return True
        if index >= len(narrow_levels) or narrow_levels[index] == "#":
            return False
        if level != "+" and level != narrow_levels[index]:
            return False
    return len(wide_levels) == len(narrow_levels)


def broker_filters(filters: dict[str, int]) -> dict[str, int]:
    """The filters to subscribe to on the broker: those no other filter covers.

    A broker sends a message once for each of a client's subscriptions that matches it, so
    ``zigbee2mqtt/+`` and ``zigbee2mqtt/kitchen`` both subscribed would bring every message
    of the kitchen twice; the hub matches its own subscribers, so the wider filter is enough.
    """
    wide = [f for f in filters if has_wildcard(f)]
    wide = [f for f in wide if not any(o != f and covers(o, f) for o in wide)]
    kept = {f: filters[f] for f in wide}
    for topic_filter, qos in filters.items():
        if not has_wildcard(topic_filter) and not any(covers(w, topic_filter) for w in wide):
            kept[topic_filter] = qos
    return kept
