"""Photos in an S3-compatible bucket shared by several nodes: a photo uploaded through node A
is served by node B, two nodes racing on one photo store one object, an unreachable bucket
answers 503 and records nothing, no photo touches a node's disk, and `migrate-photos` copies a
node's disk into the bucket, verified and resumable. Against SeaweedFS, never a mock."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sync_server.app import create_app
from sync_server.blob_store import BlobStoreUnavailable, LocalBlobStore, open_photo_store
from sync_server.cli import run
from sync_server.db import make_engine, make_session_factory
from sync_server.photo_migration import migrate_photos
from sync_server.settings import Settings
from sync_server.tables import Photo

from .conftest import Server, populate, stored_keys
from .images import jpeg_bytes, sha
from .visit_data import visit_body

pytestmark = pytest.mark.s3


@pytest.fixture
def settings(store_settings: Settings) -> Settings:
    return store_settings


@pytest.fixture
def nodes(settings: Settings) -> Iterator[tuple[Server, Server]]:
    """Two app instances (two nodes) on one database and one bucket."""
    tokens = populate(settings)
    with TestClient(create_app(settings), raise_server_exceptions=False) as a, \
            TestClient(create_app(settings), raise_server_exceptions=False) as b:
        # FastAPI builds a route's state on its first request, and two apps in one process share
        # the routers: their first requests racing in two threads can clash inside pydantic
        # (a 500 seen under load). Real nodes are separate processes; answer once here first.
        for client in (a, b):
            assert client.put(f"/api/v1/photos/{'0' * 64}").status_code == 401
        yield Server(settings, a, tokens), Server(settings, b, tokens)


def key_of(body: bytes) -> str:
    return f"{sha(body)[:2]}/{sha(body)}.jpg"


def put(server: Server, body: bytes, who: str = "auditor_a"):  # type: ignore[no-untyped-def]
    return server.client.put(f"/api/v1/photos/{sha(body)}", content=body,
                             headers=server.auth(who) | {"Content-Type": "image/jpeg"})


def photo_rows(settings: Settings) -> int:
    engine = make_engine(settings)
    try:
        with make_session_factory(engine)() as session:
            return session.scalar(select(func.count()).select_from(Photo)) or 0
    finally:
        engine.dispose()


@pytest.mark.parametrize("store_settings", ["s3"], indirect=True)
def test_a_photo_uploaded_through_one_node_is_served_by_the_other_with_its_thumbnail(
        nodes: tuple[Server, Server]) -> None:
    node_a, node_b = nodes
    body = jpeg_bytes((900, 600))
    assert put(node_a, body).status_code == 201
    visit = visit_body(photos=[{"sha256": sha(body), "bytes": len(body), "width": 900, "height": 600}])
    assert node_a.client.put(f"/api/v1/visits/{visit['id']}", json=visit,
                             headers=node_a.auth("auditor_a")).status_code == 201
    served = node_b.client.get(f"/api/v1/photos/{sha(body)}", headers=node_b.auth("auditor_a"))
    assert served.status_code == 200 and served.content == body
    thumb_b = node_b.client.get(f"/api/v1/photos/{sha(body)}", params={"size": "thumb"},
                                headers=node_b.auth("auditor_a"))
    thumb_a = node_a.client.get(f"/api/v1/photos/{sha(body)}", params={"size": "thumb"},
                                headers=node_a.auth("auditor_a"))
    assert thumb_b.status_code == thumb_a.status_code == 200 and thumb_a.content == thumb_b.content
    assert stored_keys(node_a.settings) == [key_of(body), f"{sha(body)[:2]}/{sha(body)}.thumb.jpg"]
    assert not node_a.settings.photo_dir.exists()  # with s3 nothing is written to a node's disk


@pytest.mark.parametrize("store_settings", ["s3"], indirect=True)
def test_two_nodes_racing_on_one_photo_store_one_object_and_one_row(nodes: tuple[Server, Server]) -> None:
    body = jpeg_bytes((400, 300))
    start = threading.Barrier(8)
    statuses: list[int] = []

    def upload(node: Server) -> None:
        start.wait()
        statuses.append(put(node, body).status_code)

    threads = [threading.Thread(target=upload, args=(nodes[n % 2],)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses)[-1] <= 201 and statuses.count(201) >= 1, statuses
    assert stored_keys(nodes[0].settings) == [key_of(body)]
    assert photo_rows(nodes[0].settings) == 1
    assert open_photo_store(nodes[0].settings).read(key_of(body)) == body


def test_an_unreachable_bucket_answers_503_and_marks_nothing_stored(
        backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    from .conftest import server_settings

    settings = server_settings(backend, request, tmp_path).model_copy(update={
        "photo_store": "s3", "s3_bucket": "photos", "s3_endpoint_url": "http://127.0.0.1:9",
        "s3_access_key_id": None, "s3_secret_access_key": None})
    tokens = populate(settings)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        server = Server(settings, client, tokens)
        body = jpeg_bytes()
        answer = put(server, body)
        assert answer.status_code == 503, answer.text
        assert answer.json()["error"]["code"] == "photo_store_unavailable"
        assert "127.0.0.1:9" not in answer.text  # the error names no endpoint or secret
        missing = client.post("/api/v1/photos/missing", json={"hashes": [sha(body)]},
                              headers=server.auth("auditor_a"))
        assert missing.json()["missing"] == [sha(body)]  # the phone will send it again
    assert photo_rows(settings) == 0


@pytest.mark.parametrize("store_settings", ["s3"], indirect=True)
def test_migrate_photos_copies_verifies_and_resumes(settings: Settings, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    # A node that kept its photos on disk: upload three through a local-store app.
    local = settings.model_copy(update={"photo_store": "local"})
    tokens = populate(local)
    bodies = [jpeg_bytes((300 + n, 200)) for n in range(3)]
    with TestClient(create_app(local)) as client:
        node = Server(local, client, tokens)
        for body in bodies:
            assert put(node, body).status_code == 201
    disk = LocalBlobStore(local.photo_dir)
    bucket = open_photo_store(settings)
    # An interrupted earlier run: one photo copied, one left as a wrong (partial) object.
    bucket.put_new(key_of(bodies[0]), bodies[0], "image/jpeg")
    bucket.put_new(key_of(bodies[1]), bodies[1][:100], "image/jpeg")

    class FailsAfterOnePut:
        """The bucket going away mid-run: the first write lands, the next one fails."""

        def __init__(self) -> None:
            self.puts = 0

        def __getattr__(self, name: str) -> object:
            return getattr(bucket, name)

        def put_new(self, key: str, data: bytes, content_type: str) -> bool:
            self.puts += 1
            if self.puts > 1:
                raise BlobStoreUnavailable("gone")
            return bucket.put_new(key, data, content_type)

    engine = make_engine(settings)
    try:
        with make_session_factory(engine)() as session, pytest.raises(BlobStoreUnavailable):
            migrate_photos(session, disk, FailsAfterOnePut())  # type: ignore[arg-type]
    finally:
        engine.dispose()
    environ = {f"AUDIT_{k.upper()}": str(v) for k, v in settings.model_dump().items()
               if v is not None and k in {"database_url", "data_dir", "photo_store", "s3_bucket",
                                          "s3_endpoint_url"}}
    from .seaweed import ACCESS_KEY, SECRET_KEY
    environ |= {"AUDIT_S3_ACCESS_KEY_ID": ACCESS_KEY, "AUDIT_S3_SECRET_ACCESS_KEY": SECRET_KEY}
    assert run(["migrate-photos"], environ) == 0
    printed = capsys.readouterr().out
    assert printed.strip().endswith("failed 0")
    assert SECRET_KEY not in printed
    for body in bodies:
        assert bucket.read(key_of(body)) == body
    assert run(["migrate-photos"], environ) == 0  # a second run finds everything there
    assert "copied 0, already there 3, replaced 0, failed 0" in capsys.readouterr().out


@pytest.mark.parametrize("store_settings", ["s3"], indirect=True)
def test_migrate_photos_refuses_a_disk_file_that_does_not_match_its_hash(
        settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    local = settings.model_copy(update={"photo_store": "local"})
    tokens = populate(local)
    body = jpeg_bytes((320, 200))
    with TestClient(create_app(local)) as client:
        assert put(Server(local, client, tokens), body).status_code == 201
    (local.photo_dir / key_of(body)).write_bytes(jpeg_bytes((320, 200)))  # bit rot on the node
    engine = make_engine(settings)
    try:
        with make_session_factory(engine)() as session:
            report = migrate_photos(session, LocalBlobStore(local.photo_dir), open_photo_store(settings))
    finally:
        engine.dispose()
    assert [key for key, _why in report.failed] == [key_of(body)]
    assert stored_keys(settings) == []
