"""The bot's own state (tables prefixed bot_, beside the draft store's): threads (brand, channel, latest draft,
who asked), processed event ids, and which message shows which draft.

Everything the bot needs to continue a thread after a restart, or on another replica, lives here; drafts
themselves live in DraftStore. The database is the process's (SQLite by default, PostgreSQL when
configured): a conversation can move between replicas from one message to the next.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, update

from copydesk.state.db import Database
from copydesk.state.factory import open_database
from copydesk.state.schema import bot_drafts, bot_events, bot_messages, bot_requests, bot_threads

if TYPE_CHECKING:
    from copydesk.settings import Settings

EVENT_MEMORY_S = 24 * 3600
SEEN, ANSWERED = "seen", "answered"


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
    alternatives: str | None = None  # no longer written: "Another variant" realizes anew on a new seed (old rows keep it)
    updated_at: float = field(default_factory=time.time)


_COLUMNS = [f.name for f in fields(ThreadState)]


class BotState:
    def __init__(self, database: Database | Settings | Path | str) -> None:
        """`database`: the process's Database, or Settings / a URL / a SQLite file path to open one."""
        self.db = open_database(database)
        self._checks = 0

    # --- threads ------------------------------------------------------------------
    def thread(self, thread_key: str) -> ThreadState | None:
        with self.db.read() as conn:
            row = conn.execute(select(bot_threads).where(bot_threads.c.thread_key == thread_key)).first()
        return ThreadState(**row._asdict()) if row else None

    def thread_or_new(self, thread_key: str, user: str | None) -> ThreadState:
        return self.thread(thread_key) or ThreadState(thread_key=thread_key, started_by=user)

    def save_thread(self, state: ThreadState) -> None:
        state.updated_at = time.time()
        values = {name: getattr(state, name) for name in _COLUMNS}
        upsert = self.db.insert(bot_threads).values(**values)
        upsert = upsert.on_conflict_do_update(index_elements=["thread_key"],
                                              set_={k: v for k, v in values.items() if k != "thread_key"})
        with self.db.write() as conn:
            conn.execute(upsert)

    def knows_thread(self, thread_key: str) -> bool:
        with self.db.read() as conn:
            return conn.execute(select(bot_threads.c.thread_key).where(
                bot_threads.c.thread_key == thread_key)).first() is not None

    # --- requests (who asked what, for the record) ----------------------------------
    def log_request(self, thread_key: str, user: str | None, text: str) -> None:
        with self.db.write() as conn:
            conn.execute(bot_requests.insert().values(thread_key=thread_key, user=user, text=text, at=time.time()))

    def requests(self, thread_key: str) -> list[tuple[str | None, str]]:
        with self.db.read() as conn:
            rows = conn.execute(select(bot_requests.c.user, bot_requests.c.text)
                                .where(bot_requests.c.thread_key == thread_key).order_by(bot_requests.c.id)).all()
        return [(user, text) for user, text in rows]

    # --- de-duplication -------------------------------------------------------------
    def first_time(self, *event_keys: str) -> bool:
        """Record the keys as seen; True when none of them was seen before, by this or any other replica
        (so the request is handled once). The first writer wins: the keys are inserted in one transaction,
        in sorted order, so two replicas racing on the same keys never split them."""
        keys = sorted({key for key in event_keys if key})
        if not keys:
            return True
        now = time.time()
        self._checks += 1
        if self._checks % 500 == 0:  # Slack retries within minutes; a day of ids is plenty to remember
            self.forget_events_before(now - EVENT_MEMORY_S)
        inserted = 0
        with self.db.write() as conn:
            for key in keys:
                insert = self.db.insert(bot_events).values(event_key=key, seen_at=now, status=SEEN)
                insert = insert.on_conflict_do_nothing(index_elements=["event_key"]).returning(bot_events.c.event_key)
                inserted += len(conn.execute(insert).all())  # RETURNING: rowcount is -1 on some drivers
        return inserted == len(keys)

    def mark_answered(self, *event_keys: str) -> None:
        """The request these keys stand for has had its reply posted."""
        keys = [key for key in event_keys if key]
        if keys:
            with self.db.write() as conn:
                conn.execute(update(bot_events).where(bot_events.c.event_key.in_(keys))
                             .values(status=ANSWERED, answered_at=time.time()))

    def retake(self, *event_keys: str, seen_before: float) -> bool:
        """Take over a request that was seen before `seen_before` and never answered (the process that took it
        died): True for the one caller that gets it. A key that was answered is never taken again."""
        keys = sorted({key for key in event_keys if key})
        if not keys:
            return False
        with self.db.write() as conn:
            answered = conn.execute(select(bot_events.c.event_key).where(
                bot_events.c.event_key.in_(keys), bot_events.c.status == ANSWERED)).first()
            if answered is not None:
                return False
            taken = conn.execute(update(bot_events).where(
                bot_events.c.event_key.in_(keys), bot_events.c.status == SEEN, bot_events.c.seen_at < seen_before)
                .values(seen_at=time.time()).returning(bot_events.c.event_key)).all()
        return bool(taken)

    def event_status(self, event_key: str) -> str | None:
        """"seen", "answered", or None for a key never recorded."""
        with self.db.read() as conn:
            return conn.execute(select(bot_events.c.status).where(bot_events.c.event_key == event_key)).scalar()

    def forget_events_before(self, cutoff: float) -> int:
        with self.db.write() as conn:
            return conn.execute(delete(bot_events).where(bot_events.c.seen_at < cutoff)).rowcount

    # --- messages showing drafts (for reactions -> thumbs feedback) --------------------
    def remember_message(self, channel_id: str, ts: str, draft_id: str, version: int) -> None:
        upsert = self.db.insert(bot_messages).values(channel_id=channel_id, ts=ts, draft_id=draft_id,
                                                     draft_version=version)
        upsert = upsert.on_conflict_do_update(index_elements=["channel_id", "ts"],
                                              set_={"draft_id": draft_id, "draft_version": version})
        with self.db.write() as conn:
            conn.execute(upsert)

    # --- which thread owns a draft (presses and edits from elsewhere are refused) --------------
    def own_draft(self, draft_id: str, thread_key: str) -> str:
        """Record that `thread_key` shows this draft; the first thread to do so owns it. Returns the owner."""
        insert = self.db.insert(bot_drafts).values(draft_id=draft_id, thread_key=thread_key, created_at=time.time())
        with self.db.write() as conn:
            conn.execute(insert.on_conflict_do_nothing(index_elements=["draft_id"]))
            return conn.execute(select(bot_drafts.c.thread_key).where(bot_drafts.c.draft_id == draft_id)).scalar_one()

    def draft_owner(self, draft_id: str) -> str | None:
        """The thread a draft belongs to; None for a draft no thread has shown (made by the CLI or bulk)."""
        with self.db.read() as conn:
            return conn.execute(select(bot_drafts.c.thread_key).where(bot_drafts.c.draft_id == draft_id)).scalar()

    def draft_for_message(self, channel_id: str, ts: str) -> tuple[str, int] | None:
        with self.db.read() as conn:
            row = conn.execute(select(bot_messages.c.draft_id, bot_messages.c.draft_version).where(
                bot_messages.c.channel_id == channel_id, bot_messages.c.ts == ts)).first()
        return (row.draft_id, int(row.draft_version)) if row else None
