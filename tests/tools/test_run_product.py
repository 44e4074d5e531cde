"""`make run`'s launcher: both servers up on the chosen ports, a link per demo user, Ctrl-C stops both."""

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tools.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
DEMO_USERS = {"demo-admin": "admin", "demo-manager": "manager", "demo-manager-east": "manager",
              "demo-auditor": "auditor", "demo-auditor-2": "auditor"}


class Output:
    """The launcher's stdout, line by line, read on a thread so waits can time out."""

    def __init__(self, stream):
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def until(self, pattern: str, timeout: float = 120.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while True:
            line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            if line is None:
                pytest.fail(f"launcher ended before {pattern!r}; it printed:\n" + "\n".join(self.seen))
            self.seen.append(line)
            match = re.match(pattern, line)
            if match:
                return match


@pytest.fixture
def launcher(tmp_path):
    env = dict(os.environ, PORT=str(free_port()), APP_PORT=str(free_port()),
               DATA_DIR=str(tmp_path / "var"))
    env.pop("DISPLAY", None)
    process = subprocess.Popen([sys.executable, "tools/run_product.py"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    yield process, env
    if process.poll() is None:
        process.kill()
    process.wait()
    process.stdout.close()


def test_make_run_serves_the_app_and_the_server_prints_links_and_stops_both_on_ctrl_c(launcher):
    process, env = launcher
    out = Output(process.stdout)
    app_url = out.until(r"^App: (http://127\.0\.0\.1:\d+)$")[1]
    server_url = out.until(r"^Server: (http://127\.0\.0\.1:\d+)$")[1]
    assert app_url == f"http://127.0.0.1:{env['APP_PORT']}"
    assert server_url == f"http://127.0.0.1:{env['PORT']}"

    links = {}
    for _ in DEMO_USERS:
        line = out.until(r"^\s+(\S+)\s+(admin|manager|auditor)\b.*\s(\S+)$")
        links[line[1]] = (line[2], line[3])
    assert {name: role for name, (role, _) in links.items()} == DEMO_USERS
    for name, (_, link) in links.items():
        parts = urlsplit(link)
        query = parse_qs(parts.query)
        assert f"{parts.scheme}://{parts.netloc}" == app_url, name
        assert query["server"] == [server_url] and len(query["enrol"][0]) >= 6, name

    app_page = httpx.get(app_url + "/", timeout=5)
    assert app_page.status_code == 200 and "flutter" in app_page.text.lower()
    assert httpx.get(server_url + "/healthz", timeout=5).status_code == 200

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    for url in (app_url + "/", server_url + "/healthz"):
        with pytest.raises(httpx.ConnectError):
            httpx.get(url, timeout=2)


def test_make_run_refuses_a_port_that_is_not_a_number(tmp_path):
    env = dict(os.environ, PORT="eighty", APP_PORT=str(free_port()), DATA_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "tools/run_product.py"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "PORT='eighty' is not a port number" in done.stdout + done.stderr
    assert not (tmp_path / "audit.db").exists()
