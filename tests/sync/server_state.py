"""What the live server really holds, read from its database and its photo folder (not its API),
and what the phone holds, so the fault tests can compare the two."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from audit_app.device import Device
from audit_app.domain import Visit
from audit_app.store import VisitState
from sync_server.db import make_engine
from sync_server.tables import Photo, VisitHead, VisitRevision

from .conftest import LiveServer


def stored_revisions(server: LiveServer, auditor: str) -> dict[str, dict[int, str]]:
    """visit id → {revision → content hash} of every revision stored for `auditor`'s visits."""
    engine = make_engine(server.settings)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(VisitRevision.visit_id, VisitRevision.revision, VisitRevision.content_hash)
                .where(VisitRevision.auditor_id == auditor)).all()
    finally:
        engine.dispose()
    stored: dict[str, dict[int, str]] = defaultdict(dict)
    for visit_id, revision, content_hash in rows:
        stored[visit_id][revision] = content_hash
    return dict(stored)


def latest_revisions(server: LiveServer, auditor: str) -> dict[str, int]:
    """visit id → the latest revision the server has for `auditor`'s visits."""
    engine = make_engine(server.settings)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(VisitHead.id, VisitHead.latest_revision)
                                      .where(VisitHead.auditor_id == auditor)).all()
    finally:
        engine.dispose()
    return {visit_id: revision for visit_id, revision in rows}


def photo_rows(server: LiveServer, hashes: Iterable[str]) -> dict[str, str]:
    """sha256 → the file name the server recorded, for those of `hashes` it has."""
    wanted = set(hashes)
    engine = make_engine(server.settings)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(Photo.sha256, Photo.file_name)
                                      .where(Photo.sha256.in_(wanted))).all()
    finally:
        engine.dispose()
    return {sha256: file_name for sha256, file_name in rows}


def photo_files(server: LiveServer, sha256: str) -> list[Path]:
    """Every file in the server's photo folder named for `sha256` (any extension)."""
    return sorted(server.settings.photo_dir.rglob(f"{sha256}.*"))


def partial_uploads(server: LiveServer) -> list[Path]:
    """Temp files of photo writes left behind in the server's photo folder."""
    return sorted(server.settings.photo_dir.rglob(".upload-*"))


@dataclass
class PhoneState:
    """The phone's committed revisions, split by state, and the photos they cite."""

    by_state: dict[VisitState, list[Visit]] = field(default_factory=dict)
    drafts: int = 0
    queued: int = 0

    def visits(self, *states: VisitState) -> list[Visit]:
        return [visit for state in states for visit in self.by_state.get(state, [])]

    def photo_hashes(self) -> set[str]:
        return {photo.sha256 for visits in self.by_state.values() for visit in visits
                for photo in visit.photos}


def phone_state(device: Device) -> PhoneState:
    """Every visit's committed (latest finalised) revision, by state; open drafts only counted."""
    state = PhoneState()
    with device.lock:
        records = device.store.hot.all_records()
        state.queued = len(device.store.outbox.pending_uploads())
    committed: dict[str, object] = {}
    for record in sorted(records, key=lambda r: r.revision):
        if record.state is VisitState.DRAFT:
            state.drafts += 1
        else:
            committed[record.visit_id] = record
    for record in committed.values():
        state.by_state.setdefault(record.state, []).append(record.visit)  # type: ignore[attr-defined]
    return state


class BackoffRecorder:
    """The `sleep` handed to `run_sync`: remembers each backoff it was asked for, waits for none."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)

