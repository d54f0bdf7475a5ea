"""Entities: the Entity base class and the platforms (sensor, switch, lock, ...)."""
