"""The real sync server, run by uvicorn on 127.0.0.1 in a subprocess, shared by the session.

`live_server` gives its URL, an admin and an auditor token, its data folder, and helpers to add
users (each test can have its own auditor, so reports filtered by auditor see only that test's
visits) and to revoke them. Sites `site-n1` (north; staff-1, staff-2) and `site-s1` (south;
staff-3) exist. Start-up is awaited by polling /healthz, never by a fixed sleep."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session

from audit_app.device import Device, open_device
from sync_server.accounts import create_user, revoke_user
from sync_server.app import prepare_database
from sync_server.db import make_engine, make_session_factory
from sync_server.enrolment import issue_code
from sync_server.settings import Settings
from tests.server.seed import add_north_and_south_sites


START_TIMEOUT_S = 60.0
_user_numbers = itertools.count(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_health(url: str, process: subprocess.Popen[bytes], timeout_s: float) -> None:
    """Poll /healthz until it answers 200; fail early if the process died."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)  # poll interval while waiting for a condition, not a fixed wait
    raise RuntimeError(f"the server did not become healthy within {timeout_s} s")


@dataclass
class LiveServer:
    url: str
    data_dir: Path
    settings: Settings
    admin_token: str
    auditor_token: str
    auditor_name: str
    process: subprocess.Popen[bytes]

    @contextlib.contextmanager
    def _session(self) -> Iterator[Session]:
        """A session on the running server's database, its engine disposed afterwards."""
        engine = make_engine(self.settings)
        try:
            with make_session_factory(engine)() as session:
                yield session
        finally:
            engine.dispose()

    def new_user(self, role: str = "auditor", region: str | None = None) -> tuple[str, str]:
        """A new user on the running server: (name, token)."""
        name = f"{role}-{next(_user_numbers)}"
        with self._session() as session:
            return name, create_user(session, name, role, region)

    def enrolment_code(self, name: str) -> str:
        """A fresh one-time enrolment code for user `name` (what `audit-server enrol` prints)."""
        with self._session() as session:
            return issue_code(session, name, dt.datetime.now(dt.UTC)).code

    def revoke(self, name: str) -> None:
        with self._session() as session:
            revoke_user(session, name)

    def get(self, path: str, token: str | None = None, **params: object) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token or self.admin_token}"}
        return httpx.get(f"{self.url}/api/v1{path}", headers=headers, params=params, timeout=30)


def _seed(settings: Settings) -> tuple[str, str]:
    prepare_database(settings)
    engine = make_engine(settings)
    try:
        with make_session_factory(engine)() as session:
            admin = create_user(session, "admin", "admin")
            auditor = create_user(session, "auditor", "auditor")
            now = dt.datetime.now(dt.UTC)
            add_north_and_south_sites(session, now)
            session.commit()
    finally:
        engine.dispose()
    return admin, auditor


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("live-server")
    settings = Settings(data_dir=data_dir)
    admin, auditor = _seed(settings)
    env = {**os.environ, "AUDIT_DATA_DIR": str(data_dir)}
    env.pop("AUDIT_DATABASE_URL", None)
    log = (data_dir / "server.log").open("wb")  # a file, not a pipe: a full pipe would block it
    for _try in range(3):  # another process may take the free port before uvicorn binds it
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        process = subprocess.Popen(
            [sys.executable, "-m", "sync_server", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=log)
        try:
            wait_for_health(url, process, START_TIMEOUT_S)
            break
        except RuntimeError:
            process.kill()
            process.wait()
    else:
        raise RuntimeError("could not start the sync server")
    try:
        yield LiveServer(url=url, data_dir=data_dir, settings=settings, admin_token=admin,
                         auditor_token=auditor, auditor_name="auditor", process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def device(tmp_path: Path) -> Iterator[Device]:
    """A fresh device folder with the bundled checklists."""
    opened = open_device(tmp_path / "phone")
    yield opened
    opened.close()


@pytest.fixture
def down_url() -> str:
    """An address where nothing listens: the server is down for the whole sync."""
    return f"http://127.0.0.1:{free_port()}"
