"""bench/app.py runs end to end in its quick mode against Chromium, with its floors (a bare Flet
app measured in the same run) and ratios (figures printed, never asserted)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools.chromium import CHROMIUM

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.browser
def test_app_bench_quick_run_prints_cold_start_tap_latency_and_concurrent_figures():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing; CI must run the browser benchmark")
        pytest.skip(f"{CHROMIUM} is missing")
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    done = subprocess.run([sys.executable, "bench/app.py", "--quick"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    for figure in ("home screen usable in Chromium", "bare Flet app usable", "cold start median",
                   "floor (bare Flet app, same run)", "tap to saved (1 session",
                   "floor (bare Flet app click -> 60 KB fsync'd file, same run)", "store save alone",
                   "concurrent sessions", "bare Flet app, same", "app server RSS",
                   "clicks the page dropped",
                   "x the floor (target <= 1.5x", "x the floor (target <= 2x",
                   "where a tap goes (in process", "redraw profile"):
        assert figure in done.stdout, figure
