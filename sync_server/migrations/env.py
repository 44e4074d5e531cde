"""Alembic environment: runs on the engine handed in by `sync_server.db` (online mode only)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, create_engine

from sync_server.tables import Base

config = context.config
engine: Engine = config.attributes.get("engine") or create_engine(
    config.get_main_option("sqlalchemy.url") or "")

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds tables instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
