"""Throw-away PostgreSQL databases for tests, on the server named by the environment.

``LINLI_TEST_POSTGRESQL`` is the server's URL (default: the local one, database ``test``).
Each test gets its own database; all are dropped at the end of the test session. When the
server cannot be reached the test is skipped, except under CI (``CI=true``), where that is
a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def server_url() -> str:
    return os.environ.get("LINLI_TEST_POSTGRESQL", DEFAULT_SERVER)


def _unavailable(reason: str) -> None:
    message = f"PostgreSQL at {make_url(server_url()).render_as_string()} unavailable: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (under CI the PostgreSQL tests must run)")
    pytest.skip(message)


class TemporaryDatabases:
    """Creates empty databases on the test server and drops them all at the end.

    Dropping at the end of the session, not of each test, means a hub a test still runs
    (fixtures tear down in reverse order) never loses its database under it.
    """

    def __init__(self) -> None:
        self._names: list[str] = []
        self._admin: sa.Engine | None = None

    def create(self) -> str:
        """A new empty database's URL; skips (or fails under CI) without a server."""
        try:
            import psycopg  # noqa: F401 - the driver the URL names
        except ImportError:
            _unavailable("the psycopg driver is not installed (pip install 'linli[postgresql]')")
        if self._admin is None:
            self._admin = sa.create_engine(
                server_url(), isolation_level="AUTOCOMMIT", poolclass=sa.NullPool
            )
        name = f"linli_test_{uuid.uuid4().hex[:12]}"
        try:
            with self._admin.connect() as connection:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        except sa.exc.OperationalError as error:
            _unavailable(str(error.orig).strip().splitlines()[0])
        self._names.append(name)
        return make_url(server_url()).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if self._admin is None:
            return
        with self._admin.connect() as connection:
            for name in self._names:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self._names.clear()
        self._admin.dispose()
        self._admin = None


@contextmanager
def temporary_databases() -> Iterator[TemporaryDatabases]:
    databases = TemporaryDatabases()
    try:
        yield databases
    finally:
        databases.drop_all()
