"""Config entries: the configured instances of integrations, and the flows that make them."""

from .entry import ConfigEntry, ConfigEntryState, EntrySource
from .flow import ConfigFlow, OptionsFlow
from .manager import ConfigEntries

__all__ = [
    "ConfigEntries",
    "ConfigEntry",
    "ConfigEntryState",
    "ConfigFlow",
    "EntrySource",
    "OptionsFlow",
]
