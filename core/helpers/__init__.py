"""Helpers that integrations use on top of the core: tracking states and time."""
