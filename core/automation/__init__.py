"""Automations and blueprints in the Home Assistant format (``hub.automations``,
``hub.blueprints``): triggers, conditions and actions, with modes and traces; a run acts
with its owner's rights."""
