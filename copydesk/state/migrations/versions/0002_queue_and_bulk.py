"""Beyond one machine: events get a status ("seen" when a replica takes one, "answered" once its reply is
posted), jobs on the queue and the workers serving it, and bulk jobs with one row per product.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bot_events") as table:
        table.add_column(sa.Column("status", sa.Text, nullable=False, server_default="seen"))
        table.add_column(sa.Column("answered_at", sa.Float))
    op.create_index("bot_events_status", "bot_events", ["status", "seen_at"])

    op.create_table(
        "jobs",
        sa.Column("job_id", sa.Text, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("queue", sa.Text, nullable=False),
        sa.Column("user", sa.Text),
        sa.Column("thread_key", sa.Text),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("worker", sa.Text),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("started_at", sa.Float),
        sa.Column("heartbeat_at", sa.Float),
        sa.Column("finished_at", sa.Float),
        sa.Column("error", sa.Text))
    op.create_index("jobs_status", "jobs", ["status", "queue", "created_at"])
    op.create_index("jobs_user", "jobs", ["user", "status"])

    op.create_table(
        "workers",
        sa.Column("worker", sa.Text, primary_key=True),
        sa.Column("queues", sa.Text, nullable=False),
        sa.Column("concurrency", sa.Integer, nullable=False),
        sa.Column("started_at", sa.Float, nullable=False),
        sa.Column("heartbeat_at", sa.Float, nullable=False))

    op.create_table(
        "bulk_jobs",
        sa.Column("job_id", sa.Text, primary_key=True),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("inputs_hash", sa.Text, nullable=False),
        sa.Column("user", sa.Text),
        sa.Column("channel_id", sa.Text),
        sa.Column("thread_key", sa.Text),
        sa.Column("message_ts", sa.Text),
        sa.Column("options", sa.Text, nullable=False, server_default="{}"),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("done", sa.Integer, nullable=False, server_default="0"),
        sa.Column("failed", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False))
    op.create_index("bulk_jobs_inputs", "bulk_jobs", ["inputs_hash"])
    op.create_table(
        "bulk_items",
        sa.Column("job_id", sa.Text, sa.ForeignKey("bulk_jobs.job_id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("reference", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("sku", sa.Text),
        sa.Column("draft_id", sa.Text),
        sa.Column("draft_version", sa.Integer),
        sa.Column("error", sa.Text),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("job_id", "position"))


def downgrade() -> None:
    for name in ("bulk_items", "bulk_jobs", "workers", "jobs"):
        op.drop_table(name)
    op.drop_index("bot_events_status", "bot_events")
    with op.batch_alter_table("bot_events") as table:
        table.drop_column("answered_at")
        table.drop_column("status")
