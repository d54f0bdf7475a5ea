"""Test helpers for linli and for vendors' integrations.

The fixtures live in :mod:`linli.testing.plugin`, which pytest loads by itself once
linli is installed (entry point ``pytest11``). Functions to call from tests are here.
"""

from .time_travel import fire_time_changed, settle

__all__ = ["fire_time_changed", "settle"]
