"""Data-entry flows: multi-step forms driven by voluptuous schemas, served as JSON."""
