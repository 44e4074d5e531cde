"""Benchmark: what the integrity signals cost, and how the similar-photo threshold was chosen.

1. Threshold: the pHash distance (the server's own `perceptual_hash`) between synthetic
   photo-like scenes and their re-saved, resized, brightened and cropped copies, beside the
   distance between different scenes.
2. Ingest: `PUT /visits` through `audit-server serve` (16 concurrent clients, 40-item visits)
   with signals on and off (`AUDIT_INTEGRITY_SIGNALS`), on two fresh databases. Target: signals
   cost ≤ 15 % of the rate.
3. Lookup: `similar_hashes` against 100,000 stored hashes (the band index) beside a full scan
   of the same table. Target: ≤ 20 ms per upload.

Run: python bench/integrity.py [--quick] [--backend sqlite|postgres|both]"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from support.server import (  # noqa: I001  (support puts the repository on sys.path)
    bench_checklist, create_database, postgres_cluster, serve, write_checklist_dir,
)
from support.scenes import EDITS, jpeg, scene
from server_ingest import make_bodies, populate, upload_all
from sync_server.accounts import create_user
from sync_server.db import make_engine, make_session_factory, upgrade
from sync_server.integrity import SIMILAR_DISTANCE, perceptual_hash, photo_hash_row, similar_hashes
from sync_server.settings import Settings
from sync_server.tables import Photo, PhotoHash

COST_TARGET = 0.15
LOOKUP_TARGET_MS = 20.0


def measure_threshold(scenes: int) -> None:
    originals = [scene(seed) for seed in range(scenes)]
    hashes = [perceptual_hash(jpeg(image)) for image in originals]
    print(f"threshold: pHash distance to the original over {scenes} scenes "
          f"(chosen threshold {SIMILAR_DISTANCE})")
    for name, edit in EDITS.items():
        distances = sorted((perceptual_hash(jpeg(edit(image))) ^ value).bit_count()
                           for image, value in zip(originals, hashes, strict=True))
        within = sum(d <= SIMILAR_DISTANCE for d in distances) / len(distances)
        print(f"  {name:<22} median {statistics.median(distances):4.1f}  max {distances[-1]:2d}  "
              f"within threshold {within:4.0%}")
    apart = sorted((a ^ b).bit_count() for a, b in itertools.combinations(hashes, 2))
    print(f"  different scenes       min {apart[0]:2d}  1st percentile {apart[len(apart) // 100]:2d}  "
          f"median {statistics.median(apart):4.1f} over {len(apart)} pairs")


def honest_bodies(count: int, seed: int) -> list[dict[str, Any]]:
    """The ingest bench's visits, made to last 20 minutes with answers 30 s apart (an honest
    visit: the signals read everything and write nothing)."""
    bodies = make_bodies(bench_checklist(), count, seed)
    for body in bodies:
        started = dt.datetime.fromisoformat(body["started_at"])
        body["finished_at"] = (started + dt.timedelta(minutes=20)).isoformat()
        for index, obs in enumerate(body["observations"]):
            obs["recorded_at"] = (started + dt.timedelta(seconds=30 * index)).isoformat()
    return bodies


def ingest_rate(tmp: Path, url: str | None, signals: bool, bodies: list[dict[str, Any]],
                clients: int) -> float:
    """Visits per second through the HTTP API."""
    checklist_dir = write_checklist_dir(tmp / "checklists", bench_checklist())
    name = "on" if signals else "off"
    settings = Settings(database_url=url, data_dir=tmp / name, checklist_dir=checklist_dir)
    tokens = populate(settings, clients)
    environ = {"AUDIT_DATA_DIR": str(settings.data_dir), "AUDIT_CHECKLIST_DIR": str(checklist_dir),
               "AUDIT_DATABASE_URL": settings.database_url or "",
               "AUDIT_INTEGRITY_SIGNALS": "true" if signals else "false"}
    with serve(environ) as base:
        asyncio.run(upload_all(base, tokens, bodies[:clients]))  # warm-up
        seconds = asyncio.run(upload_all(base, tokens, bodies[clients:]))
    return (len(bodies) - clients) / seconds


def measure_ingest(backend: str, urls: list[str | None], visits: int, clients: int) -> None:
    bodies = honest_bodies(visits, seed=17)
    with tempfile.TemporaryDirectory(prefix="bench-integrity-") as tmp:
        off = ingest_rate(Path(tmp) / "a", urls[0], False, bodies, clients)
        on = ingest_rate(Path(tmp) / "b", urls[1], True, bodies, clients)
    cost = 1 - on / off
    print(f"ingest [{backend}]: {visits - clients} visits × 40 observations, {clients} clients")
    print(f"  baseline: signals off  {off:8.1f} visits/s")
    print(f"  signals on             {on:8.1f} visits/s")
    print(f"  signals cost: {cost:.1%} of the rate (target ≤ {COST_TARGET:.0%}) "
          f"{'MET' if cost <= COST_TARGET else 'MISSED'}")


def measure_lookup(backend: str, url: str | None, stored: int, queries: int) -> None:
    rng = random.Random(5)
    with tempfile.TemporaryDirectory(prefix="bench-phash-") as tmp:
        settings = Settings(database_url=url, data_dir=Path(tmp))
        engine = make_engine(settings)
        upgrade(engine)
        sessions = make_session_factory(engine)
        with sessions() as session:
            create_user(session, "bench", "auditor")
        now = dt.datetime.now(dt.UTC)
        values = [rng.getrandbits(64) for _ in range(stored)]
        shas = [f"{n:064x}" for n in range(stored)]
        with engine.begin() as connection:
            for start in range(0, stored, 10_000):
                chunk = range(start, min(start + 10_000, stored))
                connection.execute(insert(Photo.__table__), [
                    {"sha256": shas[n], "file_name": f"x/{shas[n]}.jpg", "media_type": "image/jpeg",
                     "bytes": 1, "width": 1, "height": 1, "uploaded_by": "bench", "received_at": now}
                    for n in chunk])
                connection.execute(insert(PhotoHash.__table__),
                                   [photo_hash_row(shas[n], values[n]) for n in chunk])
        # Half the queries are near copies of stored photos (3 bits flipped), half new photos.
        probes = []
        for n in range(queries):
            value = values[rng.randrange(stored)] if n % 2 == 0 else rng.getrandbits(64)
            for bit in rng.sample(range(64), 3 if n % 2 == 0 else 0):
                value ^= 1 << bit
            probes.append(value)
        found = 0
        with sessions() as session:
            similar_hashes(session, probes[0])  # warm-up
            started = time.perf_counter()
            for value in probes:
                found += bool(similar_hashes(session, value))
            indexed_ms = (time.perf_counter() - started) * 1000 / queries
            started = time.perf_counter()
            scans = 3
            for value in probes[:scans]:
                everything = session.execute(select(PhotoHash.sha256, PhotoHash.phash)).all()
                _near = [sha for sha, stored_value in everything
                         if ((stored_value & (2**64 - 1)) ^ value).bit_count() <= SIMILAR_DISTANCE]
            scan_ms = (time.perf_counter() - started) * 1000 / scans
        engine.dispose()
    print(f"lookup [{backend}]: {queries} uploads against {stored:,} stored pHashes "
          f"({found} found a similar one; {queries // 2} were near copies)")
    print(f"  baseline: full scan        {scan_ms:8.2f} ms per upload")
    print(f"  band index (4 × 17 probes) {indexed_ms:8.2f} ms per upload (target ≤ "
          f"{LOOKUP_TARGET_MS:g} ms) {'MET' if indexed_ms <= LOOKUP_TARGET_MS else 'MISSED'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--visits", type=int, default=None)
    args = parser.parse_args(argv)
    scenes, visits, stored, queries = (12, 60, 5_000, 20) if args.quick else (150, 800, 100_000, 400)
    visits = args.visits or visits
    clients = 16
    measure_threshold(scenes)
    if args.backend in ("sqlite", "both"):
        print("[sqlite]")
        measure_ingest("sqlite", [None, None], visits, clients)
        measure_lookup("sqlite", None, stored, queries)
    if args.backend in ("postgres", "both"):
        print("[postgres]")
        with postgres_cluster() as prefix:
            urls: list[str | None] = [create_database(prefix, f"integrity_{n}") for n in ("off", "on")]
            measure_ingest("postgres", urls, visits, clients)
            measure_lookup("postgres", create_database(prefix, "integrity_lookup"), stored, queries)
    return 0  # figures are reported, not asserted: a missed target is printed as MISSED


if __name__ == "__main__":
    sys.exit(main())
