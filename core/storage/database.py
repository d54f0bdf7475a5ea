"""The hub's database, used from one worker thread so the event loop never waits on it.

Writes are queued (:meth:`Database.write`) and run in order on the worker, all the
writes queued meanwhile in one transaction (one commit, one fsync). If the transaction
fails, the batch runs again with a savepoint per write, so one bad write loses only
itself. Reads (:meth:`Database.read`) queue behind the writes, so a read sees every
earlier write.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session

from ..exceptions import DatabaseError

_LOGGER = logging.getLogger(__name__)

T = TypeVar("T")

MIGRATIONS = Path(__file__).parent / "migrations"
CONNECT_TIMEOUT = 10  # seconds
SQLITE_BUSY_TIMEOUT = 60.0  # seconds a SQLite writer waits for another's transaction


def default_url(config_dir: Path) -> str:
    """The default database: SQLite in the config folder."""
    return f"sqlite:///{(config_dir / 'linli.db').resolve()}"


def display_url(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def create_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL and enforced foreign keys."""
    try:
        parsed = make_url(url)
        # A server that accepts the connection but never answers must not hang the start.
        # SQLite: the recorder's thread and the database worker each write; one waits for
        # the other's transaction (sqlite3's default, 5 s, is too short under heavy load,
        # and a write that gives up is lost).
        connect_args = (
            {"connect_timeout": CONNECT_TIMEOUT}
            if parsed.get_backend_name() == "postgresql"
            else {"timeout": SQLITE_BUSY_TIMEOUT}
        )
        engine = sa.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    except ImportError as error:
        raise DatabaseError(
            f"Cannot use the database {display_url(url)}: its driver is missing ({error}); "
            "for PostgreSQL run: pip install 'linli[postgresql]'"
        ) from error
    except (ArgumentError, NoSuchModuleError) as error:
        raise DatabaseError(f"Invalid database URL {display_url(url)}: {error}") from error
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migrations (Alembic ``upgrade heads``: features may
    add their tables on branches of their own)."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")


class Database:
    """One hub's database connection, migrations and worker thread."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._pending: set[Future[Any]] = set()
        self._queue: list[tuple[Callable[[Session], Any], str]] = []
        self._queue_lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise DatabaseError("The database is not open")
        return self._engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def start(self) -> None:
        """Connect and migrate; raise :class:`DatabaseError` saying why if that fails."""
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="linli-db")
        loop = asyncio.get_running_loop()
        try:
            self._engine = await loop.run_in_executor(self._executor, self._open)
        except BaseException:
            self._executor.shutdown(wait=False)
            self._executor = None
            raise

    def _open(self) -> Engine:
        engine = create_engine(self.url)
        try:
            with engine.connect():
                pass
        except sa.exc.SQLAlchemyError as error:
            engine.dispose()
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            raise DatabaseError(
                f"Cannot connect to the database {display_url(self.url)}: {reason}"
            ) from error
        try:
            migrate(engine)
        except Exception as error:
            engine.dispose()
            raise DatabaseError(
                f"Cannot migrate the database {display_url(self.url)}: {error}"
            ) from error
        _LOGGER.info("Database %s ready", display_url(self.url))
        return engine

    async def read(self, query: Callable[[Session], T]) -> T:
        """Run ``query(session)`` on the worker, after every queued write."""
        if self._executor is None:
            raise DatabaseError("The database is not open")
        return await asyncio.wrap_future(self._executor.submit(self._in_session, query))

    async def commit(self, change: Callable[[Session], T]) -> T:
        """Run ``change(session)`` on the worker, after every queued write, and commit it;
        returns its result. Unlike :meth:`write`, the caller waits, and an error is raised
        to it (not only logged): for a change that decides what the caller answers."""
        return await self.read(lambda session: _committed(session, change))

    def write(self, change: Callable[[Session], Any], what: str) -> None:
        """Queue ``change(session)`` to run and commit on the worker.

        Returns at once. A failure is logged with ``what`` (e.g. "device 3f2a…") and
        rolled back to its savepoint, so one bad write cannot take others with it.
        """
        if self._executor is None:
            raise DatabaseError(f"The database is not open: cannot save {what}")
        with self._queue_lock:
            self._queue.append((change, what))
            if len(self._queue) > 1:
                return  # a batch is already queued on the worker and will take this too
        future = self._executor.submit(self._write_batch)
        self._pending.add(future)
        future.add_done_callback(self._pending.discard)

    def _write_batch(self) -> None:
        with self._queue_lock:
            batch, self._queue = self._queue, []
        try:
            with Session(self.engine) as session:
                try:  # the usual case: every write is good, one transaction for all
                    for change, _ in batch:
                        change(session)
                    session.commit()
                    return
                except Exception:
                    session.rollback()
                for change, what in batch:  # again, each in a savepoint: lose only the bad
                    try:
                        with session.begin_nested():
                            change(session)
                    except Exception as error:
                        _LOGGER.error("Could not save %s: %s", what, error)
                session.commit()
        except Exception as error:
            names = ", ".join(what for _, what in batch[:5])
            _LOGGER.error("Could not save %d changes (%s…): %s", len(batch), names, error)

    async def flush(self) -> None:
        """Wait until every queued write has run."""
        while self._pending:
            await asyncio.wait([asyncio.wrap_future(f) for f in list(self._pending)])

    async def stop(self) -> None:
        """Finish queued writes, close connections and the worker."""
        if self._executor is None:
            return
        await self.flush()
        if self._engine is not None:
            await asyncio.get_running_loop().run_in_executor(self._executor, self._engine.dispose)
            self._engine = None
        self._executor.shutdown(wait=True)
        self._executor = None

    def _in_session(self, query: Callable[[Session], T]) -> T:
        with Session(self.engine, expire_on_commit=False) as session:
            return query(session)


def _committed(session: Session, change: Callable[[Session], T]) -> T:
    result = change(session)
    session.commit()
    return result
