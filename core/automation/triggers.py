"""Trigger platforms: each attaches a trigger to the hub and calls ``fire(data, context)``
when it fires, until the function it returns is called.

``data`` says what happened for the run's trace and conditions: the platform, the trigger's
``id``, a ``description``, the platform's facts (``entity_id``, ``from_state``,
``to_state``, ``event``…) and, where what happened is a household's, its ``household_id``
(a community automation's run acts for that household: tells its members, raises its
alarm). ``context`` is the cause, so that an automation's run is linked to what started it
(and a loop of automations can be seen). An integration adds a platform
with :func:`register_trigger` (the mqtt integration adds ``mqtt``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

from ..alarms.model import EVENT_ALARM_RAISED
from ..context import Context
from ..events import Event
from ..helpers.event import track_point_in_time, track_state_change
from ..states import State
from . import config as schema

if TYPE_CHECKING:
    from ..hub import Hub

Unsubscribe = Callable[[], None]
Fire = Callable[[dict[str, Any], Context | None], None]


@dataclass(frozen=True, slots=True)
class TriggerScope:
    """Whose automation attaches the trigger: a household's hears only its own alarms and
    events."""

    household_id: str | None


Attach = Callable[["Hub", dict[str, Any], Fire, TriggerScope], Unsubscribe]


def _state_json(state: State | None) -> dict[str, Any] | None:
    if state is None:
        return None
    return {
        "entity_id": state.entity_id,
        "state": state.state,
        "attributes": dict(state.attributes),
    }


def _value(state: State | None, attribute: str | None) -> Any:
    if state is None:
        return None
    return state.state if attribute is None else state.attributes.get(attribute)


def _matches(value: Any, wanted: list[str | None] | None) -> bool:
    if wanted is None:
        return True
    shown = None if value is None else str(value)
    return shown in wanted


def _base(config: dict[str, Any], platform: str, description: str) -> dict[str, Any]:
    return {"platform": platform, "id": config.get("id", ""), "description": description}


def _entity_household(hub: Hub, entity_id: str) -> str | None:
    facts = hub.ownership.entity(entity_id)
    return None if facts is None else facts.household_id


def _hears(scope: TriggerScope, household_id: Any) -> bool:
    """Whether an automation of ``scope`` hears what happened to ``household_id``: the
    community's hears everything, a household's only its own."""
    return scope.household_id is None or household_id == scope.household_id


class _Holding:
    """Fires ``for`` a while after a match, unless the match ends first (per entity)."""

    def __init__(self, hub: Hub, hold: timedelta | None) -> None:
        self.hub = hub
        self.hold = hold
        self.timers: dict[str, Unsubscribe] = {}

    def start(self, entity_id: str, run: Callable[[], None]) -> None:
        self.cancel(entity_id)
        if self.hold is None:
            run()
            return

        def done(_now: datetime) -> None:
            self.timers.pop(entity_id, None)
            run()

        self.timers[entity_id] = track_point_in_time(
            self.hub, done, self.hub.clock.now() + self.hold
        )

    def cancel(self, entity_id: str) -> None:
        if (stop := self.timers.pop(entity_id, None)) is not None:
            stop()

    def stop(self) -> None:
        for stop in self.timers.values():
            stop()
        self.timers.clear()


def _state_trigger(
    hub: Hub, config: dict[str, Any], fire: Fire, _scope: TriggerScope
) -> Unsubscribe:
    attribute = config.get("attribute")
    wanted_from, wanted_to = config.get("from"), config.get("to")
    holding = _Holding(hub, config.get("for"))

    def changed(event: Event) -> None:
        old, new = event.data["old_state"], event.data["new_state"]
        entity_id = event.data["entity_id"]
        before, after = _value(old, attribute), _value(new, attribute)
        if new is not None and before == after:
            return  # reported again unchanged: neither a change nor the end of one
        if new is None or not _matches(after, wanted_to):
            holding.cancel(entity_id)
            return
        if not _matches(before, wanted_from):
            return
        data = {
            **_base(config, "state", f"state of {entity_id}"),
            "entity_id": entity_id,
            "household_id": _entity_household(hub, entity_id),
            "from_state": _state_json(old),
            "to_state": _state_json(new),
            "for": config.get("for"),
        }
        holding.start(entity_id, lambda: fire(data, event.context))

    stop = track_state_change(hub, config["entity_id"], changed)

    def detach() -> None:
        stop()
        holding.stop()

    return detach


def _number(state: State | None, attribute: str | None) -> float | None:
    try:
        return float(_value(state, attribute))
    except (TypeError, ValueError):
        return None


def _in_range(value: float | None, config: dict[str, Any]) -> bool:
    if value is None:
        return False
    if "above" in config and not value > config["above"]:
        return False
    return not ("below" in config and not value < config["below"])


def _numeric_state_trigger(
    hub: Hub, config: dict[str, Any], fire: Fire, _scope: TriggerScope
) -> Unsubscribe:
    attribute = config.get("attribute")
    holding = _Holding(hub, config.get("for"))

    def changed(event: Event) -> None:
        old, new = event.data["old_state"], event.data["new_state"]
        entity_id = event.data["entity_id"]
        now_in = _in_range(_number(new, attribute), config)
        if not now_in:
            holding.cancel(entity_id)
            return
        if _in_range(_number(old, attribute), config):
            return  # it was in range already: the trigger fires on crossing into it
        data = {
            **_base(config, "numeric_state", f"numeric state of {entity_id}"),
            "entity_id": entity_id,
            "household_id": _entity_household(hub, entity_id),
            "from_state": _state_json(old),
            "to_state": _state_json(new),
            "above": config.get("above"),
            "below": config.get("below"),
        }
        holding.start(entity_id, lambda: fire(data, event.context))

    stop = track_state_change(hub, config["entity_id"], changed)

    def detach() -> None:
        stop()
        holding.stop()

    return detach


def _contains(data: Any, wanted: Any) -> bool:
    """Whether ``data`` holds everything in ``wanted`` (nested mappings compared by key)."""
    if isinstance(wanted, dict):
        return isinstance(data, dict) and all(
            key in data and _contains(data[key], value) for key, value in wanted.items()
        )
    return data == wanted


def _event_trigger(
    hub: Hub, config: dict[str, Any], fire: Fire, scope: TriggerScope
) -> Unsubscribe:
    wanted = config["event_data"]

    def heard(event: Event) -> None:
        household_id = event.data.get("household_id")
        if _hears(scope, household_id) and _contains(event.data, wanted):
            data = {
                **_base(config, "event", f"event {event.event_type}"),
                "event": {"event_type": event.event_type, "data": dict(event.data)},
                "household_id": household_id if isinstance(household_id, str) else None,
            }
            fire(data, event.context)

    return _all(hub.bus.listen(event_type, heard) for event_type in config["event_type"])


def _alarm_trigger(
    hub: Hub, config: dict[str, Any], fire: Fire, scope: TriggerScope
) -> Unsubscribe:
    types, severities = config.get("alarm_type"), config.get("severity")

    def raised(event: Event) -> None:
        alarm = event.data
        if not _hears(scope, alarm.get("household_id")):
            return
        if types is not None and alarm.get("alarm_type") not in types:
            return
        if severities is not None and alarm.get("severity") not in severities:
            return
        data = {
            **_base(config, "alarm", f"alarm {alarm.get('alarm_type')} raised"),
            "alarm": {key: value for key, value in alarm.items() if key != "changed"},
            "household_id": alarm.get("household_id"),
        }
        fire(data, event.context)

    return hub.bus.listen(EVENT_ALARM_RAISED, raised)


class _Repeating:
    """Calls ``run(now)`` at each time ``next_after(now)`` gives, on the hub's clock."""

    def __init__(
        self, hub: Hub, next_after: Callable[[datetime], datetime], run: Callable[[datetime], None]
    ) -> None:
        self.hub, self.next_after, self.run = hub, next_after, run
        self.cancel: Unsubscribe | None = None
        self._arm(hub.clock.now())

    def _arm(self, after: datetime) -> None:
        self.cancel = track_point_in_time(self.hub, self._tick, self.next_after(after))

    def _tick(self, now: datetime) -> None:
        self._arm(now)
        self.run(now)

    def stop(self) -> None:
        if self.cancel is not None:
            self.cancel()


