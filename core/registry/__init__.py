"""Registries of areas, devices and entities, loaded at start and written through."""
