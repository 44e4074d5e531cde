"""The server benchmarks run end to end in their quick mode (timings are printed, never asserted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools.pg_cluster import find_pg_bin

BENCH = Path(__file__).resolve().parents[2] / "bench"


def needs_postgres(backend: str) -> None:
    if backend == "postgres" and find_pg_bin() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL binaries not found; CI must run the PostgreSQL benchmarks")
        pytest.skip("PostgreSQL binaries (pg_ctl, initdb) not found")


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
@pytest.mark.parametrize(("script", "figures"), [
    ("server_ingest.py", ["HTTP API: PUT /visits/{id} via uvicorn", "POST /visits/batch of 50",
                          "baseline: raw executemany", "observations/s", "batch rate / raw rate"]),
    ("server_reports.py", ["group_by=site", "group_by=staff", "bare GROUP BY", "report function",
                           "HTTP p50", "data load", "all dates"]),
])
def test_bench_quick_run_prints_its_figures(script: str, figures: list[str], backend: str) -> None:
    needs_postgres(backend)
    done = subprocess.run([sys.executable, str(BENCH / script), "--quick", "--backend", backend],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"[{backend}]" in done.stdout
    for figure in figures:
        assert figure in done.stdout
