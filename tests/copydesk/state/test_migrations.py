"""Alembic migrations: a fresh database ends up exactly as copydesk/state/schema.py says (SQLite and
PostgreSQL), an older SQLite file from before Alembic is upgraded in place with its data, and a database
written by a newer copydesk is refused with a clear error."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from copydesk.errors import ConfigError
from copydesk.state.drafts import DraftStore
from copydesk.state.factory import open_database
from copydesk.state.migrate import head
from copydesk.state.schema import metadata
from copydesk.state.threads import BotState

# The schema copydesk created with raw SQL before Alembic (the first release's drafts.py and threads.py).
LEGACY_SQLITE = """
CREATE TABLE drafts (draft_id TEXT PRIMARY KEY, sku TEXT NOT NULL, user TEXT, channel_id TEXT, created_at TEXT NOT NULL);
CREATE TABLE versions (draft_id TEXT NOT NULL REFERENCES drafts(draft_id), version INTEGER NOT NULL,
    parent_version INTEGER, user TEXT, body TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (draft_id, version));
CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, draft_id TEXT NOT NULL REFERENCES drafts(draft_id),
    version INTEGER NOT NULL, kind TEXT NOT NULL, user TEXT, text TEXT, created_at TEXT NOT NULL);
CREATE INDEX feedback_kind ON feedback(kind);
CREATE INDEX drafts_channel ON drafts(channel_id);
CREATE TABLE bot_threads (thread_key TEXT PRIMARY KEY, started_by TEXT, brand TEXT, channel TEXT, draft_id TEXT,
    draft_version INTEGER, sku TEXT, pending TEXT, scene TEXT, image_seed INTEGER, alternatives TEXT,
    updated_at REAL NOT NULL);
CREATE TABLE bot_events (event_key TEXT PRIMARY KEY, seen_at REAL NOT NULL);
PRAGMA user_version=1;
"""


def _differences(url: str) -> list:
    database = open_database(url)
    with database.engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), metadata)


def test_a_fresh_database_matches_the_schema(settings):
    from copydesk.state.factory import database_url

    assert _differences(database_url(settings)) == []


def test_a_fresh_postgresql_database_matches_the_schema(postgres_url):
    assert _differences(postgres_url) == []


def test_sqlite_runs_in_wal_mode(tmp_path):
    open_database(tmp_path / "state.sqlite3")
    with sqlite3.connect(tmp_path / "state.sqlite3") as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_sqlite_file_from_before_alembic_is_upgraded_with_its_data(tmp_path):
    path = tmp_path / "copydesk.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.executescript(LEGACY_SQLITE)
        raw.execute("INSERT INTO drafts VALUES ('d-abcdef', '123', 'U1', 'C1', '2026-01-01T00:00:00+00:00')")
        body = ('{"sku": "123", "title": "Old title", "bullets": [], "description": "", "draft_id": "d-abcdef", '
                '"version": 1}')
        raw.execute("INSERT INTO versions VALUES ('d-abcdef', 1, NULL, 'U1', ?, '2026-01-01T00:00:00+00:00')",
                    (body,))
        raw.execute("INSERT INTO bot_events VALUES ('event:Ev1', 1.0)")
    store = DraftStore(path)
    assert store.get("d-abcdef").title == "Old title"
    assert store.save(store.get("d-abcdef"), parent=("d-abcdef", 1)).version == 2
    state = BotState(path)
    assert state.first_time("event:Ev1") is False and state.event_status("event:Ev1") == "seen"
    state.log_request("slack:C1:1.0", "U1", "hello")  # a table the old file lacked
    # Every table, column and index is there; the old files differ only in what SQLite never enforced
    # (NULL in a TEXT PRIMARY KEY) and in type names (REAL where the migrations write FLOAT).
    left = [d for diff in _differences(f"sqlite:///{path}") for d in (diff if isinstance(diff, list) else [diff])]
    assert {d[0] for d in left} <= {"modify_nullable", "modify_type"}, left
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head()


def test_a_database_from_a_newer_copydesk_is_refused(tmp_path):
    path = tmp_path / "newer.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        raw.execute("INSERT INTO alembic_version VALUES ('9999')")
    with pytest.raises(ConfigError, match="revision 9999.*newer version"):
        DraftStore(path)
