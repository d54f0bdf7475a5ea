"""The recorder's writer thread: turns queued events into rows, one commit per batch.

The thread owns its own SQLAlchemy sessions on the hub's engine (not the Database worker,
so registry writes never wait behind history) and the caches that de-duplicate attributes
and event data. Jobs (flushes, purges, queries) run on it between batches, after every
event queued before them has been committed.
"""

from __future__ import annotations

import logging
import threading
import time
import zlib
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import Any, Final

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..const import EVENT_STATE_CHANGED
from ..events import Event
from ..storage.recorder_schema import event_data, events, state_attributes, states

_LOGGER = logging.getLogger(__name__)

ATTRIBUTES_CACHE_SIZE = 16_384
EVENT_DATA_CACHE_SIZE = 2_048
MAX_BATCH = 50_000  # events per commit when catching up on a backlog
SQLITE_ROWS_PER_INSERT = 500  # 9 columns: 4,500 parameters, below SQLite's 32,766
RETRY_LIMIT = 30.0  # seconds between attempts while the database is unreachable

Job = Callable[[Session], Any]


class WriterJob:
    """Work for the writer thread, queued among the events; its result goes to ``future``."""

    __slots__ = ("future", "run")

    def __init__(self, run: Job | None) -> None:
        self.run = run
        self.future: Future[Any] = Future()


STOP: Final = object()  # the last item the writer takes: commit, then end the thread


def _json_default(value: Any) -> Any:
    if hasattr(value, "as_dict"):
        return value.as_dict()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def dumps(value: Mapping[str, Any]) -> bytes:
    """Stable JSON for de-duplication: sorted keys; anything unknown as text."""
    return orjson.dumps(
        value, default=_json_default, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS
    )


class SharedRows:
    """Row ids of de-duplicated JSON (attributes or event data), with LRU caches.

    Looked up by the mapping object itself first (states share their attributes dict while
    it does not change), then by its JSON text, then in the table by CRC-32 and text.
    """

    def __init__(self, table: sa.Table, column: str, size: int) -> None:
        self._table = table
        self._column = table.c[column]
        self._size = size
        self._by_object: OrderedDict[int, tuple[Mapping[str, Any], int]] = OrderedDict()
        self._by_text: OrderedDict[bytes, int] = OrderedDict()
        self._insert = sa.insert(table).returning(table.c.id)

    def clear(self) -> None:
        """Forget every cached id (after a rollback or a purge removed rows)."""
        self._by_object.clear()
        self._by_text.clear()

    def id_for(self, session: Session, value: Mapping[str, Any]) -> int:
        key = id(value)
        hit = self._by_object.get(key)
        if hit is not None and hit[0] is value:
            self._by_object.move_to_end(key)
            return hit[1]
        text = dumps(value)
        row_id = self._by_text.get(text)
        if row_id is None:
            row_id = self._find_or_insert(session, text)
            self._by_text[text] = row_id
            if len(self._by_text) > self._size:
                self._by_text.popitem(last=False)
        else:
            self._by_text.move_to_end(text)
        # keep a reference, so the object's id() cannot be reused while it is cached
        self._by_object[key] = (value, row_id)
        if len(self._by_object) > self._size:
            self._by_object.popitem(last=False)
        return row_id

    def _find_or_insert(self, session: Session, text: bytes) -> int:
        checksum = zlib.crc32(text)
        decoded = text.decode()
        table = self._table
        query = sa.select(table.c.id).where(table.c.hash == checksum, self._column == decoded)
        row_id = session.execute(query.limit(1)).scalar()
        if row_id is None:
            values = {"hash": checksum, self._column.name: decoded}
            row_id = session.execute(self._insert, values).scalar_one()
        return row_id


