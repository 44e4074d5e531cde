"""Server benchmark helpers: a throwaway PostgreSQL cluster, a 40-item checklist made from the
bundled ones, and a real `audit-server serve` subprocess."""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")
sys.path.insert(0, str(ROOT))

from audit_app.checklist_files import load_checklist_dir  # noqa: E402
from audit_app.domain import Checklist  # noqa: E402
from sync_server.tables import Site, Staff  # noqa: E402

BENCH_CHECKLIST = "bench-mix"
ITEMS_PER_VISIT = 40


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def postgres_cluster() -> Iterator[str]:
    """initdb + pg_ctl in a temp dir (as `postgres` when running as root); yields a URL prefix
    `postgresql+psycopg://postgres@127.0.0.1:PORT/` and removes everything afterwards."""
    directory = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(directory, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = directory / "data", free_port()

    def run(*args: str) -> None:
        subprocess.run([*prefix, str(PG_BIN / args[0]), *args[1:]], check=True,
                       capture_output=True, cwd=directory)

    try:
        run("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync",
            "--locale=C")
        # Durable commits (fsync on) as in production; the benches measure the server.
        run("pg_ctl", "-D", str(data), "-l", str(directory / "log"), "-w", "-o",
            f"-p {port} -c listen_addresses=127.0.0.1 -k {directory} -c max_connections=100 "
            "-c shared_buffers=256MB", "start")
        try:
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/"
        finally:
            run("pg_ctl", "-D", str(data), "-m", "fast", "stop")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def create_database(url_prefix: str, name: str) -> str:
    from sqlalchemy import create_engine, text

    admin = create_engine(url_prefix + "postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return url_prefix + name


def bench_checklist() -> Checklist:
    """One 40-item checklist from the bundled ones (the real ones have 17–26 scored items)."""
    items: dict[str, dict[str, object]] = {}
    for checklist in load_checklist_dir():
        for item in checklist.items:
            if item.scored and item.photo != "required" and item.key not in items:
                items[item.key] = item.model_dump(mode="json", exclude_none=True)
    chosen = list(items.values())[:ITEMS_PER_VISIT]
    assert len(chosen) == ITEMS_PER_VISIT, "the bundled checklists have fewer than 40 items"
    return Checklist.model_validate({
        "id": BENCH_CHECKLIST, "version": 1, "mode": "mystery_shop",
        "title": {"en": "Benchmark mix", "zh": "基准测试组合"},
        "sections": [{"key": "all", "title": {"en": "All", "zh": "全部"}, "items": chosen}]})


def add_sites_and_staff(session, sites: int, staff_per_site: int, region: str,
                        now: datetime.datetime) -> None:
    """Sites `site-N` in `region`, each with staff `staff-N-K`; the caller commits."""
    for site in range(sites):
        session.add(Site(id=f"site-{site}", name=f"Site {site}", region=region, updated_at=now))
        session.flush()
        session.add_all([Staff(id=f"staff-{site}-{n}", name=f"Staff {site}-{n}",
                               site_id=f"site-{site}", updated_at=now)
                         for n in range(staff_per_site)])


def write_checklist_dir(directory: Path, checklist: Checklist) -> Path:
    """A checklist directory holding only `checklist` (JSON is valid YAML)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{checklist.id}.yaml").write_text(
        json.dumps(checklist.model_dump(mode="json", exclude_none=True), ensure_ascii=False),
        encoding="utf-8")
    return directory


@contextlib.contextmanager
def serve(environ: dict[str, str], workers: int = 1) -> Iterator[str]:
    """`audit-server serve` on a free port in a subprocess; yields its base URL."""
    port = free_port()
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-m", "sync_server", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers)],
        cwd=ROOT, env={**os.environ, **environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"the server did not start: {log.read().decode()[-2000:]}")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
