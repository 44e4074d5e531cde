"""The same visit uploaded 32 times at once through a real uvicorn server: one 201, 31 × 200,
one stored visit (SQLite and PostgreSQL)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select

from sync_server.app import create_app
from sync_server.db import make_engine, make_session_factory
from sync_server.tables import ObservationRow, VisitHead, VisitRevision

from .conftest import Server
from .visit_data import visit_body

UPLOADS = 32


@pytest.fixture
def base_url(server: Server) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(server.settings), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="on")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)


def _count(server: Server, model, visit_id: str) -> int:  # type: ignore[no-untyped-def]
    engine = make_engine(server.settings)
    try:
        with make_session_factory(engine)() as session:
            column = model.id if model is VisitHead else model.visit_id
            return int(session.scalar(select(func.count()).select_from(model).where(column == visit_id)) or 0)
    finally:
        engine.dispose()


def _upload_all_at_once(base_url: str, token: str, body: dict) -> list[int]:
    barrier = threading.Barrier(UPLOADS)

    def upload(_: int) -> int:
        with httpx.Client(base_url=base_url, timeout=60) as client:
            barrier.wait()
            return client.put(f"/api/v1/visits/{body['id']}", json=body,
                              headers={"Authorization": f"Bearer {token}"}).status_code

    with ThreadPoolExecutor(UPLOADS) as pool:
        return list(pool.map(upload, range(UPLOADS)))


def test_32_concurrent_uploads_store_one_visit(server: Server, base_url: str) -> None:
    body = visit_body()
    statuses = _upload_all_at_once(base_url, server.tokens["auditor_a"], body)
    assert sorted(statuses) == [200] * (UPLOADS - 1) + [201]
    assert _count(server, VisitHead, body["id"]) == 1
    assert _count(server, VisitRevision, body["id"]) == 1
    assert _count(server, ObservationRow, body["id"]) == 4


def test_32_concurrent_new_revisions_store_exactly_one(server: Server, base_url: str) -> None:
    first = visit_body()
    with httpx.Client(base_url=base_url) as client:
        headers = {"Authorization": f"Bearer {server.tokens['auditor_a']}"}
        assert client.put(f"/api/v1/visits/{first['id']}", json=first, headers=headers).status_code == 201
    statuses = _upload_all_at_once(base_url, server.tokens["auditor_a"],
                                   visit_body(first["id"], revision=2, friendliness=1))
    assert sorted(statuses) == [200] * (UPLOADS - 1) + [201]
    assert _count(server, VisitRevision, first["id"]) == 2
    engine = make_engine(server.settings)
    with make_session_factory(engine)() as session:
        latest = session.scalars(select(ObservationRow.revision).where(
            ObservationRow.visit_id == first["id"], ObservationRow.is_latest.is_(True))).all()
    engine.dispose()
    assert latest == [2, 2, 2, 2]
