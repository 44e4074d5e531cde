"""Alembic migrations: empty → head, head → base → head, and the models match the migrations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from sync_server.db import alembic_config, downgrade, make_engine, upgrade
from sync_server.settings import Settings
from sync_server.tables import Base

from .conftest import BACKENDS
from tools.pg_cluster import Cluster

TABLES = {"users", "checklists", "sites", "staff", "visits", "visit_revisions", "observations",
          "photos", "device_tokens", "enrolment_codes", "enrolment_attempts", "visit_photos",
          "visit_reviews", "visit_flags", "visit_texts", "photo_hashes",
          "actions", "action_events", "action_photos", "staff_visit_totals"}


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    return cluster.create_database(f"empty_{tmp_path.name.lower().replace('-', '_')[-40:]}")


def _tables(engine) -> set[str]:  # type: ignore[no-untyped-def]
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty_to_head_creates_every_table(empty_url: str, tmp_path: Path) -> None:
    engine = make_engine(Settings(database_url=empty_url, data_dir=tmp_path))
    try:
        assert _tables(engine) == set()
        upgrade(engine)
        assert _tables(engine) == TABLES
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                    Base.metadata)
        assert diff == [], "the models and the migrations disagree"
    finally:
        engine.dispose()


def test_downgrade_to_base_and_upgrade_again_round_trips(empty_url: str, tmp_path: Path) -> None:
    engine = make_engine(Settings(database_url=empty_url, data_dir=tmp_path))
    try:
        upgrade(engine)
        downgrade(engine, "base")
        assert _tables(engine) == set()
        upgrade(engine)
        assert _tables(engine) == TABLES
        with engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version == ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(Settings(data_dir=tmp_path, sqlite_busy_timeout_ms=4321))
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 4321
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert (tmp_path / "audit.db").exists()
    finally:
        engine.dispose()


def _insert_visit_parents(connection, now: str, latest_revision: int) -> None:  # type: ignore[no-untyped-def]
    """Auditor 'a', site 's', checklist 'c' v1 and visit 'v', written with the old schema's SQL."""
    connection.execute(text(
        "INSERT INTO users (id, role, token_hash, created_at) VALUES ('a', 'auditor', 'h', :now)"),
        {"now": now})
    connection.execute(text("INSERT INTO sites (id, name, updated_at) VALUES ('s', 'S', :now)"),
                       {"now": now})
    connection.execute(text("INSERT INTO checklists (id, version, body, loaded_at) "
                            "VALUES ('c', 1, '{}', :now)"), {"now": now})
    connection.execute(text("INSERT INTO visits (id, auditor_id, latest_revision, created_at) "
                            "VALUES ('v', 'a', :latest, :now)"), {"now": now, "latest": latest_revision})


def test_upgrade_to_0003_fills_report_totals_from_stored_observations(empty_url: str,
                                                                     tmp_path: Path) -> None:
    engine = make_engine(Settings(database_url=empty_url, data_dir=tmp_path))
    now = "2026-11-20 10:00:00+00:00"
    try:
        upgrade(engine, "0002")
        with engine.begin() as connection:
            _insert_visit_parents(connection, now, latest_revision=1)
            connection.execute(text(
                "INSERT INTO visit_revisions (visit_id, revision, auditor_id, site_id, checklist_id, "
                "checklist_version, started_at, started_local_date, content_hash, body, received_at, "
                "applicable, passed, knocked_out, is_latest) VALUES ('v', 1, 'a', 's', 'c', 1, :now, "
                "'2026-11-20', 'x', '{}', :now, 2, 1, :yes, :yes)"), {"now": now, "yes": True})
            for key, outcome, critical in (("i1", "pass", False), ("i2", "na", False),
                                           ("i3", "fail", True), ("i4", "fail", False)):
                connection.execute(text(
                    "INSERT INTO observations (visit_id, revision, item_key, checklist_id, "
                    "checklist_version, site_id, auditor_id, dimension, weight, critical, outcome, "
                    "started_at, started_local_date, is_latest) VALUES ('v', 1, :key, 'c', 1, 's', "
                    "'a', 'empathy', 1, :critical, :outcome, :now, '2026-11-20', :yes)"),
                    {"key": key, "critical": critical, "outcome": outcome, "now": now, "yes": True})
        upgrade(engine)
        with engine.connect() as connection:
            totals = connection.execute(text(
                "SELECT scored_observations, applicable_observations, critical_failures "
                "FROM visit_revisions")).one()
        assert tuple(totals) == (4, 3, 1)
    finally:
        engine.dispose()


