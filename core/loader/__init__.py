"""Finding, validating and setting up integrations."""
