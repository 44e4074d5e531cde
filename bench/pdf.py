"""Benchmark: PDF reports from a real `audit-server serve` (SQLite).

- a 40-item visit with 12 camera photos (1600×1200, ~250 kB each): seconds (first request,
  which makes the print copies of the photos, then warm) and bytes. Targets: ≤ 1.5 s, ≤ 3 MB.
- a 6-site region scorecard (comparison page + one section per site). Target: ≤ 3 s.
- the server keeps answering while a PDF is made: GET /healthz and a visit's JSON polled during
  the PDF requests, against the same probes on an idle server (the baseline of this run).

Run: python bench/pdf.py [--quick]"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from support.server import (  # noqa: I001  (support puts the repository on sys.path)
    add_sites_and_staff, bench_checklist, serve, write_checklist_dir,
)
from support.sync_data import answer, camera_photo
from audit_app.domain import Checklist
from sync_server.accounts import create_user
from sync_server.app import prepare_database
from sync_server.db import make_engine, make_session_factory
from sync_server.settings import Settings

SITES, STAFF_PER_SITE, REGION = 6, 3, "east"
PHOTOS = 12
TARGET_VISIT_S, TARGET_VISIT_BYTES, TARGET_SCORECARD_S = 1.5, 3_000_000, 3.0
TZ = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 9, 28, 10, 0, tzinfo=TZ)


def visit_json(checklist: Checklist, site: int, started: dt.datetime, rng: random.Random,
               photos: list[bytes]) -> dict[str, Any]:
    """A finished visit answering all 40 items; photos go to the first items, one or two each."""
    at = started.isoformat()
    observations, refs = [], []
    cited = {n: photos[i:i + 2] if n < 3 else photos[i:i + 1] for n, i in
             zip(range(PHOTOS), [0, 2, 4, *range(6, PHOTOS)]) if i < len(photos)}
    for n, item in enumerate(checklist.items):
        attached = cited.get(n, [])
        for body in attached:
            refs.append({"sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body),
                         "width": 1600, "height": 1200})
        observations.append({"item_key": item.key, "value": answer(item, rng), "recorded_at": at,
                             "photos": [hashlib.sha256(b).hexdigest() for b in attached]})
    return {"id": str(uuid.uuid4()), "revision": 1, "checklist_id": checklist.id,
            "checklist_version": 1, "site_id": f"site-{site}",
            "staff_ids": [f"staff-{site}-{rng.randrange(STAFF_PER_SITE)}"], "context": {"peak": False},
            "started_at": at, "finished_at": (started + dt.timedelta(minutes=31)).isoformat(),
            "observations": observations, "photos": refs}


def populate(settings: Settings) -> tuple[str, str]:
    prepare_database(settings)
    engine = make_engine(settings)
    with make_session_factory(engine)() as session:
        add_sites_and_staff(session, SITES, STAFF_PER_SITE, REGION, dt.datetime.now(dt.UTC))
        session.commit()
        auditor = create_user(session, "bench-auditor", "auditor")
        manager = create_user(session, "bench-manager", "manager", REGION)
    engine.dispose()
    return auditor, manager


class Prober:
    """Polls cheap requests in a thread and records each answer's latency."""

    def __init__(self, base: str, paths: list[str], headers: dict[str, str]) -> None:
        self.client = httpx.Client(base_url=base, headers=headers, timeout=30)
        self.paths = paths
        self.latencies: list[float] = []
        self.failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        n = 0
        while not self._stop.is_set():
            began = time.perf_counter()
            ok = self.client.get(self.paths[n % len(self.paths)]).status_code == 200
            self.latencies.append(time.perf_counter() - began)
            self.failures += not ok
            n += 1
            self._stop.wait(0.02)

    def __enter__(self) -> Prober:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.client.close()


def timed_get(client: httpx.Client, path: str, params: dict[str, str]) -> tuple[float, int]:
    began = time.perf_counter()
    answer_ = client.get(path, params=params)
    elapsed = time.perf_counter() - began
    assert answer_.status_code == 200 and answer_.content.startswith(b"%PDF-"), answer_.text[:300]
    return elapsed, len(answer_.content)


def bare_pdf_seconds(repeats: int) -> float:
    """The baseline: a one-page PDF with one line of text in the same font, made in this
    process (the fixed cost of fpdf2 loading and subsetting the CJK face), median of runs."""
    from fpdf import FPDF

    from sync_server.pdf.fonts import SUBSET

    runs = []
    for _ in range(repeats):
        began = time.perf_counter()
        pdf = FPDF()
        pdf.add_font("noto", "", SUBSET)
        pdf.add_page()
        pdf.set_font("noto", size=10)
        pdf.cell(text="基准 baseline 2.4 s ≤ 3 s")
        pdf.output()
        runs.append(time.perf_counter() - began)
    return statistics.median(runs)


