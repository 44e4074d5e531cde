"""Benchmark: compliance report latency for group_by=site and group_by=staff over 1,000,000
observations (25,000 visits × 40), bulk-loaded straight into the tables, beside a bare SQL
GROUP BY over the same table. Target: report ≤ 2× the bare query, and under 0.5 s on SQLite.
Runs on SQLite and on a throwaway PostgreSQL cluster.

Run: python bench/server_reports.py [--quick] [--visits N] [--backend sqlite|postgres|both]"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, text

from support.server import (  # noqa: I001  (support puts the repository on sys.path)
    ITEMS_PER_VISIT, bench_checklist, create_database, postgres_cluster, serve, write_checklist_dir,
)
from audit_app.domain import Checklist
from sync_server.accounts import create_user
from sync_server.app import prepare_database
from sync_server.catalog import ChecklistCache
from sync_server.db import make_engine, make_session_factory
from sync_server.reports import ReportFilters, compliance_rows, report_labels
from sync_server.settings import Settings

SITES, STAFF_PER_SITE, REGIONS, AUDITORS = 50, 5, 5, 20
TARGET_RATIO, TARGET_SQLITE_S = 2.0, 0.5
REPEATS = 5
VISIT_COLUMNS = ("id", "auditor_id", "latest_revision", "created_at")
REVISION_COLUMNS = ("visit_id", "revision", "auditor_id", "site_id", "checklist_id",
                    "checklist_version", "started_at", "started_local_date", "content_hash", "body",
                    "received_at", "applicable", "passed", "score", "visit_score", "knocked_out",
                    "scored_observations", "applicable_observations", "critical_failures", "is_latest")
OBSERVATION_COLUMNS = ("visit_id", "revision", "item_key", "checklist_id", "checklist_version",
                       "site_id", "staff_id", "auditor_id", "dimension", "weight", "critical",
                       "outcome", "visit_score", "started_at", "started_local_date", "is_latest")
BARE = {
    "site": "SELECT site_id, SUM(CASE WHEN outcome <> 'na' THEN weight ELSE 0 END), "
            "SUM(CASE WHEN outcome = 'pass' THEN weight ELSE 0 END), COUNT(*) "
            "FROM observations WHERE is_latest = TRUE GROUP BY site_id",
    "staff": "SELECT staff_id, SUM(CASE WHEN outcome <> 'na' THEN weight ELSE 0 END), "
             "SUM(CASE WHEN outcome = 'pass' THEN weight ELSE 0 END), COUNT(*) "
             "FROM observations WHERE is_latest = TRUE AND staff_id IS NOT NULL GROUP BY staff_id",
}


def populate(settings: Settings) -> str:
    """Migrate, load the checklist, add sites, staff and users; returns a manager's token."""
    prepare_database(settings)
    engine = make_engine(settings)
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO sites (id, name, region, updated_at) VALUES "
                                "(:id, :name, :region, :now)"),
                           [{"id": f"site-{n:03d}", "name": f"Site {n}", "region": f"r{n % REGIONS}",
                             "now": now} for n in range(SITES)])
        connection.execute(text("INSERT INTO staff (id, name, site_id, updated_at) VALUES "
                                "(:id, :name, :site, :now)"),
                           [{"id": f"staff-{n:03d}-{k}", "name": f"Staff {n}/{k}",
                             "site": f"site-{n:03d}", "now": now}
                            for n in range(SITES) for k in range(STAFF_PER_SITE)])
    with make_session_factory(engine)() as session:
        for n in range(AUDITORS):
            create_user(session, f"auditor-{n:02d}", "auditor")
        token = create_user(session, "manager", "manager")
    engine.dispose()
    return token


def generate(checklist: Checklist, visits: int, sqlite: bool, seed: int = 5
             ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], Iterator[tuple[Any, ...]]]:
    """Visit heads, revisions and (lazily) observation rows, all latest, in storage format."""
    rng = random.Random(seed)
    quality = [rng.uniform(0.75, 0.97) for _ in range(SITES)]
    items = checklist.items
    start = dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)

    def stamp(moment: dt.datetime) -> Any:  # SQLAlchemy's SQLite storage format
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else moment

    def day(moment: dt.datetime) -> Any:
        return moment.date().isoformat() if sqlite else moment.date()

    flag = (lambda value: int(value)) if sqlite else (lambda value: value)
    heads, revisions, plans = [], [], []
    for number in range(visits):
        visit_id = f"v{number:07d}"
        site = rng.randrange(SITES)
        staff = f"staff-{site:03d}-{rng.randrange(STAFF_PER_SITE)}" if rng.random() < 0.9 else None
        auditor = f"auditor-{rng.randrange(AUDITORS):02d}"
        started = start + dt.timedelta(minutes=11 * number)
        outcomes = ["na" if rng.random() < 0.04 else "pass" if rng.random() < quality[site] else "fail"
                    for _ in items]
        applicable = sum(i.weight for i, o in zip(items, outcomes, strict=True) if o != "na")
        passed = sum(i.weight for i, o in zip(items, outcomes, strict=True) if o == "pass")
        knocked = any(i.critical and o == "fail" for i, o in zip(items, outcomes, strict=True))
        critical_failures = sum(i.critical and o == "fail" for i, o in zip(items, outcomes, strict=True))
        applicable_count = sum(o != "na" for o in outcomes)
        score = passed / applicable if applicable else None
        visit_score = None if score is None else 0.0 if knocked else score
        heads.append((visit_id, auditor, 1, stamp(started)))
        revisions.append((visit_id, 1, auditor, f"site-{site:03d}", checklist.id, checklist.version,
                          stamp(started), day(started), hashlib.sha256(visit_id.encode()).hexdigest(),
                          "{}", stamp(started), applicable, passed, score, visit_score, flag(knocked),
                          len(outcomes), applicable_count, critical_failures, flag(True)))
        plans.append((visit_id, site, staff, auditor, started, outcomes, visit_score))

    def observations() -> Iterator[tuple[Any, ...]]:
        for visit_id, site, staff, auditor, started, outcomes, visit_score in plans:
            for item, outcome in zip(items, outcomes, strict=True):
                yield (visit_id, 1, item.key, checklist.id, checklist.version, f"site-{site:03d}",
                       None if item.attribution == "site" else staff, auditor,
                       item.dimension.value if item.dimension else "", item.weight,
                       flag(item.critical), outcome, visit_score, stamp(started), day(started),
                       flag(True))

    return heads, revisions, observations()