def test_upgrade_to_0005_lists_the_photos_each_stored_revision_cites(empty_url: str,
                                                                     tmp_path: Path) -> None:
    engine = make_engine(Settings(database_url=empty_url, data_dir=tmp_path))
    now = "2026-11-20 10:00:00+00:00"
    photo = {"sha256": "a" * 64, "bytes": 10, "width": 4, "height": 3}
    bodies = {1: {"photos": [photo, {**photo, "sha256": "b" * 64}]}, 2: {"photos": []},
              3: {"photos": [photo, photo]}}
    try:
        upgrade(engine, "0004")
        with engine.begin() as connection:
            _insert_visit_parents(connection, now, latest_revision=3)
            for number, body in bodies.items():
                connection.execute(text(
                    "INSERT INTO visit_revisions (visit_id, revision, auditor_id, site_id, "
                    "checklist_id, checklist_version, started_at, started_local_date, content_hash, "
                    "body, received_at, applicable, passed, knocked_out, is_latest) VALUES ('v', "
                    ":number, 'a', 's', 'c', 1, :now, '2026-11-20', 'x', :body, :now, 0, 0, :no, "
                    ":latest)"), {"number": number, "now": now, "body": json.dumps(body),
                                  "no": False, "latest": number == 3})
        upgrade(engine)
        with engine.connect() as connection:
            cited = connection.execute(text(
                "SELECT revision, sha256 FROM visit_photos ORDER BY revision, sha256")).all()
        assert [tuple(row) for row in cited] == [(1, "a" * 64), (1, "b" * 64), (3, "a" * 64)]
    finally:
        engine.dispose()


def test_upgrade_to_0008_sums_each_staff_members_observations_per_revision(empty_url: str,
                                                                         tmp_path: Path) -> None:
    engine = make_engine(Settings(database_url=empty_url, data_dir=tmp_path))
    now = "2026-11-20 10:00:00+00:00"
    # (revision, item, staff, outcome, weight, critical); revision 2 is the latest.
    observations = [(1, "i1", "p", "pass", 2.0, False), (1, "i2", "q", "fail", 1.0, True),
                    (2, "i1", "p", "pass", 2.0, False), (2, "i2", "p", "fail", 1.0, True),
                    (2, "i3", "p", "na", 3.0, False), (2, "i4", "q", "na", 1.0, False),
                    (2, "i5", None, "pass", 5.0, False)]
    try:
        upgrade(engine, "0007")
        with engine.begin() as connection:
            _insert_visit_parents(connection, now, latest_revision=2)
            for number in (1, 2):
                connection.execute(text(
                    "INSERT INTO visit_revisions (visit_id, revision, auditor_id, site_id, "
                    "checklist_id, checklist_version, started_at, started_local_date, content_hash, "
                    "body, received_at, applicable, passed, visit_score, knocked_out, is_latest) "
                    "VALUES ('v', :number, 'a', 's', 'c', 1, :now, '2026-11-20', 'x', '{}', :now, "
                    "0, 0, :score, :no, :latest)"),
                    {"number": number, "now": now, "score": 0.5 if number == 2 else None,
                     "no": False, "latest": number == 2})
            for number, key, staff, outcome, weight, critical in observations:
                connection.execute(text(
                    "INSERT INTO observations (visit_id, revision, item_key, checklist_id, "
                    "checklist_version, site_id, staff_id, auditor_id, dimension, weight, critical, "
                    "outcome, visit_score, started_at, started_local_date, is_latest) VALUES ('v', "
                    ":number, :key, 'c', 1, 's', :staff, 'a', '', :weight, :critical, :outcome, "
                    ":score, :now, '2026-11-20', :latest)"),
                    {"number": number, "key": key, "staff": staff, "weight": weight,
                     "critical": critical, "outcome": outcome, "now": now,
                     "score": 0.5 if number == 2 else None, "latest": number == 2})
        upgrade(engine)
        with engine.connect() as connection:
            totals = connection.execute(text(
                "SELECT revision, staff_id, site_id, auditor_id, applicable, passed, "
                "applicable_observations, critical_failures, visit_score, is_latest "
                "FROM staff_visit_totals ORDER BY revision, staff_id")).all()
        assert [tuple(row) for row in totals] == [
            (1, "p", "s", "a", 2.0, 2.0, 1, 0, None, False),
            (1, "q", "s", "a", 1.0, 0.0, 1, 1, None, False),
            (2, "p", "s", "a", 3.0, 2.0, 2, 1, 0.5, True),
            (2, "q", "s", "a", 0.0, 0.0, 0, 0, 0.5, True)]  # all N/A: a row, not a visit
    finally:
        engine.dispose()
