"""Server test fixtures. Every test taking `server` runs twice: on SQLite and on a throwaway
PostgreSQL cluster (skipped only when PostgreSQL is missing and CI is unset; failed in CI)."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from sync_server.accounts import create_user, revoke_user
from sync_server.app import create_app, prepare_database
from sync_server.db import make_engine, make_session_factory, upgrade
from sync_server.settings import Settings

from sync_server.blob_store import S3BlobStore, open_photo_store

from tools.pg_cluster import Cluster, find_pg_bin, start_cluster
from .seaweed import SeaweedS3, seaweed  # noqa: F401  (session fixture)
from .seed import add_north_and_south_sites

CHECKLIST_DIR = Path(__file__).parent / "checklists"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
_database_numbers = itertools.count()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    bin_dir = find_pg_bin()
    if bin_dir is None:
        message = "PostgreSQL binaries (pg_ctl, initdb) not found"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; CI must run the PostgreSQL tests")
        pytest.skip(message)
    cluster = start_cluster(bin_dir)
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def pg_template(pg_cluster: Cluster) -> str:
    """A migrated database that each test copies (CREATE DATABASE … TEMPLATE is fast)."""
    engine = create_engine(pg_cluster.create_database("audit_template"))
    upgrade(engine)
    engine.dispose()
    return "audit_template"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("sqlite-template")
    engine = make_engine(Settings(data_dir=directory))
    upgrade(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return directory / "audit.db"


def fresh_database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, migrated database for one test."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        shutil.copyfile(template, tmp_path / "audit.db")
        return f"sqlite:///{tmp_path / 'audit.db'}"
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    template_name = request.getfixturevalue("pg_template")
    return cluster.create_database(f"audit_test_{next(_database_numbers)}", template=template_name)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# Photo routes' tests run on both stores: a module overrides `settings` with `store_settings`.
PHOTO_STORES = ["local", pytest.param("s3", marks=pytest.mark.s3)]
_bucket_numbers = itertools.count()


def server_settings(backend: str, request: pytest.FixtureRequest, tmp_path: Path,
                    photo_store: str = "local") -> Settings:
    """Settings on a fresh database; with `s3`, photos go to a new, empty bucket of the test
    session's SeaweedFS server (see seaweed.py), so tests never see each other's objects."""
    fields: dict[str, object] = {}
    if photo_store == "s3":
        s3: SeaweedS3 = request.getfixturevalue("seaweed")
        bucket = f"test-{next(_bucket_numbers)}-{os.getpid()}"
        s3.client().create_bucket(Bucket=bucket)
        fields = {**s3.settings_fields(), "s3_bucket": bucket}
    return Settings(database_url=fresh_database_url(backend, request, tmp_path),
                    data_dir=tmp_path, checklist_dir=CHECKLIST_DIR, **fields)


@pytest.fixture
def settings(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    return server_settings(backend, request, tmp_path)


@pytest.fixture(params=PHOTO_STORES)
def store_settings(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    return server_settings(backend, request, tmp_path, request.param)


def stored_keys(settings: Settings) -> list[str]:
    """Every object the settings' photo store holds (disk: files under photos/, relative)."""
    if settings.photo_store == "s3":
        store = open_photo_store(settings)
        assert isinstance(store, S3BlobStore)
        listed = store.client.list_objects_v2(Bucket=store.bucket)  # type: ignore[attr-defined]
        return sorted(item["Key"] for item in listed.get("Contents", []))
    root = settings.photo_dir
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) \
        if root.exists() else []


@dataclass
class Server:
    """A running app on a fresh database with the standard cast of users, sites and staff."""

    settings: Settings
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who in self.tokens else {}


# who → (role, region). `revoked` is an auditor whose token was revoked.
CAST = {
    "auditor_a": ("auditor", None),
    "auditor_b": ("auditor", None),
    "manager_north": ("manager", "north"),
    "manager_south": ("manager", "south"),
    "manager_all": ("manager", None),
    "admin": ("admin", None),
    "revoked": ("auditor", None),
}


def populate(settings: Settings) -> dict[str, str]:
    """Checklists, the cast, two sites (north, south) and their staff; returns the tokens."""
    prepare_database(settings)
    engine = make_engine(settings)
    tokens = {}
    with make_session_factory(engine)() as session:
        for who, (role, region) in CAST.items():
            tokens[who] = create_user(session, who, role, region)
        revoke_user(session, "revoked")
        now = dt.datetime.now(dt.UTC)
        add_north_and_south_sites(session, now)
        session.commit()
    engine.dispose()
    return tokens


@pytest.fixture
def server(settings: Settings) -> Iterator[Server]:
    tokens = populate(settings)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield Server(settings, client, tokens)
