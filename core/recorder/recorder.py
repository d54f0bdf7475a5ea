"""The recorder: every state change and event, written to the hub's database in batches.

On the event loop it costs one ``deque.append`` per event (a match-all bus listener). A
thread of its own (:mod:`.writer`) commits what is queued once per ``commit_interval``.
A queue longer than ``max_backlog`` is reported (an error in the log, a
``recorder_backlog`` event, :attr:`Recorder.backlog`) but nothing is dropped and nobody
is blocked: the loop must never wait on the database, so the queue keeps growing until
the writer catches up. Retention runs daily, statistics at every hour boundary, both on
the hub's clock.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, TypeVar

from sqlalchemy.orm import Session

from ..config import RecorderConfig
from ..const import (
    EVENT_SERVICE_REGISTERED,
    EVENT_SERVICE_REMOVED,
    EVENT_STATE_CHANGED,
    MATCH_ALL,
)
from ..context import Context
from ..events import Event, Unsubscribe
from ..exceptions import DatabaseError
from ..helpers.event import track_point_in_time, track_time_interval
from . import statistics
from .purge import PurgeResult, protected_entity_ids, purge
from .writer import STOP, Job, Writer, WriterJob

if TYPE_CHECKING:
    from ..hub import Hub

_LOGGER = logging.getLogger(__name__)

T = TypeVar("T")

EVENT_RECORDER_BACKLOG: Final = "recorder_backlog"
DEFAULT_EXCLUDED_EVENT_TYPES: Final = frozenset({EVENT_SERVICE_REGISTERED, EVENT_SERVICE_REMOVED})
PURGE_INTERVAL: Final = timedelta(days=1)
DAY: Final = 86_400.0
MAX_HOURS_CAUGHT_UP: Final = 48  # hours of statistics compiled after the clock jumped


class Recorder:
    """Records one hub's states and events; started and stopped by the hub."""

    def __init__(self, hub: Hub, settings: RecorderConfig | None = None) -> None:
        settings = settings or hub.config.recorder
        self.hub = hub
        self.commit_interval = settings.commit_interval
        self.max_backlog = settings.max_backlog
        self.keep_days = settings.keep_days
        self.keep_days_protected = settings.keep_days_protected
        self.exclude_event_types = DEFAULT_EXCLUDED_EVENT_TYPES | set(settings.exclude_event_types)
        self.exclude_entities = frozenset(settings.exclude_entities)
        self._queue: deque[Event | WriterJob | object] = deque()
        self._wake = threading.Event()
        self._writer: Writer | None = None
        self._thread: threading.Thread | None = None
        self._stop_listening: Unsubscribe | None = None
        self._cancel_purge: Unsubscribe | None = None
        self._cancel_statistics: Unsubscribe | None = None
        self._backlog_reported = False
        self._compiled_until = 0.0  # end of the last hour whose statistics were compiled

    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def backlog(self) -> int:
        """Events and jobs queued, not yet committed."""
        return len(self._queue)

    @property
    def writer(self) -> Writer:
        """The thread's counters: ``commits``, ``committed``, ``dropped``, ``last_commit``."""
        if self._writer is None:
            raise DatabaseError("The recorder is not running")
        return self._writer

    async def start(self) -> None:
        """Start the writer thread, listen to every event, schedule purge and statistics."""
        if self._thread is not None:
            return
        self._writer = Writer(
            self.hub.database.engine, self._queue, self._wake, self.commit_interval
        )
        self._writer.on_batch_done = self._batch_done
        self._thread = threading.Thread(target=self._writer.run, name="linli-recorder", daemon=True)
        self._thread.start()
        self._stop_listening = self.hub.bus.listen(MATCH_ALL, self._on_event)
        self._cancel_purge = track_time_interval(self.hub, self._purge_due, PURGE_INTERVAL)
        now = self.hub.clock.time()
        self._compiled_until = now - now % statistics.HOUR
        self._schedule_statistics()

    async def stop(self) -> None:
        """Stop listening, commit everything queued, end the thread."""
        thread = self._thread
        if thread is None:
            return
        self._thread = None  # from now on run() refuses and flush() returns at once
        for cancel in (self._stop_listening, self._cancel_purge, self._cancel_statistics):
            if cancel is not None:
                cancel()
        self._stop_listening = self._cancel_purge = self._cancel_statistics = None
        self._queue.append(STOP)
        self._wake.set()
        await asyncio.get_running_loop().run_in_executor(None, thread.join)

    def _on_event(self, event: Event) -> None:
        """The bus listener: queue the event. Hot path."""
        if event.event_type not in self.exclude_event_types:
            if self.exclude_entities and self._excluded_state(event):
                return
            queue = self._queue
            queue.append(event)
            if len(queue) > self.max_backlog and not self._backlog_reported:
                self._report_backlog()

    def _excluded_state(self, event: Event) -> bool:
        return (
            event.event_type == EVENT_STATE_CHANGED
            and event.data["entity_id"] in self.exclude_entities
        )

    def _report_backlog(self) -> None:
        self._backlog_reported = True
        backlog = len(self._queue)
        _LOGGER.error(
            "Recorder backlog: %d events wait to be written to %s (limit %d); nothing is "
            "dropped, but memory grows until the database keeps up",
            backlog,
            self.hub.database.dialect,
            self.max_backlog,
        )
        self.hub.loop.call_soon(
            self.hub.bus.fire,
            EVENT_RECORDER_BACKLOG,
            {"backlog": backlog, "max_backlog": self.max_backlog},
            Context(origin="hub"),
        )

    def _batch_done(self) -> None:
        """On the writer thread: re-arm the backlog report once the queue is short again."""
        if self._backlog_reported and len(self._queue) <= self.max_backlog:
            self._backlog_reported = False
            _LOGGER.info("Recorder backlog cleared")

    async def run(self, job: Job) -> Any:
        """Run ``job(session)`` on the recorder's thread after every event queued before it
        is committed; commit and return its result."""
        if self._thread is None:
            raise DatabaseError("The recorder is not running: cannot query or change history")
        item = WriterJob(job)
        self._queue.append(item)
        self._wake.set()
        return await asyncio.wrap_future(item.future)

    async def flush(self) -> None:
        """Return once everything queued so far is committed (at once if not running)."""
        if self._thread is not None:
            item = WriterJob(None)
            self._queue.append(item)
            self._wake.set()
            await asyncio.wrap_future(item.future)

    async def purge(self) -> PurgeResult:
        """Delete history older than ``keep_days`` (``keep_days_protected`` for entities of
        integrations that collect protected data); statistics stay."""
        now = self.hub.clock.time()
        protected = protected_entity_ids(self.hub)
        cutoff = now - self.keep_days * DAY
        protected_cutoff = now - min(self.keep_days_protected, self.keep_days) * DAY
        result: PurgeResult = await self.delete_history(
            lambda session: purge(session, cutoff, protected_cutoff, protected)
        )
        _LOGGER.info("Recorder purge: %s", result)
        return result

    async def delete_history(self, job: Callable[[Session], T]) -> T:
        """Run ``job``, which deletes recorded rows, like :meth:`run`; then the writer
        forgets the attribute and event-data rows it knew (the job may have deleted some).
        Retention and erasure (consent withdrawn) both go through here."""
        writer = self.writer

        def deleting(session: Session) -> T:
            result = job(session)
            writer.attributes.clear()
            writer.event_data.clear()
            return result

        return await self.run(deleting)

    def _purge_due(self, _now: datetime) -> None:
        self.hub.create_task(self.purge(), "recorder purge")

    def _schedule_statistics(self) -> None:
        """Arm the timer for the next hour boundary of the hub's clock."""
        now = self.hub.clock.time()
        next_hour = now - now % statistics.HOUR + statistics.HOUR
        self._cancel_statistics = track_point_in_time(
            self.hub, self._statistics_due, datetime.fromtimestamp(next_hour, UTC)
        )

    def _statistics_due(self, _now: datetime) -> None:
        self._schedule_statistics()
        self.hub.create_task(self.compile_statistics(), "recorder statistics")

    async def compile_statistics(self) -> int:
        """Compile every hour that ended since the last compile; return rows added."""
        now = self.hub.clock.time()
        end = now - now % statistics.HOUR
        hours = _hour_starts(self._compiled_until, end)[-MAX_HOURS_CAUGHT_UP:]
        self._compiled_until = max(self._compiled_until, end)
        if not hours:
            return 0
        found = statistics.candidates(self.hub)

        def job(session: Session) -> int:
            return sum(statistics.compile_hour(session, found, start, now) for start in hours)

        return await self.run(job)


def _hour_starts(since: float, until: float) -> list[float]:
    count = int((until - since) // statistics.HOUR)
    return [since + index * statistics.HOUR for index in range(count)]
