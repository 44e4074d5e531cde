"""The product as `make run` starts it (sync server with demo data + app server), on free ports in
a temporary folder, with the controls tests need: stop/start either server, the admin's API."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tools.run_product import DemoUser, demo_users
from tools.servers import HOST, ServerProcess, app_server, free_port, load_demo, sync_server

# `  demo-admin   admin   <token>` lines of `audit-server demo` (tokens are shown once).
_TOKEN_LINE = re.compile(r"^\s+(?P<name>[\w-]+)\s+(?:admin|manager|auditor)\b.*\s(?P<token>[\w-]{32,})\s*$")


def demo_tokens(demo_output: str) -> dict[str, str]:
    return {m["name"]: m["token"] for m in map(_TOKEN_LINE.match, demo_output.splitlines())
            if m and "://" not in m.group(0)}


@dataclass
class Product:
    """`today`, when given, is the app's calendar date and the demo visits' last date, so what
    the reports show does not depend on the day the test runs."""

    root: Path
    app_port: int = field(default_factory=free_port)
    server_port: int = field(default_factory=free_port)
    demo_output: str = ""
    today: dt.date | None = None

    def __post_init__(self) -> None:
        logs = self.root / "logs"
        self.sync = sync_server(self.server_port, self.root / "server", logs)
        self.app = app_server(self.app_port, self.app_data, logs, self.today)

    @property
    def app_data(self) -> Path:
        return self.root / "app"

    @property
    def app_url(self) -> str:
        return f"http://{HOST}:{self.app_port}"

    @property
    def server_url(self) -> str:
        return f"http://{HOST}:{self.server_port}"

    def start(self, demo_visits: int = 12) -> Product:
        self.demo_output = load_demo(self.root / "server", self.app_url, self.server_url,
                                     visits=demo_visits, today=self.today)
        for server in (self.sync, self.app):
            server.start()
        for server in (self.sync, self.app):
            server.wait_ready()
        return self

    def stop(self) -> None:
        for server in (self.app, self.sync):
            server.stop()

    def restart(self, server: ServerProcess) -> None:
        server.stop()
        server.start()
        server.wait_ready()

    @property
    def users(self) -> list[DemoUser]:
        return demo_users(self.demo_output)

    def enrolment_link(self, name: str) -> str:
        for user in self.users:
            if user.name == name:
                return user.link
        raise KeyError(f"no enrolment link for {name!r} in:\n{self.demo_output}")

    def admin(self) -> httpx.Client:
        """An API client holding the demo admin's token."""
        token = demo_tokens(self.demo_output)["demo-admin"]
        return httpx.Client(base_url=self.server_url + "/api/v1", timeout=10.0,
                            headers={"Authorization": f"Bearer {token}"})


def servers_answering(product: Product) -> list[str]:
    """Names of the product's servers that answer now (used to check a shutdown)."""
    answering = []
    for server in (product.sync, product.app):
        try:
            httpx.get(server.url + server.ready_path, timeout=1.0)
            answering.append(server.name)
        except httpx.TransportError:
            pass
    return answering
