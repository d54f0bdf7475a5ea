"""Compartments and parcels, and what goes wrong with them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from linli.exceptions import LinliError


class Size(StrEnum):
    small = "small"
    medium = "medium"
    large = "large"


class CompartmentState(StrEnum):
    free = "free"
    occupied = "occupied"
    locked = "locked"  # occupied, and its pickup code locked after too many wrong tries


class ParcelStatus(StrEnum):
    waiting = "waiting"  # in its compartment for the household
    expired = "expired"  # still in its compartment, for the courier to take back
    picked_up = "picked_up"
    returned = "returned"  # the courier took it back

    @property
    def in_compartment(self) -> bool:
        return self in (ParcelStatus.waiting, ParcelStatus.expired)


@dataclass(kw_only=True)
class Parcel:
    """One parcel the courier system deposited, as kept between restarts."""

    parcel_id: str  # the courier system's id of this deposit
    compartment: int
    tracking_number: str
    carrier: str
    recipient: str  # the address the courier gave
    deposited_at: float
    status: ParcelStatus = ParcelStatus.waiting
    household_id: str | None = None  # None: nobody lives at the address; the desk assigns it
    code: str | None = None  # the pickup code, while the parcel waits for its household
    wrong_tries: int = 0
    code_locked: bool = False
    told_at: float | None = None  # when the household was told: free storage starts then
    overdue: bool = False  # past its free storage (and the household told so)
    finished_at: float | None = None  # picked up or returned

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Parcel:
        return cls(**{**data, "status": ParcelStatus(data["status"])})


@dataclass(kw_only=True)
class Compartment:
    """One compartment of the bank, numbered from 1: small ones first, then medium, large."""

    number: int
    size: Size
    door_open: bool | None = None  # None: the locker has not reported it yet
    parcel: Parcel | None = None  # the parcel in it (waiting or expired)

    @property
    def state(self) -> CompartmentState:
        if self.parcel is None:
            return CompartmentState.free
        return CompartmentState.locked if self.parcel.code_locked else CompartmentState.occupied


class LockerError(LinliError):
    """A request the bank cannot do as asked; ``field`` names what is wrong."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(LockerError):
    """No such compartment or parcel."""


class Conflict(LockerError):
    """The compartment or parcel is not in a state that allows it."""


class UnknownRecipient(LockerError):
    """No single household lives at the recipient's address."""
