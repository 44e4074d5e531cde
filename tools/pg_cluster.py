"""A throwaway PostgreSQL cluster for the tests: initdb + pg_ctl in a temporary directory.

initdb refuses to run as root, so as root the cluster belongs to the `postgres` system user
(created by the Debian package) and its commands run through `runuser`."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text


def find_pg_bin() -> Path | None:
    """The newest PostgreSQL bin directory with pg_ctl and initdb, or None."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                        key=lambda p: int(Path(p).parent.parent.name), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path and shutil.which("initdb") else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    bin_dir: Path
    directory: Path
    port: int
    run_as: str | None

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.directory)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database (a copy of `template` if given); returns its URL."""
        admin = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                suffix = f" TEMPLATE {template}" if template else ""
                connection.execute(text(f"CREATE DATABASE {name}{suffix}"))
        finally:
            admin.dispose()
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.directory / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


def start_cluster(bin_dir: Path) -> Cluster:
    """initdb and start a cluster on a free port on 127.0.0.1 (trust auth, no fsync)."""
    directory = Path(tempfile.mkdtemp(prefix="audit-pg-"))
    run_as = None
    if os.geteuid() == 0:
        run_as = "postgres"
        user = pwd.getpwnam(run_as)
        os.chown(directory, user.pw_uid, user.pw_gid)
    cluster = Cluster(bin_dir, directory, _free_port(), run_as)
    data = str(directory / "data")
    cluster._run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                 "--no-sync", "--locale=C")
    options = (f"-p {cluster.port} -c listen_addresses=127.0.0.1 -k {directory} "
               "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
               "-c max_connections=200")
    cluster._run("pg_ctl", "-D", data, "-o", options, "-l", str(directory / "log"), "-w", "start")
    return cluster
