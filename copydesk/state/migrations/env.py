"""Alembic's environment: copydesk passes an open connection in `config.attributes["connection"]`
(copydesk.state.migrate.upgrade); the `alembic` command line is not needed to run copydesk."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached through the alembic CLI, which copydesk does not use
    raise RuntimeError("Run migrations through copydesk (copydesk.state.migrate.upgrade), which passes a connection.")

context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
