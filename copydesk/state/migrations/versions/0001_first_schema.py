"""The schema copydesk kept in SQLite before Alembic: drafts, versions, feedback, and the bot's threads,
events, requests and messages. A table an older SQLite file already has is left as it is, so upgrading
an existing copydesk home needs no manual step.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _create(name: str, *columns: sa.SchemaItem, **kwargs: object) -> bool:
    if sa.inspect(op.get_bind()).has_table(name):
        return False
    op.create_table(name, *columns, **kwargs)
    return True


def upgrade() -> None:
    if _create("drafts",
               sa.Column("draft_id", sa.Text, primary_key=True),
               sa.Column("sku", sa.Text, nullable=False),
               sa.Column("user", sa.Text),
               sa.Column("channel_id", sa.Text),
               sa.Column("created_at", sa.Text, nullable=False)):
        op.create_index("drafts_channel", "drafts", ["channel_id"])
    _create("versions",
            sa.Column("draft_id", sa.Text, sa.ForeignKey("drafts.draft_id"), nullable=False),
            sa.Column("version", sa.Integer, nullable=False),
            sa.Column("parent_version", sa.Integer),
            sa.Column("user", sa.Text),
            sa.Column("body", sa.Text, nullable=False),
            sa.Column("created_at", sa.Text, nullable=False),
            sa.PrimaryKeyConstraint("draft_id", "version"))
    if _create("feedback",
               sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
               sa.Column("draft_id", sa.Text, sa.ForeignKey("drafts.draft_id"), nullable=False),
               sa.Column("version", sa.Integer, nullable=False),
               sa.Column("kind", sa.Text, nullable=False),
               sa.Column("user", sa.Text),
               sa.Column("text", sa.Text),
               sa.Column("created_at", sa.Text, nullable=False),
               sqlite_autoincrement=True):
        op.create_index("feedback_kind", "feedback", ["kind"])
    _create("bot_threads",
            sa.Column("thread_key", sa.Text, primary_key=True),
            sa.Column("started_by", sa.Text),
            sa.Column("brand", sa.Text),
            sa.Column("channel", sa.Text),
            sa.Column("draft_id", sa.Text),
            sa.Column("draft_version", sa.Integer),
            sa.Column("sku", sa.Text),
            sa.Column("pending", sa.Text),
            sa.Column("scene", sa.Text),
            sa.Column("image_seed", sa.Integer),
            sa.Column("alternatives", sa.Text),
            sa.Column("updated_at", sa.Float, nullable=False))
    _create("bot_events",
            sa.Column("event_key", sa.Text, primary_key=True),
            sa.Column("seen_at", sa.Float, nullable=False))
    _create("bot_requests",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("thread_key", sa.Text, nullable=False),
            sa.Column("user", sa.Text),
            sa.Column("text", sa.Text),
            sa.Column("at", sa.Float, nullable=False),
            sqlite_autoincrement=True)
    _create("bot_messages",
            sa.Column("channel_id", sa.Text, nullable=False),
            sa.Column("ts", sa.Text, nullable=False),
            sa.Column("draft_id", sa.Text, nullable=False),
            sa.Column("draft_version", sa.Integer, nullable=False),
            sa.PrimaryKeyConstraint("channel_id", "ts"))


def downgrade() -> None:
    for name in ("bot_messages", "bot_requests", "bot_events", "bot_threads", "feedback", "versions", "drafts"):
        op.drop_table(name)
