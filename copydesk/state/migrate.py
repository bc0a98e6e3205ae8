"""Alembic, driven from code: every process upgrades its database to the newest revision on first use
(`open_database`), so `make run` needs no migration step; `copydesk doctor` reports where a database stands.

The migration scripts live in copydesk/state/migrations (shipped as package data).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from copydesk.errors import ConfigError
from copydesk.state.db import Database, migration_lock

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


@lru_cache(maxsize=1)
def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@lru_cache(maxsize=1)
def head() -> str:
    heads = ScriptDirectory.from_config(_config()).get_heads()
    assert len(heads) == 1, f"the migrations have several heads: {heads}"  # a mistake in a new migration
    return heads[0]


def current(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(database: Database) -> None:
    """Bring the database to the newest revision; a database newer than this copydesk is a ConfigError."""
    with database.write() as conn:
        migration_lock(conn)
        found = current(conn)
        if found == head():
            return
        known = {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}
        if found is not None and found not in known:
            raise ConfigError(
                f"The database {database.url} is at schema revision {found}, which this copydesk does not know "
                "(it was written by a newer version).",
                hint="Upgrade copydesk on this machine, or point COPYDESK_DATABASE_URL / COPYDESK_HOME elsewhere.")
        config = _config()
        config.attributes["connection"] = conn
        try:
            command.upgrade(config, "head")
        finally:
            config.attributes.pop("connection", None)
