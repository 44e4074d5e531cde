"""Several nodes started at once on one empty database all come up (a real deploy starts them
together): they migrate in turn and store each checklist version once."""

from __future__ import annotations

import itertools
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from audit_app.checklist_files import load_checklist_dir as parse_bundled
from sync_server.app import prepare_database
from sync_server.db import make_engine, make_session_factory
from sync_server.settings import Settings
from sync_server.tables import ChecklistVersion

from .conftest import CHECKLIST_DIR

NODES = 4
_numbers = itertools.count()


def empty_database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'audit.db'}"
    return request.getfixturevalue("pg_cluster").create_database(f"audit_startup_{next(_numbers)}")


def start_node(settings: Settings) -> list[str]:
    """One server process's start: what `audit-server serve` does before it listens."""
    return prepare_database(settings)


def test_nodes_starting_together_on_an_empty_database_all_start_and_store_each_checklist_once(
        backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings = Settings(database_url=empty_database_url(backend, request, tmp_path), data_dir=tmp_path,
                        checklist_dir=CHECKLIST_DIR)
    # Processes, as on a deploy (Alembic runs one migration per process at a time).
    with ProcessPoolExecutor(NODES, mp_context=multiprocessing.get_context("spawn")) as pool:
        added = list(pool.map(start_node, [settings] * NODES))

    expected = len(parse_bundled(CHECKLIST_DIR))
    assert sorted(len(names) for names in added) == [0] * (NODES - 1) + [expected]
    engine = make_engine(settings)
    with make_session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(ChecklistVersion)) == expected
    engine.dispose()
