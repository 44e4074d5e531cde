"""Benchmark: compliance report latency for group_by=site and group_by=staff over one month of
a chain's data (default 1,000,000 observations; `--rows 10000000` for the chain-scale figure),
bulk-loaded straight into the tables, beside a bare SQL GROUP BY over the same observations.
Targets for the month: the report ≤ 2× the bare query, and the HTTP answer under 1 s.

The data: 300 sites each checked once a day (visits spread evenly), 40 observations a visit,
1–2 staff per visit; the month is the calendar month holding the middle visit. The rows of
every table the server writes (`observations` and the per-revision totals) are loaded with
COPY (PostgreSQL) or executemany (SQLite), with the secondary indexes built afterwards, then
VACUUM ANALYZE / ANALYZE; the load time printed covers all of that.

Run: python bench/server_reports.py [--quick] [--rows N] [--backend sqlite|postgres|both]"""

from __future__ import annotations

import argparse
import calendar
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
from sync_server.tables import ObservationRow, StaffVisitTotals
from sync_server.visit_store import staff_total_rows

SITES, STAFF_PER_SITE, REGIONS, AUDITORS = 300, 5, 5, 20
TARGET_RATIO, TARGET_HTTP_S = 2.0, 1.0
MONTH_REPEATS, ALL_REPEATS = 20, 3
VISIT_COLUMNS = ("id", "auditor_id", "latest_revision", "created_at")
REVISION_COLUMNS = ("visit_id", "revision", "auditor_id", "site_id", "checklist_id",
                    "checklist_version", "started_at", "started_local_date", "content_hash", "body",
                    "received_at", "applicable", "passed", "score", "visit_score", "knocked_out",
                    "scored_observations", "applicable_observations", "critical_failures", "is_latest")
OBSERVATION_COLUMNS = ("visit_id", "revision", "item_key", "checklist_id", "checklist_version",
                       "site_id", "staff_id", "auditor_id", "dimension", "weight", "critical",
                       "outcome", "visit_score", "started_at", "started_local_date", "is_latest")
STAFF_COLUMNS = ("visit_id", "revision", "staff_id", "site_id", "checklist_id", "auditor_id",
                 "started_local_date", "applicable", "passed", "applicable_observations",
                 "critical_failures", "visit_score", "is_latest")
# The same totals as the report, straight off the observations, without its steps (distinct
# visits, rejected visits left out) or its stored totals.
BARE = {
    "site": "SELECT site_id, SUM(CASE WHEN outcome <> 'na' THEN weight ELSE 0 END), "
            "SUM(CASE WHEN outcome = 'pass' THEN weight ELSE 0 END), COUNT(*) "
            "FROM observations WHERE is_latest = TRUE{dates} GROUP BY site_id",
    "staff": "SELECT staff_id, SUM(CASE WHEN outcome <> 'na' THEN weight ELSE 0 END), "
             "SUM(CASE WHEN outcome = 'pass' THEN weight ELSE 0 END), COUNT(*) "
             "FROM observations WHERE is_latest = TRUE AND staff_id IS NOT NULL{dates} "
             "GROUP BY staff_id",
}
DATES = " AND started_local_date BETWEEN :date_from AND :date_to"


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


START = dt.datetime(2026, 1, 1, 10, tzinfo=dt.UTC)
SPACING = dt.timedelta(days=1) / SITES  # every site once a day