class Writer:
    """The body of the recorder's thread; :meth:`run` returns after :data:`STOP`."""

    def __init__(
        self,
        engine: Engine,
        queue: deque[Event | WriterJob | object],
        wake: threading.Event,
        commit_interval: float,
    ) -> None:
        self.engine = engine
        self.queue = queue
        self.wake = wake
        self.commit_interval = commit_interval
        self.attributes = SharedRows(state_attributes, "shared_attrs", ATTRIBUTES_CACHE_SIZE)
        self.event_data = SharedRows(event_data, "shared_data", EVENT_DATA_CACHE_SIZE)
        self.commits = 0  # transactions committed
        self.committed = 0  # events committed
        self.dropped = 0  # events lost to errors that retrying cannot fix (logged)
        self.last_commit: float | None = None  # time.time() of the last commit
        self.on_batch_done: Callable[[], None] = lambda: None
        self.stopping = False  # the hub stops: a batch the database refuses is not retried

    def run(self) -> None:
        """Commit what is queued every ``commit_interval`` (sooner when a job is queued).

        Deadlines are fixed (start + n intervals), so a slow commit shortens the next wait
        instead of adding to it.
        """
        deadline = time.monotonic()
        while True:
            deadline += self.commit_interval
            timeout = deadline - time.monotonic()
            if timeout > 0:
                self.wake.wait(timeout)
            else:
                deadline = time.monotonic()  # behind: no burst of commits to catch up
            self.wake.clear()
            if self._drain():
                return

    def _drain(self) -> bool:
        """Write and commit everything queued now; True once :data:`STOP` was taken."""
        queue = self.queue
        batch: list[Event] = []
        while queue:
            item = queue.popleft()
            if type(item) is Event:
                batch.append(item)
                if len(batch) >= MAX_BATCH:
                    self._commit(batch)
                    batch = []
                continue
            if item is STOP:
                self.stopping = True
                self._commit(batch)
                return True
            self._commit(batch)
            batch = []
            self._run_job(item)  # type: ignore[arg-type]
        self._commit(batch)
        self.on_batch_done()
        return False

    def _run_job(self, job: WriterJob) -> None:
        if job.run is None:
            job.future.set_result(None)
            return
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                result = job.run(session)
                session.commit()
        except Exception as error:
            job.future.set_exception(error)
        else:
            job.future.set_result(result)

    def _commit(self, batch: list[Event]) -> None:
        """Write ``batch`` in one transaction; retry while the database is unreachable."""
        if not batch:
            return
        delay = 1.0
        while True:
            try:
                with Session(self.engine) as session:
                    self._write(session, batch)
                    session.commit()
            except sa.exc.OperationalError as error:
                self.attributes.clear()
                self.event_data.clear()
                if self.stopping or any(item is STOP for item in self.queue):
                    self._drop(batch, error)
                    return
                _LOGGER.error(
                    "Recorder cannot write %d events to the database, retrying in %.0f s: %s",
                    len(batch),
                    delay,
                    str(error.orig or error).strip().splitlines()[0],
                )
                self.wake.wait(delay)  # a flush or the hub stopping tries again at once
                self.wake.clear()
                delay = min(delay * 2, RETRY_LIMIT)
                continue
            except Exception as error:
                self.attributes.clear()
                self.event_data.clear()
                if len(batch) == 1:
                    self._drop(batch, error)
                else:  # one bad event (e.g. data too deep for JSON): keep the others
                    for event in batch:
                        self._commit([event])
                return
            self.commits += 1
            self.committed += len(batch)
            self.last_commit = time.time()
            return

    def _drop(self, batch: list[Event], error: BaseException) -> None:
        self.dropped += len(batch)
        kinds = sorted({event.event_type for event in batch})
        _LOGGER.error(
            "Recorder lost %d events (%s, from %.3f to %.3f): %s",
            len(batch),
            ", ".join(kinds[:5]),
            batch[0].time_fired_timestamp,
            batch[-1].time_fired_timestamp,
            error,
        )

    def _write(self, session: Session, batch: list[Event]) -> None:
        state_rows: list[tuple[Any, ...]] = []
        event_rows: list[tuple[Any, ...]] = []
        attributes_id = self.attributes.id_for
        data_id = self.event_data.id_for
        for event in batch:
            context = event.context
            if event.event_type == EVENT_STATE_CHANGED:
                state = event.data["new_state"]
                if state is None:  # removed: a row without state marks the gap
                    fired = event.time_fired_timestamp
                    row: tuple[Any, ...] = (event.data["entity_id"], None, None, fired, fired)
                else:
                    row = (
                        state.entity_id,
                        state.state,
                        attributes_id(session, state.attributes),
                        state.last_changed_timestamp,
                        state.last_updated_timestamp,
                    )
                state_rows.append(
                    (*row, context.id, context.user_id, context.parent_id, context.origin)
                )
            else:
                event_rows.append(
                    (
                        event.event_type,
                        data_id(session, event.data) if event.data else None,
                        event.origin.value,
                        event.time_fired_timestamp,
                        context.id,
                        context.user_id,
                        context.parent_id,
                        context.origin,
                    )
                )
        if state_rows:
            bulk_insert(session, states, STATE_COLUMNS, state_rows)
        if event_rows:
            bulk_insert(session, events, EVENT_COLUMNS, event_rows)


_CONTEXT_COLUMNS = ("context_id", "context_user_id", "context_parent_id", "context_origin")
STATE_COLUMNS: Final = (
    "entity_id",
    "state",
    "attributes_id",
    "last_changed_ts",
    "last_updated_ts",
    *_CONTEXT_COLUMNS,
)
EVENT_COLUMNS: Final = ("event_type", "data_id", "origin", "time_fired_ts", *_CONTEXT_COLUMNS)


def bulk_insert(
    session: Session, table: sa.Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """Insert many rows as fast as the driver can: COPY on PostgreSQL, a prepared
    executemany on SQLite. The hot path of the recorder; everything else uses SQLAlchemy."""
    connection = session.connection()
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        with (
            driver.cursor() as cursor,
            cursor.copy(  # type: ignore[union-attr]
                f"COPY {table.name} ({names}) FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    # Many rows per statement: each sqlite3 step gives up the GIL and must win it back
    # from the busy event loop, so fewer, larger steps keep the writer from stalling.
    marks = "(" + ", ".join("?" * len(columns)) + ")"
    for start in range(0, len(rows), SQLITE_ROWS_PER_INSERT):
        chunk = rows[start : start + SQLITE_ROWS_PER_INSERT]
        values = ", ".join([marks] * len(chunk))
        parameters = tuple(value for row in chunk for value in row)
        connection.exec_driver_sql(
            f"INSERT INTO {table.name} ({names}) VALUES {values}", parameters
        )