def bulk_load(engine: Engine, checklist: Checklist, visits: int) -> float:
    """executemany (SQLite) or COPY (PostgreSQL) of every row; returns seconds."""
    sqlite = engine.dialect.name == "sqlite"
    heads, revisions, observations = generate(checklist, visits, sqlite)
    started = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for table, columns, rows in (("visits", VISIT_COLUMNS, heads),
                                     ("visit_revisions", REVISION_COLUMNS, revisions),
                                     ("observations", OBSERVATION_COLUMNS, observations)):
            names = ", ".join(columns)
            if sqlite:
                marks = ", ".join("?" for _ in columns)
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
            else:
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                    for row in rows:
                        copy.write_row(row)
        raw.commit()
    finally:
        raw.close()
    with engine.connect() as connection:  # planner statistics, as autovacuum/optimize would
        connection.execute(text("ANALYZE"))
        connection.commit()
    return time.perf_counter() - started


def median_seconds(action: Callable[[], object]) -> float:
    action()  # warm-up: caches, compiled statements
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run_backend(backend: str, database_url: str | None, visits: int) -> None:
    checklist = bench_checklist()
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        checklist_dir = write_checklist_dir(Path(tmp) / "checklists", checklist)
        settings = Settings(database_url=database_url, data_dir=Path(tmp) / "data",
                            checklist_dir=checklist_dir)
        token = populate(settings)
        engine = make_engine(settings)
        load_seconds = bulk_load(engine, checklist, visits)
        sessions = make_session_factory(engine)
        print(f"server_reports [{backend}]: {visits * ITEMS_PER_VISIT:,} observations "
              f"({visits:,} visits × {ITEMS_PER_VISIT}), {SITES} sites, {SITES * STAFF_PER_SITE} staff; "
              f"bulk load {load_seconds:.1f} s; median of {REPEATS}")
        results = {}
        checklists = ChecklistCache()  # kept across requests, as the app keeps it
        for group_by in ("site", "staff"):
            def bare(group_by: str = group_by) -> object:
                with engine.connect() as connection:
                    return connection.execute(text(BARE[group_by])).all()

            def report(group_by: Any = group_by) -> object:
                with sessions() as session:
                    labels = report_labels(session, group_by, checklists)
                    return compliance_rows(session, group_by, ReportFilters(), labels)

            results[group_by] = (median_seconds(bare), median_seconds(report))
        engine.dispose()
        environ = {"AUDIT_DATA_DIR": str(settings.data_dir), "AUDIT_CHECKLIST_DIR": str(checklist_dir),
                   "AUDIT_DATABASE_URL": database_url or ""}
        with serve(environ) as base, httpx.Client(
                base_url=base, timeout=120, headers={"Authorization": f"Bearer {token}"}) as http:
            for group_by, (bare_s, report_s) in results.items():
                url = f"/api/v1/reports/compliance?group_by={group_by}"
                http.get(url).raise_for_status()  # warm-up
                started = time.perf_counter()
                rows = http.get(url).raise_for_status().json()["rows"]
                http_s = time.perf_counter() - started
                ratio = report_s / bare_s
                met = ratio <= TARGET_RATIO and (backend != "sqlite" or report_s < TARGET_SQLITE_S)
                print(f"  group_by={group_by:<5} bare GROUP BY {bare_s:6.3f} s | report function "
                      f"{report_s:6.3f} s ({ratio:.2f}× bare) | HTTP once {http_s:6.3f} s | "
                      f"{len(rows)} rows | target ≤ {TARGET_RATIO:g}× bare"
                      f"{f' and < {TARGET_SQLITE_S} s' if backend == 'sqlite' else ''}: "
                      f"{'MET' if met else 'MISSED'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--visits", type=int, default=None)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args(argv)
    visits = args.visits or (500 if args.quick else 25_000)
    if args.backend in ("sqlite", "both"):
        run_backend("sqlite", None, visits)
    if args.backend in ("postgres", "both"):
        with postgres_cluster() as prefix:
            run_backend("postgres", create_database(prefix, "reports"), visits)
    return 0  # figures are reported, not asserted: a missed target is printed as MISSED


if __name__ == "__main__":
    sys.exit(main())
