"""The audit trail: an append-only, hash-chained log of what must be answerable later.

Ballots, decisions, role changes and consent changes are appended here. Each record's
hash covers its own content and the hash before it, so :func:`verify` finds a record
that was changed, removed or moved. Removing the newest records leaves a shorter valid
chain: compare the head (:attr:`AuditLog.head`) with one published earlier (e.g. in the
owners' assembly minutes) to catch that.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import orjson
import sqlalchemy as sa
from sqlalchemy.orm import Session

from .storage.community_schema import audit_log

if TYPE_CHECKING:
    from .hub import Hub

GENESIS: Final = "0" * 64  # the "hash before" the first record


@dataclass(frozen=True, slots=True)
class AuditRecord:
    seq: int
    at: float
    kind: str  # e.g. "ballot_cast", "proposal_decided", "role_changed", "consent_given"
    actor: str | None  # the user id, or None for the hub itself
    data: str  # canonical JSON
    prev_hash: str
    hash: str

    @property
    def values(self) -> dict[str, Any]:
        return orjson.loads(self.data)


def canonical(data: dict[str, Any]) -> str:
    """``data`` as the one JSON text that is hashed (sorted keys, no spaces)."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode()


def record_hash(seq: int, at: float, kind: str, actor: str | None, data: str, prev: str) -> str:
    content = canonical({"seq": seq, "at": at, "kind": kind, "actor": actor, "data": data})
    return hashlib.sha256(f"{prev}\n{content}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Verification:
    """The outcome of :func:`verify`: how many records hold, and the first that does not."""

    checked: int
    head: str  # the hash of the last valid record
    problem: str | None = None  # what is wrong, naming the record

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(session: Session) -> Verification:
    """Walk the chain from the first record; stop at the first that does not hold."""
    prev, expected_seq, checked = GENESIS, 1, 0
    rows = session.execute(sa.select(audit_log).order_by(audit_log.c.seq))
    for row in rows:
        if row.seq != expected_seq:
            problem = f"record {expected_seq} is missing (the next one is {row.seq})"
            return Verification(checked, prev, problem)
        if row.prev_hash != prev:
            problem = f"record {row.seq} does not follow record {row.seq - 1} (moved or replaced)"
            return Verification(checked, prev, problem)
        if record_hash(row.seq, row.at, row.kind, row.actor, row.data, prev) != row.hash:
            return Verification(checked, prev, f"record {row.seq} ({row.kind}) was changed")
        prev, expected_seq, checked = row.hash, expected_seq + 1, checked + 1
    return Verification(checked, prev)


class AuditLog:
    """The hub's audit trail; records are numbered and chained on the event loop, in order,
    and written through the database's queue."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._seq = 0
        self.head = GENESIS

    async def load(self) -> None:
        """Continue the chain from its last stored record."""
        query = sa.select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc())
        last = await self.hub.database.read(lambda session: session.execute(query.limit(1)).first())
        if last is not None:
            self._seq, self.head = last.seq, last.hash

    def append(self, kind: str, actor: str | None, data: dict[str, Any]) -> AuditRecord:
        """Add a record; it is queued for the database at once (``await
        hub.database.flush()`` to wait until it is committed)."""
        seq, at, text = self._seq + 1, self.hub.clock.time(), canonical(data)
        digest = record_hash(seq, at, kind, actor, text, self.head)
        record = AuditRecord(seq, at, kind, actor, text, self.head, digest)
        self._seq, self.head = seq, digest
        row = {
            "seq": seq,
            "at": at,
            "kind": kind,
            "actor": actor,
            "data": text,
            "prev_hash": record.prev_hash,
            "hash": digest,
        }
        self.hub.database.write(
            lambda session: session.execute(sa.insert(audit_log), row), f"audit record {seq}"
        )
        return record

    async def records(self, kind: str | None = None) -> list[AuditRecord]:
        """Every record (of ``kind``), oldest first."""
        query = sa.select(audit_log).order_by(audit_log.c.seq)
        if kind is not None:
            query = query.where(audit_log.c.kind == kind)
        rows = await self.hub.database.read(lambda session: session.execute(query).all())
        return [AuditRecord(*row) for row in rows]

    async def verify(self) -> Verification:
        return await self.hub.database.read(verify)
