"""Engine, sessions and migrations. SQLite by default (WAL, busy timeout, foreign keys on every
connection), PostgreSQL when the URL says `postgresql+psycopg://`."""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from .settings import Settings

# Sized for the worker thread pool (40 threads): bursts of uploads wait less for a connection.
POOL = {"pool_size": 10, "max_overflow": 30, "pool_timeout": 30}
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def make_engine(settings: Settings) -> Engine:
    """The engine for `settings`; creates the data directory for a SQLite file."""
    url = settings.resolved_database_url
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False}, **POOL)
        _configure_sqlite(engine, settings.sqlite_busy_timeout_ms)
        return engine
    return create_engine(url, pool_pre_ping=True, **POOL)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # WAL lets readers run beside the one writer; the busy timeout makes writers queue
        # instead of failing at once with "database is locked".
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def begin_writing(session: Session) -> None:
    """Open the session's new transaction as a writer. On SQLite that is BEGIN IMMEDIATE: the
    write lock is taken (waiting up to the busy timeout) before anything is read, and the
    savepoints that follow nest in this one transaction. pysqlite's legacy transaction control,
    which the rest of the server keeps, emits no BEGIN before a SAVEPOINT, so without it the
    first savepoint's RELEASE would commit on its own (SQLAlchemy's SQLite dialect docs,
    "Transactions with SQLite and the sqlite3 driver"); COMMIT and ROLLBACK still come from the
    driver. On PostgreSQL the driver's BEGIN is all it takes."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that runs the package's migrations on `engine` (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False)
                           .replace("%", "%%"))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to `revision` (the latest schema by default)."""
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    command.downgrade(alembic_config(engine), revision)


# Any fixed number, the same on every node: PostgreSQL's advisory locks are named by integers.
STARTUP_LOCK_KEY = 0x6175646974
_startup_in_process = threading.Lock()  # Alembic's context is one per process, not per thread


@contextmanager
def startup_lock(engine: Engine) -> Iterator[None]:
    """Servers started together on one database migrate and load checklists one at a time: the
    next waits for the first, then finds the schema current and the versions stored. Nodes on
    PostgreSQL share an advisory lock; processes on one SQLite file, a lock file beside it."""
    with _startup_in_process:
        if engine.dialect.name == "postgresql":
            with engine.connect() as connection:
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": STARTUP_LOCK_KEY})
                try:
                    yield
                finally:
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": STARTUP_LOCK_KEY})
        elif engine.url.database and engine.url.database != ":memory:":
            with open(f"{engine.url.database}.startup-lock", "a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes
                yield
        else:
            yield