def _zone(hub: Hub) -> ZoneInfo:
    return ZoneInfo(hub.config.time_zone)


def _time_trigger(
    hub: Hub, config: dict[str, Any], fire: Fire, _scope: TriggerScope
) -> Unsubscribe:
    zone = _zone(hub)
    times = sorted(config["at"])

    def next_after(now: datetime) -> datetime:
        local = now.astimezone(zone)
        for days in (0, 1):
            day = (local + timedelta(days=days)).date()
            for at in times:
                moment = datetime.combine(day, at, zone)
                if moment > local:
                    return moment
        raise AssertionError("a time of day comes again within two days")

    def run(now: datetime) -> None:
        local = now.astimezone(zone)
        data = {**_base(config, "time", f"time {local:%H:%M:%S}"), "now": local.isoformat()}
        fire(data, None)

    return _Repeating(hub, next_after, run).stop


def time_pattern_parts(config: dict[str, Any]) -> tuple[list[int], list[int], list[int]]:
    """Hours, minutes and seconds a time_pattern matches. As Home Assistant reads it, a
    smaller unit left out is 0 when a larger one is given ("hours: 7" is 07:00:00), and any
    other part left out matches every value."""
    hours, minutes, seconds = (config.get(key) for key in ("hours", "minutes", "seconds"))
    if minutes is None and hours is not None:
        minutes = 0
    if seconds is None and minutes is not None:
        seconds = 0
    values = schema.pattern_values
    return values(hours, 24), values(minutes, 60), values(seconds, 60)


