"""The database of a process: one `Database` per URL, created and migrated on first use.

With no `COPYDESK_DATABASE_URL` it is the SQLite file at `settings.db_path`; `postgresql+psycopg://...`
moves the same tables to PostgreSQL. Every store (drafts, threads, jobs, bulk) is handed one of these.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from copydesk.state.db import Database, create_db_engine
from copydesk.state.migrate import upgrade

if TYPE_CHECKING:
    from copydesk.settings import Settings

_databases: dict[str, Database] = {}
_lock = threading.Lock()


def database_url(settings: Settings) -> str:
    return settings.database_url or f"sqlite:///{settings.db_path}"


def open_database(target: Settings | Database | str | Path) -> Database:
    """The process's Database for settings, a URL or a SQLite file path (a Database is returned as is)."""
    if isinstance(target, Database):
        return target
    url = _url_of(target)
    with _lock:  # held while migrating: two threads never migrate one database at once
        database = _databases.get(url)
        if database is None:
            database = Database(create_db_engine(url))
            try:
                upgrade(database)
            except BaseException:
                database.dispose()
                raise
            _databases[url] = database
        return database


def dispose_all() -> None:
    """Close every pooled connection of this process (tests between cases; a worker after a fork)."""
    with _lock:
        for database in _databases.values():
            database.dispose()
        _databases.clear()


def _url_of(target: Settings | str | Path) -> str:
    if isinstance(target, Path):
        return f"sqlite:///{target}"
    if isinstance(target, str):
        return target
    return database_url(target)
