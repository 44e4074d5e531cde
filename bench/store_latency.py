"""Tap-to-durable save latency of the phone store, beside two baselines.

For 10, 100, 1,000 and 5,000 visits stored, one shopper's phone is simulated: visits at
VISITS_PER_DAY, each a 40-item checklist fully answered, all synced except the one being filled
in; then `archive_synced` runs as the app does at start (14-day window, 20 most recent kept hot).
A sample is one `record_observation` call on the open draft: the time from the tap to the answer
being fsync'd on disk.

Baselines, for the same hot file size:
- bare: write a temp file of that many bytes, fsync, os.replace, fsync the folder;
- TinyDB JSONStorage: TinyDB's default storage doing the same document update (it re-reads and
  re-parses the file on every operation and never fsyncs, so it is neither atomic nor durable).
Targets (issue 3): p95 within 3x of bare, and flat (within ±30%) from 10 to 5,000 visits.
A contrast row shows the same saves with every visit left in the hot file (no archive).

Run: python bench/store_latency.py [--samples N]"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tinydb import Query, TinyDB  # noqa: E402

from audit_app.domain import Checklist, Observation, Visit  # noqa: E402
from audit_app.store import LocalStore, StoredVisit, VisitState, open_store  # noqa: E402
from audit_app.store.paths import HOT_FILE  # noqa: E402

COUNTS = (10, 100, 1_000, 5_000)
VISITS_PER_DAY = 4
ITEMS = 40
NOW = datetime(2026, 11, 20, 18, 0, tzinfo=timezone(timedelta(hours=8)))
TARGET_RATIO = 3.0
TARGET_FLAT = 0.30


def make_checklist() -> Checklist:
    def text(en: str) -> dict[str, str]:
        return {"en": en, "zh": f"{en}(中文说明)"}
    items = []
    for i in range(ITEMS):
        item = {"key": f"item_{i:02d}", "text": text(f"Standard number {i} was followed"),
                "source": "000 ch.2", "kind": "check", "dimension": "customer_orientation"}
        if i % 10 == 1:
            item.update(kind="timed", threshold_s=3, dimension="responsiveness")
        elif i % 10 == 2:
            item.update(kind="rating", pass_min=4, dimension="empathy")
        items.append(item)
    return Checklist.model_validate({
        "id": "bench-visit", "version": 1, "title": text("Bench visit"), "mode": "mystery_shop",
        "sections": [{"key": "all", "title": text("All"), "items": items}]})


def answer_for(checklist: Checklist, index: int, round_: int) -> tuple[str, object]:
    item = checklist.items[index % ITEMS]
    if item.kind.value == "timed":
        return item.key, 1.0 + (round_ % 50) / 10
    if item.kind.value == "rating":
        return item.key, 1 + round_ % 5
    return item.key, round_ % 2 == 0


def template_record(checklist: Checklist) -> StoredVisit:
    """One fully answered synced visit; the others are copies with their own id and times."""
    observations = [Observation(item_key=key, value=value, recorded_at=NOW,
                                note="顾客进门后三秒内问候" if i % 8 == 0 else None)
                    for i, (key, value) in enumerate(answer_for(checklist, i, i) for i in range(ITEMS))]
    visit = Visit(id=str(uuid.uuid4()), checklist_id=checklist.id, checklist_version=1,
                  site_id="site-001", staff_ids=["staff-017"], started_at=NOW,
                  finished_at=NOW + timedelta(minutes=25), observations=observations)
    return StoredVisit(visit=visit, state=VisitState.SYNCED, updated_at=NOW, finalised_at=NOW, synced_at=NOW)


def synced_record(template: StoredVisit, started: datetime) -> StoredVisit:
    visit = template.visit.model_copy(update={
        "id": str(uuid.uuid4()), "started_at": started, "finished_at": started + timedelta(minutes=25)})
    done = started + timedelta(hours=1)
    return template.model_copy(update={"visit": visit, "updated_at": done, "finalised_at": done,
                                       "synced_at": done})


def build_phone(folder: Path, checklist: Checklist, count: int, archive: bool) -> tuple[LocalStore, str]:
    """A store with `count` visits: count - 1 synced at VISITS_PER_DAY, one open draft."""
    store = open_store(folder, bundled_dir=None)
    store.checklists.store_checklist(checklist)
    draft = store.visits.start_visit(checklist_id=checklist.id, checklist_version=1, site_id="site-001",
                                     staff_ids=["staff-017"], peak=False, now=NOW)
    for i in range(ITEMS // 2):  # the shopper is half-way through
        key, value = answer_for(checklist, i, 0)
        store.visits.record_observation(draft.id, key, value=value, now=NOW)
    template = template_record(checklist)
    step = timedelta(days=1) / VISITS_PER_DAY
    records = [synced_record(template, NOW - (count - i) * step) for i in range(count - 1)]
    with store.hot.commit():
        store.hot.put_records(records)
    if archive:
        store.archive_synced(NOW)
    return store, draft.id


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1e3, ordered[int(0.95 * (len(ordered) - 1))] * 1e3


class BareWriter:
    """The baseline: a fsync'd write-and-replace of `size` bytes, nothing else."""

    def __init__(self, folder: Path, size: int):
        self.folder, self.payload, self.n = folder, os.urandom(size), 0

    def save(self) -> None:
        self.n += 1
        temp = self.folder / f".bare.{self.n}.tmp"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, self.payload)
        os.fsync(fd)
        os.close(fd)
        os.replace(temp, self.folder / "bare.json")
        dir_fd = os.open(self.folder, os.O_RDONLY)
        os.fsync(dir_fd)
        os.close(dir_fd)


