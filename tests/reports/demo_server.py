"""A real sync server (uvicorn in a thread, SQLite, demo data) on a free port, for the reports
client and cache tests."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from sync_server.app import create_app
from sync_server.demo import load_demo
from sync_server.settings import REPO_CHECKLIST_DIR, Settings

DEMO_NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)


@dataclass
class RunningServer:
    url: str
    tokens: dict[str, str]
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def start_server(settings: Settings, tokens: dict[str, str]) -> RunningServer:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:  # a condition, polled: uvicorn sets it once it accepts connections
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    sock.close()  # uvicorn holds its own reference; ours is no longer needed
    return RunningServer(f"http://127.0.0.1:{port}", tokens, server, thread)


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict[str, str]]:
    directory: Path = tmp_path_factory.mktemp("reports-demo")
    settings = Settings(data_dir=directory, checklist_dir=REPO_CHECKLIST_DIR)
    result = load_demo(settings, visits=120, now=DEMO_NOW)
    return settings, {login.name: login.token for login in result.logins}


@pytest.fixture(scope="module")
def demo_server(demo_settings: tuple[Settings, dict[str, str]]) -> Iterator[RunningServer]:
    running = start_server(*demo_settings)
    yield running
    running.stop()
