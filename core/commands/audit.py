"""``linli audit ...``: check and read the community's audit trail from the hub's machine.

Both commands read the database named in the config folder directly, without starting the
hub or migrating anything, so they work while the hub runs or is stopped.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..audit import AuditRecord, Verification, verify
from ..config import HubConfig, load_config
from ..exceptions import DatabaseError, LinliError
from ..storage.community_schema import audit_log
from ..storage.database import create_engine, display_url
from . import Subcommands, add_group, config_option

T = TypeVar("T")


def add_audit_commands(commands: Subcommands, default_config_dir: Path) -> None:
    """Add ``linli audit`` and its subcommands to the ``linli`` command line."""
    subcommands = add_group(
        commands,
        "audit",
        summary="verify and show the audit trail (ballots, decisions, roles, consents)",
        description="The hub appends every ballot, decision, role change and consent change\n"
        "to a hash-chained audit log: each record's hash covers the record before it, so a\n"
        "record changed, removed or moved in the database breaks the chain.",
        epilog="examples:\n"
        "  linli audit verify                       check the chain of ./config's database\n"
        "  linli audit verify --head 3f9a…          and that it still holds a published head\n"
        "  linli audit show --kind consent_given    list the consents given",
    )
    config = config_option(default_config_dir)

    check = subcommands.add_parser(
        "verify",
        parents=[config],
        help="check that no record was changed, removed or reordered",
        description="Walk the audit log from its first record and check every hash. Prints "
        "'Audit log OK: N records, head HASH' and exits with 0, or names the first record "
        "that does not hold and exits with 1. Removing the newest records leaves a shorter "
        "valid chain: publish the head (e.g. in the owners' assembly minutes) and check it "
        "later with --head.",
    )
    check.add_argument(
        "--head",
        metavar="HASH",
        help="a head published earlier: fail unless the chain still holds the record with it",
    )
    check.set_defaults(handler=_verify)

    show = subcommands.add_parser(
        "show",
        parents=[config],
        help="print the audit records, oldest first",
        description="Print every audit record: number, time (in the community's time zone), "
        "kind, the user who acted (- for the hub itself) and its data.",
    )
    show.add_argument("--kind", metavar="K", help="only records of this kind, e.g. ballot_cast")
    show.set_defaults(handler=_show)


def _verify(args: argparse.Namespace) -> int:
    def check(session: Session) -> tuple[Verification, int | None]:
        verification = verify(session)
        seq = None
        if args.head is not None:
            query = sa.select(audit_log.c.seq).where(audit_log.c.hash == args.head)
            seq = session.execute(query).scalar()
        return verification, seq

    try:
        verification, head_seq = _read(load_config(args.config), check)
    except LinliError as error:
        print(error, file=sys.stderr)
        return 1
    if verification.problem is not None:
        print(
            f"Audit log BROKEN: {verification.problem}. The {verification.checked} records "
            f"before it hold (head {verification.head}).",
            file=sys.stderr,
        )
        return 1
    if args.head is not None and head_seq is None:
        print(
            f"Audit log BROKEN: no record has the head {args.head} published earlier, so "
            f"records were removed from its end. The chain holds {verification.checked} "
            f"records (head {verification.head}).",
            file=sys.stderr,
        )
        return 1
    print(f"Audit log OK: {verification.checked} records, head {verification.head}")
    return 0


def _show(args: argparse.Namespace) -> int:
    query = sa.select(audit_log).order_by(audit_log.c.seq)
    if args.kind is not None:
        query = query.where(audit_log.c.kind == args.kind)

    def read(session: Session) -> list[AuditRecord]:
        return [AuditRecord(*row) for row in session.execute(query)]

    try:
        config = load_config(args.config)
        records = _read(config, read)
    except LinliError as error:
        print(error, file=sys.stderr)
        return 1
    zone = ZoneInfo(config.time_zone)
    for record in records:
        at = datetime.fromtimestamp(record.at, zone).isoformat(timespec="seconds")
        print(f"{record.seq:>6}  {at}  {record.kind:<22}  {record.actor or '-':<32}  {record.data}")
    print(f"Records: {len(records)}", file=sys.stderr)
    return 0


def _read(config: HubConfig, query: Callable[[Session], T]) -> T:
    """Run ``query`` on the community's database, as it is: never created nor migrated."""
    engine = create_engine(_existing_url(config))
    try:
        with Session(engine) as session:
            if not sa.inspect(session.connection()).has_table(audit_log.name):
                raise DatabaseError(
                    f"The database {display_url(config.database_url)} has no audit log yet: "
                    "start the hub once to create it"
                )
            return query(session)
    except sa.exc.SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise DatabaseError(
            f"Cannot read the audit log from {display_url(config.database_url)}: {reason}"
        ) from error
    finally:
        engine.dispose()


def _existing_url(config: HubConfig) -> str:
    """The database URL; for SQLite, only if its file exists (connecting would create it)."""
    url = sa.make_url(config.database_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        raise DatabaseError(
            f"There is no database at {url.database}: is {config.config_dir} the config folder "
            "of a hub that has run?"
        )
    return config.database_url
