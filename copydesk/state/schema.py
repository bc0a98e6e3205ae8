"""The tables of copydesk's state, in SQLAlchemy Core: the same schema in SQLite (the default) and
PostgreSQL. Alembic migrations (copydesk/state/migrations) create and change them; this module is what
the stores query through, and what the migrations are checked against (tests/copydesk/state/test_migrations.py).

Times are kept as the code wrote them before: ISO strings for drafts and feedback, epoch seconds (REAL)
for the bot's own tables, so an existing SQLite file keeps working unchanged.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger, Column, Float, ForeignKey, Index, Integer, MetaData, PrimaryKeyConstraint, Table, Text,
)

metadata = MetaData()

# --- drafts, their versions, feedback and approvals (copydesk/state/drafts.py) -------------------------
drafts = Table(
    "drafts", metadata,
    Column("draft_id", Text, primary_key=True),
    Column("sku", Text, nullable=False),
    Column("user", Text),
    Column("channel_id", Text),
    Column("created_at", Text, nullable=False),
    Index("drafts_channel", "channel_id"),
)

versions = Table(
    "versions", metadata,
    Column("draft_id", Text, ForeignKey("drafts.draft_id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("parent_version", Integer),
    Column("user", Text),
    Column("body", Text, nullable=False),  # the Draft as JSON
    Column("created_at", Text, nullable=False),
    PrimaryKeyConstraint("draft_id", "version"),
)

feedback = Table(
    "feedback", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("draft_id", Text, ForeignKey("drafts.draft_id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("kind", Text, nullable=False),
    Column("user", Text),
    Column("text", Text),
    Column("created_at", Text, nullable=False),
    Column("excluded", Text),  # why this feedback is kept out of training data (an edit the verifier refused)
    Index("feedback_kind", "kind"),
    sqlite_autoincrement=True,
)

# --- the bot's threads, events and messages (copydesk/state/threads.py) ---------------------------------
bot_threads = Table(
    "bot_threads", metadata,
    Column("thread_key", Text, primary_key=True),
    Column("started_by", Text),
    Column("brand", Text),
    Column("channel", Text),
    Column("draft_id", Text),
    Column("draft_version", Integer),
    Column("sku", Text),
    Column("pending", Text),
    Column("scene", Text),
    Column("image_seed", BigInteger),  # seeds go up to 2**32 - 1
    Column("alternatives", Text),
    Column("updated_at", Float, nullable=False),
)

# One row per Slack event id or message id: the first replica to insert it handles the request.
# status: "seen" when a replica took it, "answered" once its reply was posted (recovery of events that
# were seen but never answered is built on this column).
bot_events = Table(
    "bot_events", metadata,
    Column("event_key", Text, primary_key=True),
    Column("seen_at", Float, nullable=False),
    Column("status", Text, nullable=False, server_default="seen"),
    Column("answered_at", Float),
    Index("bot_events_status", "status", "seen_at"),
)

bot_requests = Table(
    "bot_requests", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("thread_key", Text, nullable=False),
    Column("user", Text),
    Column("text", Text),
    Column("at", Float, nullable=False),
    sqlite_autoincrement=True,
)

bot_messages = Table(
    "bot_messages", metadata,
    Column("channel_id", Text, nullable=False),
    Column("ts", Text, nullable=False),
    Column("draft_id", Text, nullable=False),
    Column("draft_version", Integer, nullable=False),
    PrimaryKeyConstraint("channel_id", "ts"),
)

# Which conversation thread a draft belongs to: the first that showed it. Presses and edits from any other
# thread are refused (copydesk/state/threads.py).
bot_drafts = Table(
    "bot_drafts", metadata,
    Column("draft_id", Text, primary_key=True),
    Column("thread_key", Text, nullable=False),
    Column("created_at", Float, nullable=False),
)

# What a thread is still owed (copydesk/state/outbox.py): "answer" (messages Slack refused once its retries ran
# out, sent again on `resend` or with the thread's next message), "preview" (an unverified preview still to
# delete), "request" (taken and not yet answered: a restart tells its thread).
bot_outbox = Table(
    "bot_outbox", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("thread_key", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("ref", Text),  # the preview's message ts, the request's job id
    Column("body", Text, nullable=False, server_default="{}"),  # JSON
    Column("owner", Text),  # host:pid of the process that wrote it (requests)
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("created_at", Float, nullable=False),
    Index("bot_outbox_thread", "thread_key", "kind"),
    sqlite_autoincrement=True,
)

# --- jobs on the queue (copydesk/state/jobs.py) --------------------------------------------------------------
# One row per job id (derived from the Slack event, so a retry maps to the same row). A worker claims a
# job before running it and marks it done after its answer is posted; a redelivered message finds it done.
jobs = Table(
    "jobs", metadata,
    Column("job_id", Text, primary_key=True),
    Column("kind", Text, nullable=False),  # draft, polish, image, bulk
    Column("queue", Text, nullable=False),
    Column("user", Text),
    Column("thread_key", Text),
    Column("status", Text, nullable=False),  # queued, running, done, failed
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("worker", Text),
    Column("created_at", Float, nullable=False),
    Column("started_at", Float),
    Column("heartbeat_at", Float),
    Column("finished_at", Float),
    Column("error", Text),
    Index("jobs_status", "status", "queue", "created_at"),
    Index("jobs_user", "user", "status"),
)

# Workers say they are alive (doctor, /healthz, queue positions).
workers = Table(
    "workers", metadata,
    Column("worker", Text, primary_key=True),  # hostname:pid
    Column("queues", Text, nullable=False),
    Column("concurrency", Integer, nullable=False),
    Column("started_at", Float, nullable=False),
    Column("heartbeat_at", Float, nullable=False),
)

# --- bulk jobs: many products drafted in one request (copydesk/state/bulk.py) ------------------------------
bulk_jobs = Table(
    "bulk_jobs", metadata,
    Column("job_id", Text, primary_key=True),
    Column("status", Text, nullable=False),  # queued, running, done, failed, cancelled
    Column("inputs_hash", Text, nullable=False),
    Column("user", Text),
    Column("channel_id", Text),
    Column("thread_key", Text),
    Column("message_ts", Text),  # the progress message updated in place
    Column("options", Text, nullable=False, server_default="{}"),  # JSON: brand, channel, format, ...
    Column("total", Integer, nullable=False),
    Column("done", Integer, nullable=False, server_default="0"),
    Column("failed", Integer, nullable=False, server_default="0"),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Index("bulk_jobs_inputs", "inputs_hash"),
)

bulk_items = Table(
    "bulk_items", metadata,
    Column("job_id", Text, ForeignKey("bulk_jobs.job_id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("reference", Text, nullable=False),  # what the request named: a SKU, EAN or name
    Column("status", Text, nullable=False),  # pending, done, failed
    Column("sku", Text),
    Column("draft_id", Text),
    Column("draft_version", Integer),
    Column("error", Text),
    Column("updated_at", Float, nullable=False),
    PrimaryKeyConstraint("job_id", "position"),
)
