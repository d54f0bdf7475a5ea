"""Automation blueprints (YAML) that ship with the hub."""
