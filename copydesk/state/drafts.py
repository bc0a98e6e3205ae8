"""Drafts, their versions, feedback and approvals, stored in SQLite under COPYDESK_HOME.

One connection per store, guarded by a lock, in WAL mode: the Slack workers, the CLI and the
training exporter may read while a worker writes. Every version is kept (a refine never
overwrites), each with a link to the version it was refined from.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
from datetime import datetime
from pathlib import Path

from copydesk.domain import Draft, Feedback
from copydesk.errors import ConfigError, NotFoundError

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
    draft_id   TEXT PRIMARY KEY,
    sku        TEXT NOT NULL,
    user       TEXT,
    channel_id TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    draft_id       TEXT NOT NULL REFERENCES drafts(draft_id),
    version        INTEGER NOT NULL,
    parent_version INTEGER,
    user           TEXT,
    body           TEXT NOT NULL,  -- Draft as JSON
    created_at     TEXT NOT NULL,
    PRIMARY KEY (draft_id, version)
);
CREATE TABLE IF NOT EXISTS feedback (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    draft_id   TEXT NOT NULL REFERENCES drafts(draft_id),
    version    INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    user       TEXT,
    text       TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_kind ON feedback(kind);
CREATE INDEX IF NOT EXISTS drafts_channel ON drafts(channel_id);
"""


def new_draft_id() -> str:
    return "d-" + secrets.token_hex(3)


class DraftStore:
    def __init__(self, db_path: Path) -> None:
        self.path = Path(db_path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA busy_timeout=5000")
            found = self._db.execute("PRAGMA user_version").fetchone()[0]
            if found > SCHEMA_VERSION:
                raise ConfigError(
                    f"The draft store {self.path} has schema version {found}; this copydesk knows {SCHEMA_VERSION}.",
                    hint="Upgrade copydesk or point COPYDESK_HOME elsewhere.",
                )
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- drafts and versions -------------------------------------------------
    def save(
        self,
        draft: Draft,
        *,
        parent: tuple[str, int] | None = None,
        user: str | None = None,
        channel_id: str | None = None,
    ) -> Draft:
        """Store a draft: a new draft id without `parent`, else the next version of the parent's draft."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            if parent is None:
                draft_id = self._unused_id()
                self._db.execute(
                    "INSERT INTO drafts (draft_id, sku, user, channel_id, created_at) VALUES (?, ?, ?, ?, ?)",
                    (draft_id, draft.sku, user, channel_id, draft.created_at.isoformat()),
                )
                version, parent_version = 1, None
            else:
                draft_id, parent_version = parent
                if self._row(draft_id, parent_version) is None:
                    raise NotFoundError(f"No draft {draft_id} version {parent_version} to refine.")
                latest = self._db.execute("SELECT MAX(version) FROM versions WHERE draft_id=?", (draft_id,)).fetchone()[0]
                version = latest + 1
            stored = draft.model_copy(update={"draft_id": draft_id, "version": version})
            self._db.execute(
                "INSERT INTO versions (draft_id, version, parent_version, user, body, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (draft_id, version, parent_version, user, stored.model_dump_json(), stored.created_at.isoformat()),
            )
        return stored

    def get(self, draft_id: str, version: int | None = None) -> Draft:
        with self._lock:
            row = self._row(draft_id, version)
        if row is None:
            what = f"draft {draft_id}" + (f" version {version}" if version is not None else "")
            raise NotFoundError(f"No {what}.", hint="Draft ids look like d-7f3a2c; `copydesk draft REF` makes one.")
        return Draft.model_validate_json(row["body"])

    def versions(self, draft_id: str) -> list[Draft]:
        with self._lock:
            rows = self._db.execute("SELECT body FROM versions WHERE draft_id=? ORDER BY version", (draft_id,)).fetchall()
        if not rows:
            raise NotFoundError(f"No draft {draft_id}.")
        return [Draft.model_validate_json(r["body"]) for r in rows]

    def parent(self, draft_id: str, version: int) -> int | None:
        """The version this one was refined from (None for a first draft)."""
        with self._lock:
            row = self._db.execute(
                "SELECT parent_version FROM versions WHERE draft_id=? AND version=?", (draft_id, version)
            ).fetchone()
        if row is None:
            raise NotFoundError(f"No draft {draft_id} version {version}.")
        return row["parent_version"]

    def requester(self, draft_id: str) -> tuple[str | None, str | None]:
        """(user, channel_id) of whoever asked for the first version."""
        with self._lock:
            row = self._db.execute("SELECT user, channel_id FROM drafts WHERE draft_id=?", (draft_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"No draft {draft_id}.")
        return row["user"], row["channel_id"]

    # --- feedback and approvals ---------------------------------------------
    def record_feedback(self, feedback: Feedback) -> None:
        with self._lock, self._db:
            if self._row(feedback.draft_id, feedback.version) is None:
                raise NotFoundError(f"No draft {feedback.draft_id} version {feedback.version} to give feedback on.")
            self._db.execute(
                "INSERT INTO feedback (draft_id, version, kind, user, text, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (feedback.draft_id, feedback.version, feedback.kind, feedback.user, feedback.text,
                 feedback.created_at.isoformat()),
            )

    def approve(self, draft_id: str, version: int | None = None, *, user: str | None = None) -> Draft:
        """Mark a version (default: the latest) approved and return it."""
        draft = self.get(draft_id, version)
        self.record_feedback(Feedback(draft_id=draft_id, version=draft.version, kind="approve", user=user))
        return draft

    def feedback(self) -> list[Feedback]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM feedback ORDER BY id").fetchall()
        return [
            Feedback(draft_id=r["draft_id"], version=r["version"], kind=r["kind"], user=r["user"], text=r["text"],
                     created_at=datetime.fromisoformat(r["created_at"]))
            for r in rows
        ]

    def approved(self, channel_id: str | None = None) -> list[Draft]:
        """The latest approved version of each approved draft, oldest draft first."""
        query = (
            "SELECT v.body FROM versions v JOIN drafts d ON d.draft_id = v.draft_id "
            "JOIN (SELECT draft_id, MAX(version) AS version FROM feedback WHERE kind='approve' GROUP BY draft_id) a "
            "ON a.draft_id = v.draft_id AND a.version = v.version"
        )
        params: tuple = ()
        if channel_id is not None:
            query += " WHERE d.channel_id = ?"
            params = (channel_id,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY d.created_at, d.draft_id", params).fetchall()
        return [Draft.model_validate_json(r["body"]) for r in rows]

    # --- internals (call with the lock held) ---------------------------------
    def _row(self, draft_id: str, version: int | None) -> sqlite3.Row | None:
        if version is None:
            return self._db.execute(
                "SELECT body FROM versions WHERE draft_id=? ORDER BY version DESC LIMIT 1", (draft_id,)
            ).fetchone()
        return self._db.execute("SELECT body FROM versions WHERE draft_id=? AND version=?", (draft_id, version)).fetchone()

    def _unused_id(self) -> str:
        while True:  # 16.7M ids; a clash is rare, so retrying is simpler than a counter
            draft_id = new_draft_id()
            if self._db.execute("SELECT 1 FROM drafts WHERE draft_id=?", (draft_id,)).fetchone() is None:
                return draft_id
