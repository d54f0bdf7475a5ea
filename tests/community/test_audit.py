"""The audit trail catches a record changed, removed or moved in the database, and
``linli audit verify`` says which; the chain continues across a restart."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from linli.cli import main
from linli.config import CONFIG_FILE
from linli.hub import Hub
from linli.storage.community_schema import audit_log
from linli.testing.plugin import HubFactory

KINDS = ("role_changed", "consent_given", "ballot_cast", "consent_withdrawn", "ballot_cast")

# A tampering (SQL run on the stopped hub's database) and what verify says of it. {1}, {2}…
# are the numbers of the test's first, second… records (the hub's own come before them).
TAMPERINGS = {
    "changed": (
        ['UPDATE audit_log SET data = \'{{"choice":"agree"}}\' WHERE seq = {3}'],
        "record {3} (ballot_cast) was changed",
    ),
    "removed": (
        ["DELETE FROM audit_log WHERE seq = {3}"],
        "record {3} is missing (the next one is {4})",
    ),
    "swapped": (
        [
            "UPDATE audit_log SET seq = -1 WHERE seq = {2}",
            "UPDATE audit_log SET seq = {2} WHERE seq = {3}",
            "UPDATE audit_log SET seq = {3} WHERE seq = -1",
        ],
        "record {2} does not follow record {1} (moved or replaced)",
    ),
}


def write_config(config_dir: Path, database_url: str) -> Path:
    """The config folder as an operator has it: linli.yaml naming the database."""
    config_dir.mkdir(parents=True, exist_ok=True)
    text = f"community:\n  name: 测试小区\ndatabase:\n  url: {database_url}\n"
    (config_dir / CONFIG_FILE).write_text(text, encoding="utf-8")
    return config_dir


def append_records(hub: Hub, kinds: tuple[str, ...] = KINDS) -> list[int]:
    """Append a record of each kind; returns their numbers after the number before them."""
    records = [
        hub.audit.append(kind, f"user{number}", {"number": number, "unit": "7-2-1203"})
        for number, kind in enumerate(kinds, 1)
    ]
    return [records[0].seq - 1] + [record.seq for record in records]


def linli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def config_dir(tmp_path: Path, database_url: str) -> Path:
    return write_config(tmp_path / "community", database_url)


@pytest.mark.parametrize("tampering", sorted(TAMPERINGS))
async def test_tampering_is_caught_and_named(
    tampering: str,
    config_dir: Path,
    database_url: str,
    hub_factory: HubFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    hub = await hub_factory(config_dir=config_dir, database_url=database_url)
    seqs = append_records(hub)
    await hub.stop()
    code, out, _ = linli(capsys, "audit", "verify", "--config", str(config_dir))
    assert (code, out) == (0, f"Audit log OK: {seqs[-1]} records, head {hub.audit.head}\n")

    statements, problem = TAMPERINGS[tampering]
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(sa.text(statement.format(*seqs)))
    engine.dispose()

    code, out, err = linli(capsys, "audit", "verify", "--config", str(config_dir))
    assert (code, out) == (1, "")
    assert f"Audit log BROKEN: {problem.format(*seqs)}." in err
    again = await hub_factory(config_dir=config_dir, database_url=database_url)
    verification = await again.audit.verify()
    assert (verification.ok, verification.problem) == (False, problem.format(*seqs))


async def test_the_chain_continues_across_a_restart(
    hub: Hub, restart, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(hub.config.config_dir, hub.config.database_url)
    before = append_records(hub, KINDS[:2])
    again = await restart(hub)
    after = append_records(again, KINDS[2:])
    await again.database.flush()
    assert after[0] == before[-1]  # numbered on from where the first hub stopped
    records = await again.audit.records()
    assert [record.seq for record in records] == list(range(1, after[-1] + 1))
    assert records[after[1] - 1].prev_hash == records[before[-1] - 1].hash == hub.audit.head
    verification = await again.audit.verify()
    assert (verification.ok, verification.checked, verification.head) == (
        True,
        after[-1],
        again.audit.head,
    )
    code, out, _ = linli(capsys, "audit", "verify", "--config", str(hub.config.config_dir))
    assert (code, out) == (0, f"Audit log OK: {after[-1]} records, head {again.audit.head}\n")


async def test_a_published_head_catches_records_removed_from_the_end(
    hub: Hub, capsys: pytest.CaptureFixture[str]
) -> None:
    config_dir = write_config(hub.config.config_dir, hub.config.database_url)
    seqs = append_records(hub, KINDS[:3])
    published = hub.audit.head  # read out at the owners' assembly
    append_records(hub, KINDS[3:])
    await hub.database.flush()
    verify = ("audit", "verify", "--config", str(config_dir), "--head", published)
    assert linli(capsys, *verify)[0] == 0

    deleting = sa.delete(audit_log).where(audit_log.c.seq >= seqs[3])
    await hub.database.read(lambda session: (session.execute(deleting), session.commit()))
    code, out, err = linli(capsys, *verify)
    assert (code, out) == (1, "")
    assert f"no record has the head {published} published earlier" in err
    assert f"The chain holds {seqs[2]} records" in err
    assert linli(capsys, "audit", "verify", "--config", str(config_dir))[0] == 0


async def test_show_prints_the_records_of_a_kind(
    hub: Hub, capsys: pytest.CaptureFixture[str]
) -> None:
    config_dir = write_config(hub.config.config_dir, hub.config.database_url)
    seqs = append_records(hub)
    await hub.database.flush()
    show = ("audit", "show", "--config", str(config_dir), "--kind", "ballot_cast")
    code, out, err = linli(capsys, *show)
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == [str(seqs[3]), str(seqs[5])]
    assert "ballot_cast" in lines[0]
    assert "user3" in lines[0]
    assert '{"number":3,"unit":"7-2-1203"}' in lines[0]
    assert "+08:00" in lines[0]  # the community's time zone
    assert err == "Records: 2\n"


def test_a_folder_without_a_database_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / CONFIG_FILE).write_text("community:\n  name: 测试小区\n", encoding="utf-8")
    code, out, err = linli(capsys, "audit", "verify", "--config", str(config_dir))
    assert (code, out) == (1, "")
    assert f"There is no database at {config_dir / 'linli.db'}" in err
    assert not (config_dir / "linli.db").exists()