def mark(ok: bool) -> str:
    return "within target" if ok else "OVER TARGET"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few visits and repeats (CI smoke run)")
    args = parser.parse_args()
    repeats = 1 if args.quick else 5
    visits_per_site = 2 if args.quick else 16
    rng = random.Random(15)
    checklist = bench_checklist()
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as folder:
        root = Path(folder)
        settings = Settings(data_dir=root / "data",
                            checklist_dir=write_checklist_dir(root / "checklists", checklist))
        auditor, manager = populate(settings)
        environ = {"AUDIT_DATA_DIR": str(settings.data_dir),
                   "AUDIT_CHECKLIST_DIR": str(settings.checklist_dir)}
        photos = [camera_photo(rng) for _ in range(PHOTOS)]
        with serve(environ) as base:
            up = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {auditor}"}, timeout=60)
            for body in photos:
                sha = hashlib.sha256(body).hexdigest()
                assert up.put(f"/api/v1/photos/{sha}", content=body,
                              headers={"Content-Type": "image/jpeg"}).status_code == 201
            visit = visit_json(checklist, 0, START + dt.timedelta(days=50), rng, photos)
            assert up.put(f"/api/v1/visits/{visit['id']}", json=visit).status_code == 201
            for n in range(SITES * visits_per_site):
                other = visit_json(checklist, n % SITES, START + dt.timedelta(hours=9 * n), rng, [])
                assert up.put(f"/api/v1/visits/{other['id']}", json=other).status_code == 201
            up.close()
            headers = {"Authorization": f"Bearer {manager}"}
            probes = ["/healthz", f"/api/v1/visits/{visit['id']}"]
            with Prober(base, probes, headers) as idle:
                time.sleep(1.0)  # the idle baseline: probes only
            client = httpx.Client(base_url=base, headers=headers, timeout=120)
            pdf_path = f"/api/v1/visits/{visit['id']}.pdf"
            period = {"from": START.date().isoformat(),
                      "to": (START + dt.timedelta(weeks=8)).date().isoformat()}
            with Prober(base, probes, headers) as busy:
                cold_s, cold_bytes = timed_get(client, pdf_path, {"lang": "zh"})
                visit_runs = [timed_get(client, pdf_path, {"lang": lang})
                              for lang in ("en", "zh") * repeats]
                card_runs = [timed_get(client, "/api/v1/reports/scorecard.pdf",
                                       {**period, "lang": lang}) for lang in ("en", "zh") * repeats]
            client.close()
    bare_s = bare_pdf_seconds(repeats * 2)
    visit_s = statistics.median(s for s, _ in visit_runs)
    visit_bytes = max(b for _, b in visit_runs)
    card_s = statistics.median(s for s, _ in card_runs)
    card_bytes = max(b for _, b in card_runs)
    idle_ms = statistics.median(idle.latencies) * 1000
    busy_ms = statistics.median(busy.latencies) * 1000
    print(f"[sqlite] PDF reports ({'quick' if args.quick else 'full'}; {repeats * 2} runs each, median)")
    print(f"  visit PDF (40 items, {PHOTOS} photos), first request incl. print copies: "
          f"{cold_s:.2f} s, {cold_bytes / 1e6:.2f} MB")
    print(f"  visit PDF warm: {visit_s:.2f} s ({mark(visit_s <= TARGET_VISIT_S)} ≤ {TARGET_VISIT_S} s), "
          f"{visit_bytes / 1e6:.2f} MB ({mark(visit_bytes <= TARGET_VISIT_BYTES)} ≤ 3 MB)")
    print(f"  region scorecard ({SITES} sites, {SITES * visits_per_site + 1} visits): {card_s:.2f} s "
          f"({mark(card_s <= TARGET_SCORECARD_S)} ≤ {TARGET_SCORECARD_S} s), {card_bytes / 1e6:.2f} MB")
    print(f"  baseline, bare one-page PDF in the same font (in process): {bare_s:.2f} s; "
          f"visit = {visit_s / bare_s:.1f}× baseline, scorecard = {card_s / bare_s:.1f}× baseline")
    print(f"  other requests while PDFs were made: {len(busy.latencies)} answered, "
          f"{busy.failures} failed, median {busy_ms:.1f} ms, max {max(busy.latencies) * 1000:.0f} ms")
    print(f"  baseline, idle server: {len(idle.latencies)} answered, median {idle_ms:.1f} ms")
    return 1 if busy.failures or not busy.latencies else 0


if __name__ == "__main__":
    sys.exit(main())
