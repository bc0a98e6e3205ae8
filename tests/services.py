"""The test suite against real services: PostgreSQL for state, Redis for the job queue.

`COPYDESK_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test pytest` runs every test with its own
schema in that database (created before the test, dropped after it), so the whole suite exercises
PostgreSQL through the same code as SQLite. Tests that need a service unconditionally (the worker and
replica tests) ask for `postgres_url` / `redis_url`, which skip with a one-line reason where it is absent.
"""

from __future__ import annotations

import os
import secrets
import socket
from contextlib import contextmanager
from typing import Iterator
from urllib.parse import quote

# Read before tests/conftest.py clears COPYDESK_* for each test: these switch the whole run.
SUITE_DATABASE_URL = os.environ.get("COPYDESK_DATABASE_URL") or None
SUITE_BROKER_URL = os.environ.get("COPYDESK_BROKER_URL") or None
LOCAL_POSTGRES = os.environ.get("COPYDESK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
LOCAL_REDIS = os.environ.get("COPYDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def reachable(url: str) -> str | None:
    """None when something listens at the URL's host and port, else why not (one line)."""
    from sqlalchemy import make_url

    parsed = make_url(url.replace("redis://", "redis+x://", 1)) if url.startswith("redis") else make_url(url)
    host, port = parsed.host or "127.0.0.1", parsed.port or (6379 if url.startswith("redis") else 5432)
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return None
    except OSError as error:
        return f"nothing answers at {host}:{port} ({error.strerror or error})"


@contextmanager
def own_schema(url: str) -> Iterator[str]:
    """A fresh PostgreSQL schema for one test; yields a URL whose connections use it (search_path)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from copydesk.state.factory import dispose_all

    name = "t_" + secrets.token_hex(6)
    admin = create_engine(url, poolclass=NullPool)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {name}")
        separator = "&" if "?" in url else "?"
        yield f"{url}{separator}options={quote(f'-csearch_path={name}')}"
    finally:
        dispose_all()  # the test's pooled connections, before the schema goes
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        admin.dispose()


@contextmanager
def module_database() -> Iterator[str | None]:
    """For a fixture wider than one test: its own schema under COPYDESK_DATABASE_URL (the per-test schema is
    not set up yet when a module fixture starts, and the database's public schema keeps what earlier runs
    stored, such as events already seen), else None (SQLite under the fixture's home)."""
    if SUITE_DATABASE_URL is None:
        yield None
        return
    with own_schema(SUITE_DATABASE_URL) as url:
        yield url

