"""Several stateless server nodes on one machine, as a chain would run them on several:
a PostgreSQL cluster for data, SeaweedFS (S3-compatible) for photos, N `audit-server serve`
processes on their own ports, and HAProxy in front with health checks on `/healthz`.

    make cluster                    # 2 nodes; prints the address to point phones at
    .venv/bin/python -m tools.cluster --nodes 3 --demo

The tests' multi-node fault test and bench/server_ingest.py start the same thing through
`start_cluster()`. Everything listens on 127.0.0.1 on free ports and lives in one temporary
folder, removed on exit. See docs/scaling.md."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tools.pg_cluster import Cluster as PgCluster
from tools.pg_cluster import find_pg_bin
from tools.pg_cluster import start_cluster as start_pg
from tools.seaweed import SeaweedS3, start_seaweed, stop_seaweed
from tools.servers import HOST, ServerProcess, audit_server_command, free_port

HAPROXY_CONFIG = """\
global
    maxconn 512
defaults
    mode http
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    # A node busy with batches may take more than the 300 ms check interval to answer /healthz;
    # without this the check timed out at the interval and marked a live node down mid-run.
    timeout check 2s
    # A request whose connection to a node fails goes to another node (every upload is
    # idempotent by its client-made id or hash, so a second try stores nothing twice).
    retries 2
    option redispatch
frontend api
    bind {host}:{port}
    default_backend nodes
backend nodes
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
    default-server inter 300ms fall 2 rise 1
{servers}
"""


@dataclass
class LocalCluster:
    root: Path
    postgres: PgCluster
    s3: SeaweedS3
    database_url: str
    nodes: list[ServerProcess] = field(default_factory=list)
    balancer: ServerProcess | None = None
    balancer_port: int = 0
    admin_token: str = ""

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.balancer_port}"

    def node_env(self) -> dict[str, str]:
        return {"PATH": "/usr/bin:/bin", "AUDIT_DATABASE_URL": self.database_url,
                "AUDIT_DATA_DIR": str(self.root / "node-data"), **self.s3.settings_env()}

    def stop(self) -> None:
        for process in [self.balancer, *self.nodes]:
            if process is not None:
                process.stop()
        stop_seaweed(self.s3)
        self.postgres.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def _node(cluster: LocalCluster, number: int) -> ServerProcess:
    port = free_port()
    return ServerProcess(
        name=f"node {number}", command=audit_server_command("serve", "--host", HOST, "--port", str(port)),
        env=cluster.node_env(), url=f"http://{HOST}:{port}", ready_path="/healthz",
        log_path=cluster.root / "logs" / f"node-{number}.log")


def _balancer(cluster: LocalCluster) -> ServerProcess:
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    cluster.balancer_port = free_port()
    servers = "\n".join(f"    server node{n} {node.url.removeprefix('http://')} check"
                        for n, node in enumerate(cluster.nodes, start=1))
    config = cluster.root / "haproxy.cfg"
    config.write_text(HAPROXY_CONFIG.format(host=HOST, port=cluster.balancer_port, servers=servers),
                      encoding="utf-8")
    return ServerProcess(name="haproxy", command=[haproxy, "-db", "-f", str(config)], env={},
                         url=cluster.url, ready_path="/healthz",
                         log_path=cluster.root / "logs" / "haproxy.log")


def start_cluster(nodes: int = 2) -> LocalCluster:
    """PostgreSQL + SeaweedFS + `nodes` server processes + HAProxy, all started and answering.
    The nodes start together, as on a real deploy: they take turns to migrate the database and
    load the checklists (`sync_server.db.startup_lock`)."""
    bin_dir = find_pg_bin()
    if bin_dir is None or shutil.which("haproxy") is None and not Path("/usr/sbin/haproxy").exists():
        raise RuntimeError("the local cluster needs PostgreSQL (postgresql) and HAProxy (haproxy) "
                           "from apt")
    root = Path(tempfile.mkdtemp(prefix="audit-cluster-"))
    postgres = start_pg(bin_dir)
    try:
        s3 = start_seaweed()
    except BaseException:
        postgres.stop()
        raise
    cluster = LocalCluster(root, postgres, s3, postgres.create_database("audit"))
    try:
        made = subprocess.run(audit_server_command("create-user", "cluster-admin", "--role", "admin"),
                              env=cluster.node_env(), check=True, capture_output=True, text=True)
        cluster.admin_token = made.stdout.split()[-1]
        cluster.nodes = [_node(cluster, n) for n in range(1, nodes + 1)]
        for node in cluster.nodes:
            node.start()
        for node in cluster.nodes:
            node.wait_ready()
        cluster.balancer = _balancer(cluster).start()
        cluster.balancer.wait_ready()
    except BaseException:
        cluster.stop()
        raise
    return cluster


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=2)
    parser.add_argument("--demo", action="store_true", help="load the demo data (and print links)")
    args = parser.parse_args(argv)
    cluster = start_cluster(args.nodes)
    try:
        if args.demo:
            subprocess.run(audit_server_command("demo", "--server-url", cluster.url),
                           env=cluster.node_env(), check=True)
        print(f"HAProxy: {cluster.url}  (nodes: {', '.join(n.url for n in cluster.nodes)})")
        print(f"PostgreSQL: {cluster.database_url}")
        print(f"S3: {cluster.s3.endpoint_url}  logs: {cluster.root / 'logs'}")
        print("Ctrl-C stops everything.", flush=True)
        try:
            cluster.nodes[0].process.wait()  # type: ignore[union-attr]
        except KeyboardInterrupt:
            pass
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
