"""The database worker: batched writes, failures that lose only themselves, reads after."""

import logging

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from linli.exceptions import DatabaseError
from linli.hub import Hub
from linli.storage.database import Database, display_url
from linli.testing.plugin import HubFactory

NOTES = sa.table("notes", sa.column("id", sa.Integer), sa.column("text", sa.String))


def create_notes(session: Session) -> None:
    session.execute(sa.text("CREATE TABLE notes (id INTEGER PRIMARY KEY, text VARCHAR(40))"))


def add_note(note_id: int, text: str):
    return lambda session: session.execute(sa.insert(NOTES).values(id=note_id, text=text))


def read_notes(session: Session) -> list[tuple[int, str]]:
    return [tuple(row) for row in session.execute(sa.select(NOTES).order_by("id"))]


async def test_a_failing_write_loses_only_itself(
    hub_factory: HubFactory, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    hub = await hub_factory(database_url=database_url)
    hub.database.write(create_notes, "notes table")
    await hub.database.flush()

    with caplog.at_level(logging.ERROR):
        hub.database.write(add_note(1, "smoke test passed"), "note 1")
        hub.database.write(add_note(1, "duplicate id"), "note 1 again")
        hub.database.write(add_note(2, "gas test passed"), "note 2")
        notes = await hub.database.read(read_notes)

    assert notes == [(1, "smoke test passed"), (2, "gas test passed")]
    assert "Could not save note 1 again" in caplog.text


async def test_writes_are_kept_across_a_restart(hub_factory: HubFactory, tmp_path) -> None:
    first = await hub_factory(config_dir=tmp_path / "community")
    first.database.write(create_notes, "notes table")
    for note_id in range(200):
        first.database.write(add_note(note_id, f"reading {note_id}"), f"note {note_id}")
    await first.stop()

    second = await hub_factory(config_dir=tmp_path / "community")
    notes = await second.database.read(read_notes)
    assert len(notes) == 200
    assert notes[-1] == (199, "reading 199")


async def test_sqlite_runs_in_wal_mode(hub: Hub) -> None:
    def journal_mode(session: Session) -> str:
        return session.execute(sa.text("PRAGMA journal_mode")).scalar_one()

    assert await hub.database.read(journal_mode) == "wal"


async def test_a_sqlite_writer_waits_a_minute_for_the_other_writer(hub: Hub) -> None:
    """The recorder's thread and the database worker both write; under load a recorder
    commit can hold SQLite for longer than sqlite3's default 5 s (seen in bench/mqtt.py:
    a config entry lost to "database is locked"). The other writer waits instead."""

    def busy_timeout(session: Session) -> int:
        return session.execute(sa.text("PRAGMA busy_timeout")).scalar_one()

    assert await hub.database.read(busy_timeout) == 60_000


async def test_closed_database_refuses_work_with_a_reason() -> None:
    database = Database("sqlite://")
    with pytest.raises(DatabaseError, match="not open: cannot save device 1"):
        database.write(lambda session: None, "device 1")


def test_display_url_hides_the_password() -> None:
    shown = display_url("postgresql+psycopg://linli:s3cret@db.example:5432/estate")
    assert "s3cret" not in shown
    assert "db.example:5432/estate" in shown
