"""Image seeds go up to 2**32 - 1 (chains/images/service.py), past PostgreSQL's 32-bit INTEGER: the thread's
last image seed becomes a BIGINT (SQLite stored it whole already; its table is rebuilt to say so).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bot_threads") as table:
        table.alter_column("image_seed", type_=sa.BigInteger, existing_type=sa.Integer)


def downgrade() -> None:
    with op.batch_alter_table("bot_threads") as table:
        table.alter_column("image_seed", type_=sa.Integer, existing_type=sa.BigInteger)
