"""A database engine and the few dialect differences the stores need: SQLite (WAL, one writer at a time,
the default) or PostgreSQL (several bot replicas and workers). Processes get theirs from
copydesk.state.factory.open_database, created and migrated once."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Connection, Engine, Table, create_engine, event, make_url
from sqlalchemy.exc import SQLAlchemyError

from copydesk.errors import ConfigError, StateUnavailableError

# Migrations of one PostgreSQL database run one at a time (two replicas starting together).
_MIGRATION_LOCK_ID = 0x636F7079  # "copy"


class Database:
    """An engine and the few dialect differences the stores need (upserts, write locks)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        # SQLite: writers take the lock when they begin (BEGIN IMMEDIATE), so a read-then-write transaction
        # cannot fail half-way with "database is locked"; readers use plain BEGIN and never wait (WAL).
        self._writer = engine.execution_options(copydesk_write=True)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction that commits on success and rolls back on an exception."""
        with self._guard(), self._writer.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self._guard(), self.engine.connect() as conn:
            yield conn

    def insert(self, table: Table):  # noqa: ANN201 - the dialect's Insert, which has on_conflict_*
        """INSERT with `on_conflict_do_nothing` / `on_conflict_do_update` (SQLite and PostgreSQL both have them)."""
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """A database that cannot be reached is a StateUnavailableError saying where, not a driver traceback."""
        try:
            yield
        except SQLAlchemyError as error:
            if _is_connection_error(error, self.dialect):
                raise StateUnavailableError(
                    f"copydesk cannot reach its database at {self.url}: {_first_line(error)}",
                    hint="Start the database (or fix COPYDESK_DATABASE_URL); `copydesk doctor` checks it.",
                ) from error
            raise


def create_db_engine(url: str) -> Engine:
    """An engine for `url`, not migrated (`copydesk doctor` connects with it to check a database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30}, pool_size=10, max_overflow=30)
        _sqlite_behaviour(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed, pool_pre_ping=True, pool_size=5, max_overflow=10,
                             connect_args={"connect_timeout": 5})
    raise ConfigError(f"COPYDESK_DATABASE_URL names {parsed.get_backend_name()!r}; copydesk supports SQLite "
                      "and PostgreSQL.", hint="Use postgresql+psycopg://user@host:5432/db, or unset it for SQLite.")


def _sqlite_behaviour(engine: Engine) -> None:
    """The pysqlite driver's own transaction handling is replaced by explicit BEGINs (SQLAlchemy's recipe),
    so `Database.write` can take the write lock up front; WAL lets readers run beside the writer."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("copydesk_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def migration_lock(conn: Connection) -> None:
    """Held until the transaction ends: one migration at a time per PostgreSQL database."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_ID})")


def _is_connection_error(error: SQLAlchemyError, dialect: str) -> bool:
    from sqlalchemy.exc import DBAPIError, OperationalError

    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if not isinstance(error, OperationalError):
        return False
    if dialect == "postgresql":  # no SQLSTATE: the connection failed; 08xxx connection, 57P0x shutdown
        state = getattr(error.orig, "sqlstate", None)
        return state is None or state.startswith(("08", "57P0"))
    # SQLite's OperationalError also means "database is locked" or bad SQL; only a file it cannot open counts
    return "unable to open" in str(error.orig)


def _first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__
