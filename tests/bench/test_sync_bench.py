"""The sync benchmark runs end to end in its quick mode (figures are printed, never asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.slow
def test_sync_bench_quick_run_prints_every_figure() -> None:
    done = subprocess.run([sys.executable, str(BENCH / "sync.py"), "--quick", "--latency-ms", "20"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    for figure in ("sync [sqlite]", "floor: sequential httpx PUTs", "run_sync (pull + push)",
                   "× the floor", "bytes on the wire", "× the payload", "second sync right after",
                   "photo bytes sent 0, push requests 0", "with 20 ms added per request",
                   "push requests per visit"):
        assert figure in done.stdout, done.stdout
