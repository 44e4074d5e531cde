"""Child process for test_crash: saves visits in a loop, printing each save once it returned.

Usage: python crash_child.py DATA_DIR BUNDLED_DIR RUN. Runs until killed."""

import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from audit_app.store import open_store

ANSWERS = [("greet_within_3s", 2.5), ("smile", True), ("uniform_clean", False), ("satisfaction", 4),
           ("remarks", "fine")]


def main() -> None:
    data_dir, bundled_dir, run = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    store = open_store(data_dir, bundled_dir=bundled_dir)
    now = datetime(2026, 11, 20, 10, tzinfo=timezone(timedelta(hours=8)))
    print("ready", flush=True)
    save = 0
    while True:
        visit = store.visits.start_visit(checklist_id="shop-visit", checklist_version=1,
                                         site_id="site-001", staff_ids=["staff-017"], peak=False, now=now)
        print(f"started {visit.id}", flush=True)
        for key, value in ANSWERS:
            save += 1
            store.visits.record_observation(visit.id, key, value=value, note=f"run {run} save {save}", now=now)
            print(f"answered {visit.id} {key} run {run} save {save}", flush=True)
        store.visits.finalise(visit.id, now)
        print(f"finalised {visit.id}", flush=True)


if __name__ == "__main__":
    main()
