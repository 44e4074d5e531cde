"""Kill a saving process at random moments (SIGKILL, 50 times): every reported save survives."""

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from audit_app.store import VisitState
from audit_app.store.atomic_storage import temp_files
from audit_app.store.paths import HOT_FILE

from .conftest import reopen

CHILD = Path(__file__).with_name("crash_child.py")
ROOT = Path(__file__).resolve().parents[2]
RUNS = 50


def run_child_and_kill(data_dir: Path, bundled_dir: Path, run: int, delay: float) -> list[str]:
    """Start the child, let it save for `delay` seconds after it is ready, SIGKILL it;
    return every complete line it printed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, str(CHILD), str(data_dir), str(bundled_dir), str(run)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        first = child.stdout.readline()
        assert first == b"ready\n", (first, child.stderr.read())
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL, err.decode()
    text = out.decode()
    complete = text if text.endswith("\n") else text[: text.rfind("\n") + 1]
    return complete.splitlines()


@pytest.mark.slow
def test_every_reported_save_survives_sigkill_at_random_moments(data_dir, bundled_dir):
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    started: set[str] = set()
    answered: dict[tuple[str, str], str] = {}
    finalised: set[str] = set()
    for run in range(RUNS):
        for line in run_child_and_kill(data_dir, bundled_dir, run, rng.uniform(0.0, 0.15)):
            words = line.split(" ", 3)
            if words[0] == "started":
                started.add(words[1])
            elif words[0] == "answered":
                answered[(words[1], words[2])] = words[3]
            elif words[0] == "finalised":
                finalised.add(words[1])
        json.loads((data_dir / HOT_FILE).read_text(encoding="utf-8"))  # parses after every kill
        store = reopen(data_dir, bundled_dir)
        assert temp_files(data_dir / HOT_FILE) == [], f"seed {seed}"
        for visit_id in started:
            store.visits.get(visit_id)
        for (visit_id, key), note in answered.items():
            observation = store.visits.get(visit_id).visit.observation_for(key)
            assert observation is not None and observation.note == note, f"seed {seed} run {run}"
        for visit_id in finalised:
            assert store.visits.get(visit_id).state is VisitState.FINALISED, f"seed {seed}"
        queued = {p.visit.id for p in store.outbox.pending_uploads()}
        finalised_now = {r.visit_id for r in store.visits.list_visits(VisitState.FINALISED)}
        assert queued == finalised_now, f"outbox and finalised visits differ (seed {seed})"
        store.close()
    assert len(finalised) > 10 and len(answered) > 50  # the kills did land among many saves
