"""Two server nodes behind HAProxy on one PostgreSQL and one S3 bucket: a phone syncs 100 visits
with photos, one node is killed (SIGKILL) mid-sync and restarted, and the sync completes with
each revision stored once, each photo stored once, and the server's rows equal to the phone's."""

from __future__ import annotations

import os
import random
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from audit_app.device import Device
from audit_app.domain import group_rows, score_visit
from audit_app.store import VisitState
from audit_app.sync import Credentials, SyncProgress, SyncStatus, run_sync
from sync_server.accounts import create_user
from sync_server.db import make_session_factory
from sync_server.tables import Photo, VisitRevision
from tests.server.seed import add_north_and_south_sites
from tools.cluster import LocalCluster, start_cluster
from tools.pg_cluster import find_pg_bin
from tools.seaweed import BUCKET, SeaweedMissing

from .phone import make_visit
from .test_live_happy_path import _rows

pytestmark = [pytest.mark.postgres, pytest.mark.s3, pytest.mark.slow]
VISITS = 100


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    missing = [name for name, found in (("PostgreSQL", find_pg_bin()), ("HAProxy", shutil.which("haproxy")))
               if found is None]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{', '.join(missing)} not installed; CI must run the cluster test")
        pytest.skip(f"{', '.join(missing)} not installed")
    try:
        running = start_cluster(2)
    except SeaweedMissing as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    yield running
    running.stop()


def _seed_auditor(cluster: LocalCluster) -> str:
    engine = create_engine(cluster.database_url)
    try:
        with make_session_factory(engine)() as session:
            token = create_user(session, "failover-auditor", "auditor")
            add_north_and_south_sites(session, datetime.now(UTC))
            session.commit()
            return token
    finally:
        engine.dispose()


def test_a_node_killed_mid_sync_loses_and_doubles_nothing(cluster: LocalCluster, device: Device) -> None:
    token = _seed_auditor(cluster)
    rng = random.Random(16)
    for index in range(VISITS):
        site, staff = rng.choice([("site-n1", ["staff-1"]), ("site-s1", ["staff-3"])])
        make_visit(device, rng, site_id=site, staff_ids=staff, photos=1 + index % 2)
    node = cluster.nodes[0]
    a_fifth_done = threading.Event()

    def watch(progress: SyncProgress) -> None:
        if progress.visits_done >= VISITS // 5:
            a_fifth_done.set()

    results = []
    syncing = threading.Thread(target=lambda: results.append(
        run_sync(device, Credentials(cluster.url, token), now=lambda: datetime.now(UTC),
                 on_progress=watch)))
    syncing.start()
    assert a_fifth_done.wait(300), "the sync never got a fifth of the way"
    node.kill()  # SIGKILL: no clean shutdown, requests in flight are cut
    node.start()
    node.wait_ready()
    syncing.join(600)
    assert not syncing.is_alive()

    (report,) = results
    assert report.status is SyncStatus.OK, report
    assert (report.synced, report.pending, report.rejected, report.conflict) == (VISITS, 0, 0, 0)
    with device.lock:
        synced = device.store.visits.list_visits(VisitState.SYNCED)
    assert len(synced) == VISITS
    cited = {photo.sha256 for record in synced for photo in record.visit.photos}

    engine = create_engine(cluster.database_url)
    try:
        with make_session_factory(engine)() as session:
            revisions = session.execute(select(VisitRevision.visit_id, func.count())
                                        .group_by(VisitRevision.visit_id)).all()
            assert sorted(count for _, count in revisions) == [1] * VISITS
            assert set(session.scalars(select(Photo.sha256))) == cited
    finally:
        engine.dispose()
    objects = cluster.s3.client().list_objects_v2(Bucket=BUCKET).get("Contents", [])
    photo_keys = [item["Key"] for item in objects if not item["Key"].endswith(".thumb.jpg")]
    assert sorted(key.split("/")[1].split(".")[0] for key in photo_keys) == sorted(cited)

    scores = []
    for record in synced:
        with device.lock:
            checklist = device.store.checklists.get_checklist(record.visit.checklist_id,
                                                              record.visit.checklist_version)
        scores.append(score_visit(record.visit, checklist))
    with httpx.Client(base_url=cluster.url + "/api/v1", timeout=30,
                      headers={"Authorization": f"Bearer {cluster.admin_token}"}) as admin:
        for group_by in ("site", "staff"):
            answer = admin.get("/reports/compliance", params={"group_by": group_by,
                                                              "auditor_id": "failover-auditor"})
            assert answer.status_code == 200, answer.text
            server_rows = _rows(answer.json()["rows"])
            phone_rows = _rows([row.model_dump() for row in group_rows(scores, group_by)])
            assert server_rows.keys() == phone_rows.keys()
            for key, row in phone_rows.items():
                assert server_rows[key] == pytest.approx(row), (group_by, key)