class Generated:
    """Visit heads, revisions and per-visit staff totals (lists) and observation rows (lazily),
    all latest, in storage format."""

    def __init__(self, checklist: Checklist, visits: int, sqlite: bool, seed: int = 5) -> None:
        rng = random.Random(seed)
        quality = [rng.uniform(0.75, 0.97) for _ in range(SITES)]
        self.items, self.checklist = checklist.items, checklist
        self.stamp = ((lambda moment: moment.strftime("%Y-%m-%d %H:%M:%S.%f")) if sqlite
                      else (lambda moment: moment))  # SQLAlchemy's SQLite storage format
        self.day = (lambda moment: moment.date().isoformat()) if sqlite else (lambda moment: moment.date())
        self.flag = (lambda value: int(value)) if sqlite else (lambda value: value)
        self.heads: list[tuple[Any, ...]] = []
        self.revisions: list[tuple[Any, ...]] = []
        self.staff_totals: list[tuple[Any, ...]] = []
        self.plans: list[tuple[Any, ...]] = []
        for number in range(visits):
            self._visit(rng, number, quality)

    def _visit(self, rng: random.Random, number: int, quality: list[float]) -> None:
        items, stamp, flag = self.items, self.stamp, self.flag
        visit_id = f"v{number:08d}"
        site = rng.randrange(SITES)
        staff_ids = ([f"staff-{site:03d}-{k}" for k in rng.sample(range(STAFF_PER_SITE), rng.randint(1, 2))]
                     if rng.random() < 0.9 else [])
        auditor = f"auditor-{rng.randrange(AUDITORS):02d}"
        started = START + SPACING * number
        outcomes = ["na" if rng.random() < 0.04 else "pass" if rng.random() < quality[site] else "fail"
                    for _ in items]
        staff = [None if item.attribution == "site" or not staff_ids else rng.choice(staff_ids)
                 for item in items]
        pairs = list(zip(items, outcomes, strict=True))
        applicable = sum(i.weight for i, o in pairs if o != "na")
        passed = sum(i.weight for i, o in pairs if o == "pass")
        knocked = any(i.critical and o == "fail" for i, o in pairs)
        critical_failures = sum(i.critical and o == "fail" for i, o in pairs)
        score = passed / applicable if applicable else None
        visit_score = None if score is None else 0.0 if knocked else score
        self.heads.append((visit_id, auditor, 1, stamp(started)))
        revision = {"visit_id": visit_id, "revision": 1, "auditor_id": auditor,
                    "site_id": f"site-{site:03d}", "checklist_id": self.checklist.id,
                    "started_local_date": self.day(started), "visit_score": visit_score}
        self.revisions.append((
            visit_id, 1, auditor, f"site-{site:03d}", self.checklist.id, self.checklist.version,
            stamp(started), self.day(started), hashlib.sha256(visit_id.encode()).hexdigest(), "{}",
            stamp(started), applicable, passed, score, visit_score, flag(knocked), len(outcomes),
            sum(o != "na" for o in outcomes), critical_failures, flag(True)))
        # The per-staff totals by the server's own function, from the same observations.
        observed = [{"staff_id": who, "weight": item.weight, "outcome": outcome,
                     "critical": item.critical}
                    for item, outcome, who in zip(items, outcomes, staff, strict=True)]
        self.staff_totals.extend(tuple(flag(row[c]) if c == "is_latest" else row[c] for c in STAFF_COLUMNS)
                                 for row in staff_total_rows(revision, observed))
        self.plans.append((visit_id, site, staff, auditor, started, outcomes, visit_score))

    def observations(self) -> Iterator[tuple[Any, ...]]:
        checklist, stamp, day, flag = self.checklist, self.stamp, self.day, self.flag
        for visit_id, site, staff, auditor, started, outcomes, visit_score in self.plans:
            for item, outcome, who in zip(self.items, outcomes, staff, strict=True):
                yield (visit_id, 1, item.key, checklist.id, checklist.version, f"site-{site:03d}",
                       who, auditor, item.dimension.value if item.dimension else "", item.weight,
                       flag(item.critical), outcome, visit_score, stamp(started), day(started),
                       flag(True))

    def middle_month(self) -> tuple[dt.date, dt.date]:
        middle = (START + SPACING * (len(self.plans) // 2)).date()
        last = calendar.monthrange(middle.year, middle.month)[1]
        return middle.replace(day=1), middle.replace(day=last)


def bulk_load(engine: Engine, data: Generated) -> dict[str, float]:
    """COPY (PostgreSQL) or executemany (SQLite) of every row into tables without their
    secondary indexes, which are then built; then planner statistics (and PostgreSQL's
    visibility map, as autovacuum would). Returns seconds per step."""
    sqlite = engine.dialect.name == "sqlite"
    indexes = [*ObservationRow.__table__.indexes, *StaffVisitTotals.__table__.indexes]
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    with engine.begin() as connection:
        for index in indexes:
            index.drop(connection)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for table, columns, rows in (("visits", VISIT_COLUMNS, iter(data.heads)),
                                     ("visit_revisions", REVISION_COLUMNS, iter(data.revisions)),
                                     ("staff_visit_totals", STAFF_COLUMNS, iter(data.staff_totals)),
                                     ("observations", OBSERVATION_COLUMNS, data.observations())):
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
    seconds["rows"] = time.perf_counter() - started
    started = time.perf_counter()
    with engine.begin() as connection:
        if not sqlite:  # what an operator sets for a big index build
            connection.execute(text("SET maintenance_work_mem = '512MB'"))
        for index in indexes:
            index.create(connection)
    seconds["indexes"] = time.perf_counter() - started
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE" if sqlite else "VACUUM (ANALYZE)"))
    seconds["statistics"] = time.perf_counter() - started
    return seconds


def timings(action: Callable[[], object], repeats: int) -> tuple[float, float]:
    """(p50, p95) seconds over `repeats` runs after a warm-up (caches, compiled statements)."""
    action()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def run_backend(backend: str, database_url: str | None, rows: int) -> None:
    checklist = bench_checklist()
    visits = max(1, rows // ITEMS_PER_VISIT)
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        checklist_dir = write_checklist_dir(Path(tmp) / "checklists", checklist)
        settings = Settings(database_url=database_url, data_dir=Path(tmp) / "data",
                            checklist_dir=checklist_dir)
        token = populate(settings)
        engine = make_engine(settings)
        started = time.perf_counter()
        data = Generated(checklist, visits, engine.dialect.name == "sqlite")
        generate_s = time.perf_counter() - started
        load = bulk_load(engine, data)
        date_from, date_to = data.middle_month()
        days = (data.plans[-1][4] - START).days + 1
        print(f"server_reports [{backend}]: {visits * ITEMS_PER_VISIT:,} observations "
              f"({visits:,} visits × {ITEMS_PER_VISIT} over {days:,} days), {SITES} sites, "
              f"{SITES * STAFF_PER_SITE} staff, {len(data.staff_totals):,} staff-visit totals")
        print(f"  data load {sum(load.values()):.1f} s: rows {load['rows']:.1f} s, indexes "
              f"{load['indexes']:.1f} s, {'ANALYZE' if backend == 'sqlite' else 'VACUUM ANALYZE'} "
              f"{load['statistics']:.1f} s (rows generated beforehand in {generate_s:.1f} s)")
        sessions = make_session_factory(engine)
        checklists = ChecklistCache()  # kept across requests, as the app keeps it
        scopes = {"month": (ReportFilters(date_from=date_from, date_to=date_to), MONTH_REPEATS),
                  "all": (ReportFilters(), ALL_REPEATS)}
        results: dict[tuple[str, str], tuple[tuple[float, float], tuple[float, float], int]] = {}
        for scope, (filters, repeats) in scopes.items():
            for group_by in ("site", "staff"):
                dated = filters.date_from is not None
                bare_sql = text(BARE[group_by].format(dates=DATES if dated else ""))
                params = {"date_from": date_from, "date_to": date_to} if dated else {}

                def bare(sql: Any = bare_sql, params: dict[str, Any] = params) -> object:
                    with engine.connect() as connection:
                        return connection.execute(sql, params).all()

                def report(group_by: Any = group_by, filters: ReportFilters = filters) -> object:
                    with sessions() as session:
                        labels = report_labels(session, group_by, checklists)
                        return compliance_rows(session, group_by, filters, labels)

                results[scope, group_by] = (timings(bare, repeats), timings(report, repeats),
                                            repeats)
        engine.dispose()
        environ = {"AUDIT_DATA_DIR": str(settings.data_dir), "AUDIT_CHECKLIST_DIR": str(checklist_dir),
                   "AUDIT_DATABASE_URL": database_url or ""}
        with serve(environ) as base, httpx.Client(
                base_url=base, timeout=300, headers={"Authorization": f"Bearer {token}"}) as http:
            for (scope, group_by), ((bare_50, bare_95), (report_50, report_95), repeats) in results.items():
                params = {"group_by": group_by}
                if scope == "month":
                    params |= {"from": date_from.isoformat(), "to": date_to.isoformat()}
                answers: list[Any] = []

                def get(params: dict[str, str] = params, answers: list[Any] = answers) -> object:
                    answers.append(http.get("/api/v1/reports/compliance", params=params)
                                   .raise_for_status().json()["rows"])
                    return answers[-1]

                http_50, http_95 = timings(get, repeats)
                ratio = report_50 / bare_50
                label = (f"{date_from:%Y-%m}" if scope == "month" else "all dates")
                verdict = ""
                if scope == "month":
                    met = ratio <= TARGET_RATIO and http_95 < TARGET_HTTP_S
                    verdict = (f" | target ≤ {TARGET_RATIO:g}× bare and HTTP < {TARGET_HTTP_S:g} s: "
                               f"{'MET' if met else 'MISSED'}")
                print(f"  {label:<9} group_by={group_by:<5} bare GROUP BY p50 {bare_50:.3f} / p95 "
                      f"{bare_95:.3f} s | report function p50 {report_50:.3f} / p95 {report_95:.3f} s "
                      f"({ratio:.2f}× bare) | HTTP p50 {http_50:.3f} / p95 {http_95:.3f} s | "
                      f"{len(answers[-1])} rows | {repeats} runs{verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run (20,000 rows)")
    parser.add_argument("--rows", type=int, default=None,
                        help="observations to load (default 1,000,000), 40 per visit")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args(argv)
    rows = args.rows or (20_000 if args.quick else 1_000_000)
    if args.backend in ("sqlite", "both"):
        run_backend("sqlite", None, rows)
    if args.backend in ("postgres", "both"):
        with postgres_cluster() as prefix:
            run_backend("postgres", create_database(prefix, "reports"), rows)
    return 0  # figures are reported, not asserted: a missed target is printed as MISSED


if __name__ == "__main__":
    sys.exit(main())
