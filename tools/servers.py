"""Start, wait for and stop the product's two servers: the sync server and the app (web) server.

One place for the commands and environments, used by `make run` (tools/run_product.py), the
browser tests (tests/ui/) and bench/app.py, so all three run the servers the same way.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
VENV_BIN = Path(sys.executable).parent
_PR_SET_PDEATHSIG = 1


class ServerFailed(RuntimeError):
    """A server exited or never answered; the message ends with the tail of its log."""


def free_port() -> int:
    """A port nothing listens on now (the OS picks it; the caller binds it moments later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def audit_server_command(*args: str) -> list[str]:
    return [str(VENV_BIN / "audit-server"), *args]


def sync_server_env(data_dir: Path) -> dict[str, str]:
    """The sync server on SQLite under data_dir (audit.db, photos/)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUDIT_")}
    env["AUDIT_DATA_DIR"] = str(data_dir)
    return env


def app_server_command() -> list[str]:
    """The app's own web-server command (defined by audit_app, see its __main__)."""
    return [sys.executable, "-m", "audit_app", "serve-app"]


def app_server_env(port: int, data_dir: Path, today: dt.date | None = None) -> dict[str, str]:
    """Web mode, offline (bundled CanvasKit, no CDN), bound to 127.0.0.1 (FLET_NOTES "Running").
    `today` pins the app's calendar date (tests that must not depend on the day they run)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "AUDIT_APP_TODAY")}
    env.update({
        "APP_PORT": str(port),
        "FLET_SERVER_PORT": str(port),
        "FLET_SERVER_IP": HOST,
        "FLET_FORCE_WEB_SERVER": "true",
        "FLET_WEB_NO_CDN": "true",
        "AUDIT_APP_DATA_DIR": str(data_dir),
    })
    env.pop("FLET_APP_STORAGE_DATA", None)  # a packaged phone's folder would win over ours
    if today is not None:
        env["AUDIT_APP_TODAY"] = today.isoformat()
    return env


def _die_with_parent() -> None:
    """Child side: get SIGTERM if the launcher dies, so no server outlives it (Linux only)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


@dataclass
class ServerProcess:
    """One server started in its own session (Ctrl-C reaches only the launcher, which stops it)."""

    name: str
    command: Sequence[str]
    env: Mapping[str, str]
    url: str
    ready_path: str
    log_path: Path
    cwd: Path = ROOT
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = field(default=None, repr=False)

    def start(self) -> ServerProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            list(self.command), env=dict(self.env), cwd=self.cwd, stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=_die_with_parent)
        return self

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Poll until the server answers ready_path with 200 (fails fast if it exits)."""
        assert self.process is not None, "start() first"
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2.0) as client:
            while True:
                if self.process.poll() is not None:
                    raise ServerFailed(f"{self.name} exited with {self.process.returncode}:\n"
                                       f"{self.log_tail()}")
                try:
                    if client.get(self.url + self.ready_path).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise ServerFailed(f"{self.name} did not answer {self.url} in {timeout:.0f} s:\n"
                                       f"{self.log_tail()}")
                time.sleep(0.05)  # polling interval, not a wait for a condition

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would: no clean shutdown (fault tests)."""
        assert self.process is not None, "start() first"
        self.process.kill()
        self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM (both servers shut down cleanly on it), SIGKILL after timeout; the exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
        return self.process.returncode


def sync_server(port: int, data_dir: Path, log_dir: Path) -> ServerProcess:
    return ServerProcess(
        name="sync server", command=audit_server_command("serve", "--host", HOST, "--port", str(port)),
        env=sync_server_env(data_dir), url=f"http://{HOST}:{port}", ready_path="/healthz",
        log_path=log_dir / "sync-server.log")


def app_server(port: int, data_dir: Path, log_dir: Path, today: dt.date | None = None) -> ServerProcess:
    return ServerProcess(
        name="app server", command=app_server_command(), env=app_server_env(port, data_dir, today),
        url=f"http://{HOST}:{port}", ready_path="/", log_path=log_dir / "app-server.log")


def load_demo(data_dir: Path, app_url: str, server_url: str, *, visits: int | None = None,
              today: dt.date | None = None) -> str:
    """`audit-server demo` with per-user enrolment links; returns what it printed. `today` is
    the last date of the demo visits (default: the machine's date)."""
    args = ["demo", "--app-url", app_url, "--server-url", server_url]
    if visits is not None:
        args += ["--visits", str(visits)]
    if today is not None:
        args += ["--today", today.isoformat()]
    done = subprocess.run(audit_server_command(*args), env=sync_server_env(data_dir), cwd=ROOT,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ServerFailed(f"audit-server demo failed ({done.returncode}):\n{done.stderr}")
    return done.stdout
