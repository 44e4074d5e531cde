"""bench/integrity.py runs end to end in its quick mode (timings are printed, never asserted)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .test_server_benches import BENCH, needs_postgres


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_integrity_bench_quick_run_prints_its_figures(backend: str) -> None:
    needs_postgres(backend)
    done = subprocess.run([sys.executable, str(BENCH / "integrity.py"), "--quick", "--backend", backend],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    for figure in ("chosen threshold 6", "brightened +20%", "cropped 5%", "different scenes",
                   f"ingest [{backend}]", "baseline: signals off", "signals cost",
                   f"lookup [{backend}]", "baseline: full scan", "ms per upload"):
        assert figure in done.stdout, figure
