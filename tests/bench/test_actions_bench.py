"""The actions benchmark runs end to end in its quick mode (timings are printed, never asserted)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .test_server_benches import BENCH, needs_postgres


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_actions_bench_quick_run_prints_its_figures(backend: str) -> None:
    needs_postgres(backend)
    done = subprocess.run([sys.executable, str(BENCH / "actions.py"), "--quick", "--actions", "500",
                           "--backend", backend], capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"actions [{backend}]: 500 actions, 2,500 events" in done.stdout
    for figure in ("GET /reports/actions", "GET /actions?overdue=true", "× bare", "HTTP once"):
        assert figure in done.stdout
