"""`begin_writing`: the savepoints of a write transaction nest in it on SQLite as on PostgreSQL
(pysqlite's legacy mode emits no BEGIN before a SAVEPOINT, so a released savepoint would
otherwise have committed on its own)."""

from __future__ import annotations

import datetime as dt

import pytest

from sqlalchemy import insert, select

from sync_server.db import begin_writing, make_engine, make_session_factory, upgrade
from sync_server.settings import Settings
from sync_server.tables import Site

NOW = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)


class _Abandoned(Exception):
    pass


def test_rolling_back_a_write_transaction_undoes_its_released_savepoints(settings: Settings) -> None:
    engine = make_engine(settings)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with pytest.raises(_Abandoned), sessions() as session, session.begin():
        begin_writing(session)
        with session.begin_nested():
            session.execute(insert(Site), [{"id": "site-a", "name": "A", "updated_at": NOW}])
        raise _Abandoned  # the transaction rolls back
    with sessions() as session, session.begin():
        begin_writing(session)
        with session.begin_nested():
            session.execute(insert(Site), [{"id": "site-b", "name": "B", "updated_at": NOW}])
    with sessions() as session:
        assert list(session.scalars(select(Site.id))) == ["site-b"]
    engine.dispose()
