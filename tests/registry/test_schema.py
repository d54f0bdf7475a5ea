"""The migrations build exactly the tables that linli.storage.schema describes."""

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from linli.storage.database import MIGRATIONS, create_engine, migrate
from linli.storage.schema import metadata


def foreign_keys_in_database(inspector: sa.Inspector, table: sa.Table) -> set[tuple]:
    return {
        (
            foreign_key["name"],
            tuple(foreign_key["constrained_columns"]),
            foreign_key["referred_table"],
            foreign_key["options"].get("ondelete"),
        )
        for foreign_key in inspector.get_foreign_keys(table.name)
    }


def foreign_keys_in_schema(table: sa.Table) -> set[tuple]:
    return {
        (
            constraint.name,
            tuple(constraint.column_keys),
            constraint.referred_table.name,
            constraint.ondelete,
        )
        for constraint in table.foreign_key_constraints
    }


def newest_revisions() -> set[str]:
    return set(ScriptDirectory(str(MIGRATIONS)).get_heads())


def test_migrated_database_matches_the_schema(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        migrate(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
            # compare_metadata ignores what a foreign key does on delete; the registries
            # rely on it (removing an area or a device), so check it here.
            inspector = sa.inspect(connection)
            for table in metadata.sorted_tables:
                assert foreign_keys_in_database(inspector, table) == foreign_keys_in_schema(
                    table
                ), table.name
    finally:
        engine.dispose()


def test_migrating_twice_changes_nothing(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        migrate(engine)
        migrate(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection)
            assert set(context.get_current_heads()) == newest_revisions()
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()


def test_downgrade_removes_every_table(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        migrate(engine)
        config = AlembicConfig()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert sa.inspect(engine).get_table_names() == ["alembic_version"]
    finally:
        engine.dispose()