def _time_pattern_trigger(
    hub: Hub, config: dict[str, Any], fire: Fire, _scope: TriggerScope
) -> Unsubscribe:
    zone = _zone(hub)
    hours, minutes, seconds = time_pattern_parts(config)

    def next_after(now: datetime) -> datetime:
        local = now.astimezone(zone).replace(microsecond=0)
        for days in (0, 1):
            day = (local + timedelta(days=days)).date()
            for hour in hours:
                for minute in minutes:
                    for second in seconds:
                        moment = datetime(
                            day.year, day.month, day.day, hour, minute, second, tzinfo=zone
                        )
                        if moment > local:
                            return moment
        raise AssertionError("a time pattern matches again within two days")

    def run(now: datetime) -> None:
        local = now.astimezone(zone)
        fire(
            {
                **_base(config, "time_pattern", f"time pattern {local:%H:%M:%S}"),
                "now": local.isoformat(),
            },
            None,
        )

    return _Repeating(hub, next_after, run).stop


def _webhook_trigger(
    hub: Hub, config: dict[str, Any], fire: Fire, _scope: TriggerScope
) -> Unsubscribe:
    def received(method: str, body: Any) -> None:
        data = {
            **_base(config, "webhook", f"webhook {config['webhook_id']}"),
            "webhook_id": config["webhook_id"],
            "method": method,
            "json": body,
        }
        fire(data, None)

    return hub.automations.webhooks.add(config["webhook_id"], config["allowed_methods"], received)


PLATFORMS: Final[dict[str, Attach]] = {
    "state": _state_trigger,
    "numeric_state": _numeric_state_trigger,
    "event": _event_trigger,
    "alarm": _alarm_trigger,
    "time": _time_trigger,
    "time_pattern": _time_pattern_trigger,
    "webhook": _webhook_trigger,
}


def register_trigger(platform: str, fields: dict[Any, Any], attach: Attach) -> Unsubscribe:
    """Add a trigger platform (an integration's, when its code loads: once per process,
    for every hub); returns the function that removes it."""
    if PLATFORMS.get(platform, attach) is not attach:
        raise ValueError(f"Another trigger platform {platform!r} exists already")
    PLATFORMS[platform] = attach
    schema.EXTRA_TRIGGER_SCHEMAS[platform] = fields

    def remove() -> None:
        PLATFORMS.pop(platform, None)
        schema.EXTRA_TRIGGER_SCHEMAS.pop(platform, None)

    return remove


def attach_all(
    hub: Hub, configs: Iterable[dict[str, Any]], fire: Fire, scope: TriggerScope
) -> Unsubscribe:
    """Attach every enabled trigger of ``configs``; returns the function detaching them. If
    one cannot be attached, those attached already are detached and the error raised."""
    stops: list[Unsubscribe] = []
    try:
        for config in configs:
            if config.get("enabled", True):
                stops.append(PLATFORMS[config["trigger"]](hub, config, fire, scope))
    except BaseException:
        _all(stops)()
        raise
    return _all(stops)


def _all(stops: Iterable[Unsubscribe]) -> Unsubscribe:
    """One function that calls each of ``stops``."""
    stops = list(stops)

    def stop_all() -> None:
        for stop in stops:
            stop()

    return stop_all
