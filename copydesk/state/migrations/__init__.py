"""Alembic migrations of copydesk's state (run by copydesk.state.migrate; one file per revision in versions/)."""
