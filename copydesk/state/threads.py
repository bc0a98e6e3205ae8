"""The bot's own state in SQLite (settings.db_path, tables prefixed bot_, beside the draft store's):
threads (brand, channel, latest draft, who asked), processed event ids, and which message shows which draft.

Everything the bot needs to continue a thread after a restart lives here; drafts themselves live in
chains' DraftStore. Thread-safe: one connection per thread of the process, WAL mode.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass, field, fields
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS bot_threads (
    thread_key TEXT PRIMARY KEY,
    started_by TEXT,
    brand TEXT,
    channel TEXT,
    draft_id TEXT,
    draft_version INTEGER,
    sku TEXT,
    pending TEXT,
    scene TEXT,
    image_seed INTEGER,
    alternatives TEXT,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS bot_events (
    event_key TEXT PRIMARY KEY,
    seen_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS bot_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_key TEXT NOT NULL,
    user TEXT,
    text TEXT,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS bot_messages (
    channel_id TEXT NOT NULL,
    ts TEXT NOT NULL,
    draft_id TEXT NOT NULL,
    draft_version INTEGER NOT NULL,
    PRIMARY KEY (channel_id, ts)
);
"""


EVENT_MEMORY_S = 24 * 3600


@dataclass
class ThreadState:
    """What the bot remembers about one conversation thread."""

    thread_key: str
    started_by: str | None = None
    brand: str | None = None
    channel: str | None = None  # sales channel (generic/amazon/shopify), not the Slack channel
    draft_id: str | None = None
    draft_version: int | None = None
    sku: str | None = None
    pending: str | None = None  # what a product-pick button continues: "draft" or "image"
    scene: str | None = None  # the last image scene request
    image_seed: int | None = None
    alternatives: str | None = None  # JSON list of unshown alternative drafts ("Another variant")
    updated_at: float = field(default_factory=time.time)


_COLUMNS = [f.name for f in fields(ThreadState)]


class BotState:
    def __init__(self, db_path: Path) -> None:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        self.db_path = db_path
        self._local = threading.local()
        self._checks = 0
        with self._connect() as db:
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.db_path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA busy_timeout=30000")
            self._local.db = db
        return db

    # --- threads ------------------------------------------------------------------
    def thread(self, thread_key: str) -> ThreadState | None:
        row = self._connect().execute(
            f"SELECT {', '.join(_COLUMNS)} FROM bot_threads WHERE thread_key = ?", (thread_key,)).fetchone()
        return ThreadState(*row) if row else None

    def thread_or_new(self, thread_key: str, user: str | None) -> ThreadState:
        return self.thread(thread_key) or ThreadState(thread_key=thread_key, started_by=user)

    def save_thread(self, state: ThreadState) -> None:
        state.updated_at = time.time()
        values = [getattr(state, name) for name in _COLUMNS]
        self._connect().execute(
            f"INSERT OR REPLACE INTO bot_threads ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
            values)

    def knows_thread(self, thread_key: str) -> bool:
        return self._connect().execute(
            "SELECT 1 FROM bot_threads WHERE thread_key = ?", (thread_key,)).fetchone() is not None

    # --- requests (who asked what, for the record) ----------------------------------
    def log_request(self, thread_key: str, user: str | None, text: str) -> None:
        self._connect().execute("INSERT INTO bot_requests (thread_key, user, text, at) VALUES (?, ?, ?, ?)",
                                (thread_key, user, text, time.time()))

    def requests(self, thread_key: str) -> list[tuple[str | None, str]]:
        rows = self._connect().execute(
            "SELECT user, text FROM bot_requests WHERE thread_key = ? ORDER BY id", (thread_key,)).fetchall()
        return [(user, text) for user, text in rows]

    # --- de-duplication -------------------------------------------------------------
    def first_time(self, *event_keys: str) -> bool:
        """Record the keys; True when none of them was seen before (so the request is handled once)."""
        keys = [key for key in event_keys if key]
        if not keys:
            return True
        db = self._connect()
        now = time.time()
        self._checks += 1
        if self._checks % 500 == 0:  # Slack retries within minutes; a day of ids is plenty to remember
            self.forget_events_before(now - EVENT_MEMORY_S)
        with _transaction(db):
            seen = db.execute(
                f"SELECT 1 FROM bot_events WHERE event_key IN ({', '.join('?' * len(keys))})", keys).fetchone()
            db.executemany("INSERT OR IGNORE INTO bot_events (event_key, seen_at) VALUES (?, ?)",
                           [(key, now) for key in keys])
        return seen is None

    def forget_events_before(self, cutoff: float) -> int:
        return self._connect().execute("DELETE FROM bot_events WHERE seen_at < ?", (cutoff,)).rowcount

    # --- messages showing drafts (for reactions -> thumbs feedback) --------------------
    def remember_message(self, channel_id: str, ts: str, draft_id: str, version: int) -> None:
        self._connect().execute("INSERT OR REPLACE INTO bot_messages VALUES (?, ?, ?, ?)",
                                (channel_id, ts, draft_id, version))

    def draft_for_message(self, channel_id: str, ts: str) -> tuple[str, int] | None:
        row = self._connect().execute(
            "SELECT draft_id, draft_version FROM bot_messages WHERE channel_id = ? AND ts = ?",
            (channel_id, ts)).fetchone()
        return (row[0], int(row[1])) if row else None


class _transaction:
    """BEGIN IMMEDIATE ... COMMIT, so concurrent de-duplication checks cannot both pass."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
