"""The property office's alarm when a compartment's pickup code locks: someone typed it
wrong too often, which may be someone guessing codes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from linli.alarms import Severity
from linli.entities.sensor import DOMAIN as SENSOR

from .const import ALARM_CODE_LOCKED, DOMAIN
from .entity import compartment_unique_id

if TYPE_CHECKING:
    from linli.hub import Hub

    from .model import Parcel
    from .settings import BankSettings


def raise_code_locked(hub: Hub, settings: BankSettings, parcel: Parcel) -> None:
    """A warning for the security desk (no household: it is the compartment's alarm)."""
    number = parcel.compartment
    hub.alarms.raise_alarm(
        ALARM_CODE_LOCKED,
        Severity.warning,
        source_entity_id=hub.entities.get_entity_id(
            SENSOR, DOMAIN, compartment_unique_id(settings.endpoint, number)
        ),
        household_id=None,
        message=f"Compartment {number} of {settings.name}: pickup code locked after "
        f"{parcel.wrong_tries} wrong tries (a new code: courier_locker.reissue_code)",
        data={"bank": settings.endpoint, "compartment": number, "parcel_id": parcel.parcel_id},
    )


def clear_code_locked(
    hub: Hub, settings: BankSettings, parcel: Parcel, user_id: str | None, comment: str
) -> None:
    """The lock is over (a new code, or the parcel is gone): clear its alarm, by
    ``user_id`` (None: the bank itself)."""
    for alarm in hub.alarms.active():
        if (
            alarm.alarm_type == ALARM_CODE_LOCKED
            and alarm.data.get("bank") == settings.endpoint
            and alarm.data.get("parcel_id") == parcel.parcel_id
        ):
            hub.alarms.clear(alarm.id, by_user_id=user_id, comment=comment)
