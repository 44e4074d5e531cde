"""bench/pdf.py runs end to end in its quick mode (timings are printed, never asserted); it
fails only if the server stopped answering other requests while it made PDFs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.slow
def test_pdf_bench_quick_run_prints_its_figures() -> None:
    done = subprocess.run([sys.executable, str(BENCH / "pdf.py"), "--quick"],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    for figure in ("visit PDF (40 items, 12 photos)", "visit PDF warm", "region scorecard (6 sites",
                   "baseline, bare one-page PDF", "other requests while PDFs were made",
                   "0 failed", "baseline, idle server"):
        assert figure in done.stdout
