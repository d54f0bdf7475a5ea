"""The recorder: states and events into the database, history, logbook and statistics."""
