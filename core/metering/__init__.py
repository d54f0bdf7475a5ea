"""Metering: what households use of paid services, in fen, and their monthly statements."""

from .metering import EVENT_USAGE_RECORDED, Metering, UsageError
from .statements import Month, Statement
from .usage import UsageRecord, amount_fen

__all__ = [
    "EVENT_USAGE_RECORDED",
    "Metering",
    "Month",
    "Statement",
    "UsageError",
    "UsageRecord",
    "amount_fen",
]
