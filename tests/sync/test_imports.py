"""The sync client, the device and the command line import no flet (the CLI runs without a UI)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_sync_client_and_command_line_do_not_import_flet() -> None:
    code = ("import sys, audit_app.sync, audit_app.device, audit_app.cli, audit_app.sync.command; "
            "print('flet' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False"]
