"""Conditions: whether the states and the time are as an automation needs them, with each
check written into the run's trace."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..states import State
from .config import WEEKDAYS
from .trace import RunTrace

if TYPE_CHECKING:
    from ..hub import Hub


def _state_holds(hub: Hub, config: dict[str, Any], entity_id: str) -> bool:
    state: State | None = hub.states.get(entity_id)
    if state is None:
        return False
    attribute = config.get("attribute")
    value = state.state if attribute is None else state.attributes.get(attribute)
    if (None if value is None else str(value)) not in config["state"]:
        return False
    hold = config.get("for")
    return hold is None or hub.clock.time() - state.last_changed_timestamp >= hold.total_seconds()


def _number_holds(hub: Hub, config: dict[str, Any], entity_id: str) -> bool:
    state = hub.states.get(entity_id)
    if state is None:
        return False
    attribute = config.get("attribute")
    try:
        value = float(state.state if attribute is None else state.attributes.get(attribute))
    except (TypeError, ValueError):
        return False
    if "above" in config and not value > config["above"]:
        return False
    return not ("below" in config and not value < config["below"])


def _time_holds(hub: Hub, config: dict[str, Any]) -> bool:
    now = datetime.fromtimestamp(hub.clock.time(), ZoneInfo(hub.config.time_zone))
    if "weekday" in config and WEEKDAYS[now.weekday()] not in config["weekday"]:
        return False
    after, before, moment = config.get("after"), config.get("before"), now.time()
    if after is not None and before is not None and after > before:  # across midnight
        return moment >= after or moment < before
    if after is not None and moment < after:
        return False
    return not (before is not None and moment >= before)


def _alarm_holds(hub: Hub, config: dict[str, Any], trigger: dict[str, Any]) -> bool:
    """Whether the alarm that triggered the run is (not) acknowledged, (not) active."""
    alarm_id = (trigger.get("alarm") or {}).get("id")
    alarm = None if alarm_id is None else hub.alarms.get(alarm_id)
    if alarm_id is None:
        return False  # not started by an alarm: nothing to ask about
    acknowledged = alarm is None or alarm.state.acknowledged  # closed ones were handled
    active = alarm is not None and alarm.state.active
    if "acknowledged" in config and acknowledged != config["acknowledged"]:
        return False
    return "active" not in config or active == config["active"]


def holds(hub: Hub, config: dict[str, Any], trace: RunTrace | None, path: str) -> bool:
    """Whether the condition holds now; written into ``trace`` (whose trigger an alarm
    condition asks about) at ``path``."""
    kind = config["condition"]
    if not config.get("enabled", True):
        result = True
    elif kind == "alarm":
        result = _alarm_holds(hub, config, {} if trace is None else trace.trigger)
    elif kind in ("and", "or", "not"):
        parts = (
            holds(hub, part, trace, f"{path}/conditions/{index}")
            for index, part in enumerate(config["conditions"])
        )
        result = all(parts) if kind == "and" else any(parts) if kind == "or" else not any(parts)
    elif kind == "time":
        result = _time_holds(hub, config)
    else:
        check = _state_holds if kind == "state" else _number_holds
        found = [check(hub, config, entity_id) for entity_id in config["entity_id"]]
        result = any(found) if config.get("match") == "any" else all(found)
    if trace is not None:
        trace.step(path, f"condition {kind}", hub.clock.time(), holds=result)
    return result


def all_hold(hub: Hub, configs: list[dict[str, Any]], trace: RunTrace | None, path: str) -> bool:
    """Whether every condition holds (checked in order, stopping at the first that fails)."""
    return all(holds(hub, config, trace, f"{path}/{index}") for index, config in enumerate(configs))
