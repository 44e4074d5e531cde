"""Benchmark: visit ingest through the real HTTP API (`audit-server serve`, uvicorn on
127.0.0.1, 16 concurrent httpx clients PUTting visits of 40 observations) beside a raw
`executemany` of the same rows into the same tables (visits, visit_revisions, observations).
Target: API ≥ 0.3× the raw rate. Runs on SQLite and on a throwaway PostgreSQL cluster.

Run: python bench/server_ingest.py [--quick] [--visits N] [--backend sqlite|postgres|both]"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, insert, select

from support.server import (  # noqa: I001  (support puts the repository on sys.path)
    ITEMS_PER_VISIT, add_sites_and_staff, bench_checklist, create_database, postgres_cluster, serve,
    write_checklist_dir,
)
from support.sync_data import answer
from audit_app.domain import Checklist, Visit, content_hash, score_visit
from sync_server.accounts import create_user
from sync_server.app import prepare_database
from sync_server.db import make_engine, make_session_factory
from sync_server.settings import Settings
from sync_server.visit_store import revision_rows
from sync_server.tables import ObservationRow, VisitHead, VisitRevision

TARGET_RATIO = 0.3
SITES, STAFF_PER_SITE = 10, 3
TZ = dt.timezone(dt.timedelta(hours=8))


def make_bodies(checklist: Checklist, count: int, seed: int = 11) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    start = dt.datetime(2026, 10, 1, 9, 0, tzinfo=TZ)
    bodies = []
    for number in range(count):
        site = rng.randrange(SITES)
        at = (start + dt.timedelta(minutes=37 * number)).isoformat()
        bodies.append({
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "revision": 1,
            "checklist_id": checklist.id, "checklist_version": checklist.version,
            "site_id": f"site-{site}", "staff_ids": [f"staff-{site}-{rng.randrange(STAFF_PER_SITE)}"],
            "context": {"peak": False}, "started_at": at, "finished_at": at,
            "observations": [{"item_key": item.key, "value": answer(item, rng), "recorded_at": at,
                              "na": rng.random() < 0.03} for item in checklist.items]})
    return bodies


def populate(settings: Settings, clients: int) -> list[str]:
    """Migrate, load the checklist, create sites, staff and one auditor per client."""
    prepare_database(settings)
    engine = make_engine(settings)
    now = dt.datetime.now(dt.UTC)
    with make_session_factory(engine)() as session:
        add_sites_and_staff(session, SITES, STAFF_PER_SITE, "r", now)
        session.commit()
        tokens = [create_user(session, f"auditor-{n:02d}", "auditor") for n in range(clients)]
    engine.dispose()
    return tokens


async def upload_all(base: str, tokens: list[str], bodies: list[dict[str, Any]]) -> float:
    async def client(index: int) -> None:
        async with httpx.AsyncClient(base_url=base, timeout=60,
                                     headers={"Authorization": f"Bearer {tokens[index]}"}) as http:
            for body in bodies[index::len(tokens)]:
                response = await http.put(f"/api/v1/visits/{body['id']}", json=body)
                if response.status_code != 201:
                    raise RuntimeError(f"{response.status_code}: {response.text[:300]}")

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(len(tokens))))
    return time.perf_counter() - started


def raw_rows(checklist: Checklist, bodies: list[dict[str, Any]], auditor: str) -> tuple[list[dict[str, Any]], ...]:
    """The rows the server would write for `bodies`, computed before the clock starts."""
    now = dt.datetime.now(dt.UTC)
    heads, revisions, observations = [], [], []
    for body in bodies:
        visit = Visit.model_validate(body)
        heads.append({"id": visit.id, "auditor_id": auditor, "latest_revision": 1, "created_at": now})
        # The very rows `PUT /visits` writes, built by the server's own function.
        revision, rows = revision_rows(visit, score_visit(visit, checklist), content_hash(visit),
                                       auditor, now)
        revisions.append(revision)
        observations.extend(rows)
    return heads, revisions, observations


def raw_insert(settings: Settings, rows: tuple[list[dict[str, Any]], ...], per_visit: bool) -> float:
    """Seconds to executemany `rows` in one transaction, or one transaction per visit."""
    heads, revisions, observations = rows
    engine = make_engine(settings)
    tables = (VisitHead.__table__, VisitRevision.__table__, ObservationRow.__table__)
    started = time.perf_counter()
    if per_visit:
        for index, head in enumerate(heads):
            with engine.begin() as connection:
                connection.execute(insert(tables[0]), [head])
                connection.execute(insert(tables[1]), [revisions[index]])
                connection.execute(insert(tables[2]), observations[index * ITEMS_PER_VISIT:
                                                                   (index + 1) * ITEMS_PER_VISIT])
    else:
        with engine.begin() as connection:
            for table, table_rows in zip(tables, rows, strict=True):
                connection.execute(insert(table), table_rows)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def stored_observations(settings: Settings) -> int:
    engine = make_engine(settings)
    with engine.connect() as connection:
        count = connection.scalar(select(func.count()).select_from(ObservationRow.__table__))
    engine.dispose()
    return int(count or 0)


def run_backend(backend: str, database_urls: list[str | None], visits: int, clients: int,
                workers: int = 1) -> bool:
    checklist = bench_checklist()
    bodies = make_bodies(checklist, visits)
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        checklist_dir = write_checklist_dir(Path(tmp) / "checklists", checklist)
        setups = []
        for name, url in zip(("api", "raw1", "rawN"), database_urls, strict=True):
            settings = Settings(database_url=url, data_dir=Path(tmp) / name, checklist_dir=checklist_dir)
            setups.append((settings, populate(settings, clients)))
        api_settings, tokens = setups[0]
        environ = {"AUDIT_DATA_DIR": str(api_settings.data_dir),
                   "AUDIT_CHECKLIST_DIR": str(checklist_dir),
                   "AUDIT_DATABASE_URL": api_settings.database_url or ""}
        with serve(environ, workers) as base:
            asyncio.run(upload_all(base, tokens, bodies[:clients]))  # warm-up: connections, caches
            api_seconds = asyncio.run(upload_all(base, tokens, bodies[clients:]))
        assert stored_observations(api_settings) == visits * ITEMS_PER_VISIT
        measured = visits - clients
        rows = raw_rows(checklist, bodies[clients:], "auditor-00")
        raw_one = raw_insert(setups[1][0], rows, per_visit=False)
        raw_each = raw_insert(setups[2][0], rows, per_visit=True)
    observations = measured * ITEMS_PER_VISIT
    ratio = raw_one / api_seconds
    print(f"server_ingest [{backend}]: {measured} visits × {ITEMS_PER_VISIT} observations, "
          f"{clients} concurrent clients, {workers} server worker process(es)")
    for label, seconds in (("HTTP API: PUT /visits via uvicorn", api_seconds),
                           ("baseline: raw executemany, one transaction", raw_one),
                           ("raw executemany, one transaction per visit", raw_each)):
        print(f"  {label:<46} {seconds:7.2f} s  {measured / seconds:9.0f} visits/s  "
              f"{observations / seconds:10.0f} observations/s")
    met = ratio >= TARGET_RATIO
    print(f"  API rate / raw rate: {ratio:.2f}× (target ≥ {TARGET_RATIO}×) "
          f"{'MET' if met else 'MISSED'}; vs one transaction per visit: {raw_each / api_seconds:.2f}×")
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--visits", type=int, default=None)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1, help="`audit-server serve --workers`")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args(argv)
    visits = args.visits or (80 if args.quick else 2000)
    if args.backend in ("sqlite", "both"):
        run_backend("sqlite", [None, None, None], visits, args.clients, args.workers)
    if args.backend in ("postgres", "both"):
        with postgres_cluster() as prefix:
            urls: list[str | None] = [create_database(prefix, f"ingest_{name}")
                                      for name in ("api", "raw1", "rawn")]
            run_backend("postgres", urls, visits, args.clients, args.workers)
    return 0  # figures are reported, not asserted: a missed target is printed as MISSED


if __name__ == "__main__":
    sys.exit(main())