class JSONStorageWriter:
    """TinyDB's default JSONStorage doing the same update of the draft's document."""

    def __init__(self, folder: Path, hot_file: Path, visit_id: str):
        path = folder / "jsonstorage.json"
        shutil.copyfile(hot_file, path)
        self.table = TinyDB(path).table("visits", cache_size=0)
        self.visit_id = visit_id

    def save(self, key: str, value: object) -> None:
        q = Query()
        record = StoredVisit.from_doc(dict(self.table.get(q.visit_id == self.visit_id)))
        observations = [o.model_copy(update={"value": value}) if o.item_key == key else o
                        for o in record.visit.observations]
        visit = record.visit.model_copy(update={"observations": observations})
        new = record.model_copy(update={"visit": visit, "updated_at": NOW}).to_doc()
        self.table.upsert(new, (q.visit_id == self.visit_id) & (q.revision == record.revision))


class Case:
    """One phone with `count` visits, and its two baselines for the same hot file size."""

    def __init__(self, folder: Path, checklist: Checklist, count: int, archive: bool = True):
        self.count, self.checklist = count, checklist
        self.store, self.visit_id = build_phone(folder, checklist, count, archive)
        for n in range(10):  # warm up
            self.save_answer(n)
        self.hot_size = (folder / HOT_FILE).stat().st_size
        self.bare = BareWriter(folder, self.hot_size)
        self.plain = JSONStorageWriter(folder, folder / HOT_FILE, self.visit_id)
        self.times: dict[str, list[float]] = {"store": [], "bare": [], "jsonstorage": []}

    def save_answer(self, n: int) -> None:
        key, value = answer_for(self.checklist, n, n + 1)
        self.store.visits.record_observation(self.visit_id, key, value=value, now=NOW)

    def round(self, n: int, baselines: bool = True) -> None:
        key, value = answer_for(self.checklist, n, n + 2)
        calls = [("store", lambda: self.save_answer(n))]
        if baselines:
            calls += [("bare", self.bare.save), ("jsonstorage", lambda: self.plain.save(key, value))]
        for name, call in calls:
            start = time.perf_counter()
            call()
            self.times[name].append(time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    checklist = make_checklist()
    print(f"Store save latency (tap -> fsync'd), {args.samples} saves per case, "
          f"{VISITS_PER_DAY} visits/day, {ITEMS} items/visit; times in ms")
    print("Cases and baselines run interleaved, round by round, so load from other processes "
          "falls on all of them alike.")
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as scratch:  # the disk the app would use
        cases = [Case(Path(scratch) / f"n{count}", checklist, count) for count in COUNTS]
        gc.collect()
        for n in range(args.samples):
            for case in cases:
                case.round(n)
        print(f"{'visits':>7} {'hot':>4} {'archived':>8} {'hot KiB':>8} | {'store p50':>9} {'p95':>6} | "
              f"{'bare p50':>8} {'p95':>6} | {'JSONStorage p50':>15} {'p95':>6} | {'p95/bare':>8}")
        rows = {}
        for case in cases:
            ours, bare, plain = (percentiles(case.times[k]) for k in ("store", "bare", "jsonstorage"))
            rows[case.count] = (ours, bare)
            print(f"{case.count:>7} {case.store.hot.count():>4} {case.store.archive.count():>8} "
                  f"{case.hot_size / 1024:>8.0f} | {ours[0]:>9.2f} {ours[1]:>6.2f} | {bare[0]:>8.2f} "
                  f"{bare[1]:>6.2f} | {plain[0]:>15.2f} {plain[1]:>6.2f} | {ours[1] / bare[1]:>7.2f}x")
            case.store.close()
        print("Contrast, no archive (every visit left in the hot file), 20 saves:")
        for count in (1_000, 5_000):
            case = Case(Path(scratch) / f"all{count}", checklist, count, archive=False)
            for n in range(20):
                case.round(n, baselines=False)
            ours = percentiles(case.times["store"])
            print(f"{count:>7} {case.store.hot.count():>4} {0:>8} {case.hot_size / 1024:>8.0f} | "
                  f"{ours[0]:>9.2f} {ours[1]:>6.2f}")
            case.store.close()
    base = rows[COUNTS[0]][0]
    worst_ratio = max(ours[1] / bare[1] for ours, bare in rows.values())
    print(f"target p95 <= {TARGET_RATIO:.0f}x bare: worst {worst_ratio:.2f}x -> "
          f"{'met' if worst_ratio <= TARGET_RATIO else 'NOT MET'}")
    for label, index in (("p95", 1), ("p50", 0)):
        spread = max(abs(ours[index] / base[index] - 1) for ours, _ in rows.values())
        detail = ", ".join(f"{count}: {ours[index] / base[index] - 1:+.0%}" for count, (ours, _) in rows.items())
        verdict = "met" if spread <= TARGET_FLAT else "NOT MET"
        print(f"target flat {label} within ±{TARGET_FLAT:.0%} of the 10-visit case: {detail} -> {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
