"""Benchmark: visit ingest through the real HTTP API (`audit-server serve`, uvicorn on
127.0.0.1, 16 concurrent httpx clients sending visits of 40 observations, one `PUT` per visit
and `POST /visits/batch` of 50) beside a raw `executemany` of the same rows into the same tables
(visits, visit_revisions, observations, staff_visit_totals). Target: batch API ≥ 0.3× the raw
rate. Runs on SQLite and on a throwaway PostgreSQL cluster; `--nodes` adds visits/s through HAProxy to 1 and to 2
nodes on PostgreSQL (tools/cluster.py: needs apt's postgresql and haproxy).

Run: python bench/server_ingest.py [--quick] [--visits N] [--backend sqlite|postgres|both] [--nodes]"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
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
from audit_app.checklist_files import load_checklist_dir as load_bundled
from audit_app.domain import Checklist, Visit, content_hash, score_visit
from sync_server.accounts import create_user
from sync_server.app import prepare_database
from sync_server.db import make_engine, make_session_factory
from sync_server.settings import Settings
from sync_server.visit_store import revision_rows, staff_total_rows
from sync_server.tables import ObservationRow, StaffVisitTotals, VisitHead, VisitRevision

TARGET_RATIO = 0.3
BATCH = 50  # the server's most per batch
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


async def upload_batches(base: str, tokens: list[str], bodies: list[dict[str, Any]]) -> float:
    """The same visits, each client sending its share in batches of BATCH visits."""
    async def client(index: int) -> None:
        mine = bodies[index::len(tokens)]
        async with httpx.AsyncClient(base_url=base, timeout=120,
                                     headers={"Authorization": f"Bearer {tokens[index]}"}) as http:
            for start in range(0, len(mine), BATCH):
                response = await http.post("/api/v1/visits/batch",
                                           json={"visits": mine[start:start + BATCH]})
                codes = {r["status_code"] for r in response.json()["results"]} \
                    if response.status_code == 200 else {response.status_code}
                if codes != {201}:
                    raise RuntimeError(f"batch answered {codes}: {response.text[:300]}")

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(len(tokens))))
    return time.perf_counter() - started


def raw_rows(checklist: Checklist, bodies: list[dict[str, Any]], auditor: str) -> tuple[list[dict[str, Any]], ...]:
    """The rows the server would write for `bodies`, computed before the clock starts."""
    now = dt.datetime.now(dt.UTC)
    heads, revisions, observations, staff_totals = [], [], [], []
    for body in bodies:
        visit = Visit.model_validate(body)
        heads.append({"id": visit.id, "auditor_id": auditor, "latest_revision": 1, "created_at": now})
        # The very rows `PUT /visits` writes, built by the server's own function.
        revision, rows = revision_rows(visit, score_visit(visit, checklist), content_hash(visit),
                                       auditor, now)
        revisions.append(revision)
        observations.extend(rows)
        staff_totals.append(staff_total_rows(revision, rows))
    return heads, revisions, observations, staff_totals


def raw_insert(settings: Settings, rows: tuple[list[dict[str, Any]], ...], per_visit: bool) -> float:
    """Seconds to executemany `rows` in one transaction, or one transaction per visit."""
    heads, revisions, observations, staff_totals = rows
    engine = make_engine(settings)
    tables = (VisitHead.__table__, VisitRevision.__table__, ObservationRow.__table__,
              StaffVisitTotals.__table__)
    started = time.perf_counter()
    if per_visit:
        for index, head in enumerate(heads):
            with engine.begin() as connection:
                connection.execute(insert(tables[0]), [head])
                connection.execute(insert(tables[1]), [revisions[index]])
                connection.execute(insert(tables[2]), observations[index * ITEMS_PER_VISIT:
                                                                   (index + 1) * ITEMS_PER_VISIT])
                if staff_totals[index]:
                    connection.execute(insert(tables[3]), staff_totals[index])
    else:
        with engine.begin() as connection:
            for table, table_rows in zip(tables[:3], rows[:3], strict=True):
                connection.execute(insert(table), table_rows)
            every_total = [row for per_visit_rows in staff_totals for row in per_visit_rows]
            if every_total:
                connection.execute(insert(tables[3]), every_total)
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
    warm, measured_bodies = bodies[:clients], bodies[clients:]
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        checklist_dir = write_checklist_dir(Path(tmp) / "checklists", checklist)
        setups = []
        for name, url in zip(("put", "batch", "raw1", "rawN"), database_urls, strict=True):
            settings = Settings(database_url=url, data_dir=Path(tmp) / name, checklist_dir=checklist_dir)
            setups.append((settings, populate(settings, clients)))
        seconds = {}
        for (settings, tokens), upload in zip(setups[:2], (upload_all, upload_batches)):
            environ = {"AUDIT_DATA_DIR": str(settings.data_dir), "AUDIT_CHECKLIST_DIR": str(checklist_dir),
                       "AUDIT_DATABASE_URL": settings.database_url or ""}
            with serve(environ, workers) as base:
                asyncio.run(upload(base, tokens, warm))  # warm-up: connections, caches
                seconds[upload.__name__] = asyncio.run(upload(base, tokens, measured_bodies))
            assert stored_observations(settings) == visits * ITEMS_PER_VISIT
        measured = visits - clients
        rows = raw_rows(checklist, measured_bodies, "auditor-00")
        raw_one = raw_insert(setups[2][0], rows, per_visit=False)
        raw_each = raw_insert(setups[3][0], rows, per_visit=True)
    observations = measured * ITEMS_PER_VISIT
    put_s, batch_s = seconds["upload_all"], seconds["upload_batches"]
    print(f"server_ingest [{backend}]: {measured} visits × {ITEMS_PER_VISIT} observations, "
          f"{clients} concurrent clients, {workers} server worker process(es)")
    for label, elapsed in (("HTTP API: PUT /visits/{id} via uvicorn", put_s),
                           (f"HTTP API: POST /visits/batch of {BATCH}", batch_s),
                           ("baseline: raw executemany, one transaction", raw_one),
                           ("raw executemany, one transaction per visit", raw_each)):
        print(f"  {label:<46} {elapsed:7.2f} s  {measured / elapsed:9.0f} visits/s  "
              f"{observations / elapsed:10.0f} observations/s")
    met = raw_one / batch_s >= TARGET_RATIO
    print(f"  batch rate / raw rate: {raw_one / batch_s:.2f}× (target ≥ {TARGET_RATIO}×) "
          f"{'MET' if met else 'MISSED'}; PUT rate / raw rate: {raw_one / put_s:.2f}×; "
          f"batch vs one transaction per visit: {raw_each / batch_s:.2f}×")
    return met


def run_nodes(visits: int, clients: int) -> None:
    """Visits/s in batches through HAProxy to 1 and to 2 nodes on PostgreSQL (photos on SeaweedFS,
    unused here), each cluster fresh; the bundled retail checklist."""
    from tools.cluster import start_cluster

    checklist = next(c for c in load_bundled() if c.id == "retail-store-visit")
    bodies = make_bodies(checklist, visits)
    rates = {}
    for nodes in (1, 2):
        cluster = start_cluster(nodes)
        try:
            settings = Settings(database_url=cluster.database_url, data_dir=cluster.root / "bench")
            tokens = populate(settings, clients)
            asyncio.run(upload_batches(cluster.url, tokens, bodies[:clients]))
            rates[nodes] = (visits - clients) / asyncio.run(upload_batches(cluster.url, tokens, bodies[clients:]))
        finally:
            cluster.stop()
    print(f"server_ingest [postgres, HAProxy]: {visits - clients} visits of {len(checklist.items)} "
          f"observations in batches of {BATCH}, {clients} clients")
    for nodes, rate in rates.items():
        print(f"  {nodes} node(s) behind HAProxy                       {rate:9.0f} visits/s")
    print(f"  2 nodes / 1 node: {rates[2] / rates[1]:.2f}× (on this machine's "
          f"{os.cpu_count()} cores, shared with PostgreSQL, HAProxy and the clients)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--visits", type=int, default=None)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1, help="`audit-server serve --workers`")
    parser.add_argument("--nodes", action="store_true", help="also 1 vs 2 nodes behind HAProxy")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args(argv)
    visits = args.visits or (80 if args.quick else 2000)
    if args.backend in ("sqlite", "both"):
        run_backend("sqlite", [None] * 4, visits, args.clients, args.workers)
    if args.backend in ("postgres", "both"):
        with postgres_cluster() as prefix:
            urls: list[str | None] = [create_database(prefix, f"ingest_{name}")
                                      for name in ("put", "batch", "raw1", "rawn")]
            run_backend("postgres", urls, visits, args.clients, args.workers)
    if args.nodes:
        run_nodes(visits, args.clients)
    return 0  # figures are reported, not asserted: a missed target is printed as MISSED


if __name__ == "__main__":
    sys.exit(main())
