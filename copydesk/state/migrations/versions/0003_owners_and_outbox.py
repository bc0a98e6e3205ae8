"""Reliability (issue 15): drafts belong to the thread that first showed them (bot_drafts), what a thread is
still owed is kept until it is delivered (bot_outbox: answers Slack refused, previews to delete, requests a
restart must own up to), and feedback can be kept out of training data with the reason (feedback.excluded).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feedback") as table:
        table.add_column(sa.Column("excluded", sa.Text))
    op.create_table(
        "bot_drafts",
        sa.Column("draft_id", sa.Text, primary_key=True),
        sa.Column("thread_key", sa.Text, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False))
    op.create_table(
        "bot_outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("thread_key", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("ref", sa.Text),
        sa.Column("body", sa.Text, nullable=False, server_default="{}"),
        sa.Column("owner", sa.Text),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.Float, nullable=False),
        sqlite_autoincrement=True)
    op.create_index("bot_outbox_thread", "bot_outbox", ["thread_key", "kind"])


def downgrade() -> None:
    op.drop_index("bot_outbox_thread", "bot_outbox")
    op.drop_table("bot_outbox")
    op.drop_table("bot_drafts")
    with op.batch_alter_table("feedback") as table:
        table.drop_column("excluded")
