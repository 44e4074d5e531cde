"""Benchmark: score 100k visits × 40 observations from the real checklists, then group rows by
site and by staff. Prints seconds and observations/s beside a bare dict-accumulation baseline.

Run: .venv/bin/python bench/scoring.py [--visits N]"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from audit_app.checklist_files import load_checklist_dir  # noqa: E402
from audit_app.domain import Checklist, Item, Kind, Outcome, Visit, group_rows, score_visit  # noqa: E402

OBSERVATIONS_PER_VISIT = 40
TZ = timezone(timedelta(hours=8))


def value_for(item: Item, rnd: random.Random) -> object:
    if item.kind is Kind.CHECK:
        return rnd.random() < 0.88
    if item.kind is Kind.TIMED:
        return round(item.threshold_for(False) * rnd.uniform(0.2, 1.4), 1)
    if item.kind is Kind.COUNT:
        bound = item.max if item.max is not None else item.min
        return rnd.randint(0, 2 * (bound or 1))
    if item.kind is Kind.RATING:
        return rnd.randint(1, item.rating_scale)
    return "note" if item.kind is Kind.TEXT else None


def make_visits(checklists: list[Checklist], count: int, seed: int = 7) -> list[Visit]:
    """Visits answering every item; items are cycled to reach 40 observations per visit (as when
    one item is observed for several staff members), since the real checklists have fewer items."""
    rnd = random.Random(seed)
    sites = [f"site-{n:03d}" for n in range(50)]
    start = datetime(2026, 1, 1, 9, tzinfo=TZ)
    visits = []
    for index in range(count):
        checklist = checklists[index % len(checklists)]
        items = checklist.items
        site = rnd.choice(sites)
        staff = [f"{site}-staff-{rnd.randint(1, 8)}" for _ in range(rnd.choice((1, 1, 2)))]
        at = (start + timedelta(minutes=17 * index)).isoformat()
        observations = []
        for n in range(OBSERVATIONS_PER_VISIT):
            item = items[n % len(items)]
            observations.append({
                "item_key": item.key, "value": value_for(item, rnd), "na": rnd.random() < 0.05,
                "staff_id": rnd.choice(staff) if len(staff) > 1 and rnd.random() < 0.5 else None,
                "recorded_at": at})
        visits.append(Visit.model_validate({
            "id": f"00000000-0000-4000-8000-{index:012d}", "checklist_id": checklist.id,
            "checklist_version": checklist.version, "site_id": site, "staff_ids": staff,
            "context": {"peak": rnd.random() < 0.3}, "started_at": at, "observations": observations}))
    return visits


def bare_baseline(scores) -> float:
    """The least any grouping can cost: one dict update per observation, no rows built."""
    started = time.perf_counter()
    for attribute in ("site_id", "staff_id"):
        totals: dict[object, list[float]] = {}
        for visit in scores:
            for obs in visit.observations:
                key = getattr(obs, attribute)
                if key is None or obs.outcome is Outcome.NA:
                    continue
                entry = totals.setdefault(key, [0.0, 0.0])
                entry[0] += obs.weight
                if obs.outcome is Outcome.PASS:
                    entry[1] += obs.weight
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=100_000)
    args = parser.parse_args()
    checklists = load_checklist_dir()
    by_ref = {c.ref: c for c in checklists}

    started = time.perf_counter()
    visits = make_visits(checklists, args.visits)
    generated = time.perf_counter() - started
    total = sum(len(v.observations) for v in visits)
    print(f"generated {len(visits):,} visits × {OBSERVATIONS_PER_VISIT} = {total:,} observations "
          f"from {len(checklists)} checklists in {generated:.1f} s (not part of the figures)")

    started = time.perf_counter()
    scores = [score_visit(v, by_ref[(v.checklist_id, v.checklist_version)]) for v in visits]
    scoring = time.perf_counter() - started
    scored = sum(len(s.observations) for s in scores)

    timings = {}
    for grouping in ("site", "staff"):
        started = time.perf_counter()
        rows = group_rows(scores, grouping)
        timings[grouping] = (time.perf_counter() - started, len(rows))
    baseline = bare_baseline(scores)

    print(f"score_visit:            {scoring:6.2f} s   {scored / scoring:12,.0f} scored observations/s")
    for grouping, (seconds, rows) in timings.items():
        print(f"group_rows({grouping!r:7}):   {seconds:6.2f} s   {scored / seconds:12,.0f} observations/s"
              f"   ({rows} rows)")
    both = timings["site"][0] + timings["staff"][0]
    print(f"baseline (bare dict sums, site+staff): {baseline:.2f} s; group_rows site+staff: {both:.2f} s "
          f"= {both / baseline:.2f}× the baseline")
    end_to_end = scoring + both
    print(f"end to end (score + site + staff rows): {end_to_end:.2f} s = {total / end_to_end:,.0f} observations/s")


if __name__ == "__main__":
    main()
