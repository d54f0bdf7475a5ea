"""Alembic migrations of the hub's schema; run by :func:`linli.storage.database.migrate`."""
