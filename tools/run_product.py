"""`make run`: demo data, the sync server on SQLite and the field app in web mode, until Ctrl-C.

Prints `App: <url>`, `Server: <url>`, then one line per demo user (name, role, enrolment link):
opening a link in a browser enrols that browser as the user, so a newcomer copies nothing.
PORT (sync server, default 8080), APP_PORT (app, default 8550) and DATA_DIR (default ./var)
come from the environment. Both servers listen on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.servers import HOST, ServerFailed, ServerProcess, app_server, load_demo, sync_server

# `  <name>  <role>[ (region)]  <link>` as `audit-server demo --app-url --server-url` prints it.
_USER_LINE = re.compile(r"^\s+(?P<name>\S+)\s+(?P<role>admin|manager|auditor)\b(?P<scope>.*?)"
                        r"\s+(?P<link>https?://\S+[?&]enrol=\S+)\s*$")


@dataclass(frozen=True)
class DemoUser:
    name: str
    role: str
    scope: str
    link: str


def demo_users(demo_output: str) -> list[DemoUser]:
    users = []
    for line in demo_output.splitlines():
        match = _USER_LINE.match(line)
        if match:
            users.append(DemoUser(match["name"], match["role"], match["scope"].strip(), match["link"]))
    return users


def _port(environ: dict[str, str], name: str, default: int) -> int:
    value = environ.get(name) or str(default)
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise SystemExit(f"run: {name}={value!r} is not a port number (1-65535)")
    return int(value)


def main() -> int:
    environ = dict(os.environ)
    port, app_port = _port(environ, "PORT", 8080), _port(environ, "APP_PORT", 8550)
    data_dir = Path(environ.get("DATA_DIR") or "./var").resolve()
    server_url, app_url = f"http://{HOST}:{port}", f"http://{HOST}:{app_port}"
    log_dir = data_dir / "logs"

    print(f"== Field Audit 现场稽核: demo data 演示数据 in {data_dir} ==", flush=True)
    try:
        demo_output = load_demo(data_dir, app_url, server_url)
    except ServerFailed as exc:
        print(f"run: {exc}", file=sys.stderr)
        return 1
    # The demo's own link list is printed once, below the addresses, when both servers answer.
    print("\n".join(line for line in demo_output.splitlines()
                    if not _USER_LINE.match(line) and not line.startswith("Enrolment links")).rstrip(),
          flush=True)

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    servers: list[ServerProcess] = [sync_server(port, data_dir, log_dir),
                                    app_server(app_port, data_dir / "app", log_dir)]
    try:
        for server in servers:
            server.start()
        for server in servers:
            server.wait_ready()
        users = demo_users(demo_output)
        name_width = max((len(u.name) for u in users), default=0)
        role_width = max((len(f"{u.role} {u.scope}".strip()) for u in users), default=0)
        print("")
        print(f"App: {app_url}")
        print(f"Server: {server_url}")
        for user in users:
            role = f"{user.role} {user.scope}".strip()
            print(f"  {user.name:<{name_width}}  {role:<{role_width}}  {user.link}")
        print("Open a user's link in a browser to sign in as them (single use, 24 h) "
              "打开链接即以该用户登录（一次性，24 小时内有效）")
        print(f"Logs 日志: {log_dir}.  Ctrl-C stops both servers 按 Ctrl-C 停止", flush=True)
        while not stop.is_set():
            if not all(server.running() for server in servers):
                failed = next(s for s in servers if not s.running())
                print(f"run: the {failed.name} stopped:\n{failed.log_tail()}", file=sys.stderr)
                return 1
            stop.wait(0.5)
        return 0
    except ServerFailed as exc:
        print(f"run: {exc}", file=sys.stderr)
        return 1
    finally:
        for server in reversed(servers):
            server.stop()
        if stop.is_set():
            print("stopped 已停止", flush=True)


if __name__ == "__main__":
    sys.exit(main())
