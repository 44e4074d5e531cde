"""Storing visit revisions idempotently, and reading them back.

Concurrency: a revision is written in its own transaction whose first statement claims the
visit's head row (INSERT for a new visit, `UPDATE … WHERE latest_revision < n` for a new
revision); SQLite takes its write lock there, before anything was read, so no transaction ever
has to upgrade a read snapshot. Two uploads of the same visit therefore serialise on that row on SQLite and on
PostgreSQL alike; the loser sees an IntegrityError or zero updated rows, re-reads, and answers
as a replay (200) or a conflict (409). UNIQUE(visit_id, revision) is the final guard."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from audit_app.domain import Checklist, Outcome, Visit, VisitScore, canonical_json, content_hash, score_visit

from .action_store import recheck_after_visit, recount_actions_decided_by
from .errors import REVISION_CONFLICT, STALE_REVISION, VISIT_ID_TAKEN, ApiError
from .integrity import SitePoint, store_revision_flags, text_rows
from .tables import ObservationRow, Photo, VisitHead, VisitPhoto, VisitReview, VisitRevision, VisitText

MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class StoredRevision:
    status: Literal["created", "replayed"]
    revision: int
    received_at: dt.datetime


class _LostRace(Exception):
    """Another upload of the same visit got there first; re-read and decide again."""


def missing_photos(session: Session, hashes: list[str]) -> list[str]:
    """The hashes among `hashes` the server has no photo for, sorted, without duplicates."""
    wanted = sorted(set(hashes))
    if not wanted:
        return []
    have = set(session.scalars(select(Photo.sha256).where(Photo.sha256.in_(wanted))))
    return [sha for sha in wanted if sha not in have]


def _existing(session: Session, visit: Visit, digest: str, auditor_id: str) -> StoredRevision | None:
    """The answer if this upload needs no write (a replay), raising 409 for conflicts."""
    head = session.get(VisitHead, visit.id)
    if head is None:
        return None
    if head.auditor_id != auditor_id:
        raise ApiError(409, VISIT_ID_TAKEN, "this visit id belongs to another auditor's visit")
    stored = session.get(VisitRevision, (visit.id, visit.revision))
    if stored is not None:
        if stored.content_hash == digest:
            return StoredRevision("replayed", stored.revision, stored.received_at)
        raise ApiError(409, REVISION_CONFLICT,
                       f"revision {visit.revision} is already stored with different content; "
                       "upload changes as a higher revision")
    if head.latest_revision > visit.revision:
        raise ApiError(409, STALE_REVISION,
                       f"revision {visit.revision} is older than the stored revision "
                       f"{head.latest_revision}")
    return None


def revision_rows(visit: Visit, score: VisitScore, digest: str, auditor_id: str,
                     now: dt.datetime) -> tuple[dict[str, object], list[dict[str, object]]]:
    """The `visit_revisions` row and the `observations` rows of one revision."""
    started_utc = visit.started_at.astimezone(dt.UTC)
    local_date = visit.started_at.date()  # the date in the visit's own UTC offset
    revision = {
        "visit_id": visit.id, "revision": visit.revision, "auditor_id": auditor_id,
        "site_id": visit.site_id, "checklist_id": visit.checklist_id,
        "checklist_version": visit.checklist_version, "started_at": started_utc,
        "started_local_date": local_date, "content_hash": digest, "body": canonical_json(visit),
        "received_at": now, "applicable": score.applicable, "passed": score.passed,
        "score": score.score, "visit_score": score.visit_score, "knocked_out": score.knocked_out,
        "scored_observations": len(score.observations),
        "applicable_observations": sum(obs.outcome is not Outcome.NA for obs in score.observations),
        "critical_failures": sum(obs.critical and obs.outcome is Outcome.FAIL
                                 for obs in score.observations),
        "is_latest": True}
    observations = [
        {"visit_id": visit.id, "revision": visit.revision, "item_key": obs.item_key,
         "checklist_id": visit.checklist_id, "checklist_version": visit.checklist_version,
         "site_id": visit.site_id, "staff_id": obs.staff_id, "auditor_id": auditor_id,
         "dimension": obs.dimension, "weight": obs.weight, "critical": obs.critical,
         "outcome": obs.outcome.value, "visit_score": score.visit_score,
         "started_at": started_utc, "started_local_date": local_date, "is_latest": True}
        for obs in score.observations]
    return revision, observations


Rows = tuple[dict[str, object], list[dict[str, object]], list[dict[str, object]]]


def _insert_rows(session: Session, visit: Visit, revision: dict[str, object],
                 observations: list[dict[str, object]], texts: list[dict[str, object]]) -> None:
    # Core inserts on the tables: the ORM's unit of work adds nothing for rows never read back,
    # and this is the hot path of every upload.
    connection = session.connection()
    connection.execute(insert(VisitRevision.__table__), revision)
    if observations:
        connection.execute(insert(ObservationRow.__table__), observations)
    cited = sorted({photo.sha256 for photo in visit.photos})
    if cited:
        connection.execute(insert(VisitPhoto.__table__), [
            {"visit_id": visit.id, "revision": visit.revision, "sha256": sha} for sha in cited])
    if texts:  # the copied_text index, written with the revision (see integrity.py, Timing)
        connection.execute(insert(VisitText.__table__), texts)


def _write_new_visit(session: Session, visit: Visit, auditor_id: str, now: dt.datetime,
                     rows: Rows) -> None:
    """A visit id the server has never seen: its head row first (IntegrityError if it exists)."""
    session.connection().execute(insert(VisitHead.__table__), {
        "id": visit.id, "auditor_id": auditor_id, "latest_revision": visit.revision,
        "created_at": now})
    _insert_rows(session, visit, *rows)


def _write_revision(session: Session, visit: Visit, rows: Rows, now: dt.datetime) -> None:
    """A higher revision of a stored visit: claim the head row, then retire the old rows.

    A reviewed visit goes back to `received`: the review was about other content."""
    claimed = session.execute(
        update(VisitHead).where(VisitHead.id == visit.id,
                                VisitHead.latest_revision < visit.revision)
        .values(latest_revision=visit.revision))
    if claimed.rowcount == 0:  # type: ignore[attr-defined]
        raise _LostRace  # another upload moved the head (or removed nothing): decide again
    state = session.scalar(select(VisitHead.review_state).where(VisitHead.id == visit.id))
    if state != "received":  # the head row is ours (claimed above), so this read is stable
        session.execute(update(VisitHead).where(VisitHead.id == visit.id).values(
            review_state="received", review_reason=None, reviewed_by=None, reviewed_at=now))
        session.execute(insert(VisitReview.__table__), {
            "visit_id": visit.id, "revision": visit.revision, "state": "received",
            "reason": f"revision {visit.revision} replaced a {state} revision",
            "reviewer_id": None, "at": now})
        if state == "rejected":  # its earlier re-checks count again, as the visit does
            recount_actions_decided_by(session, visit.id)
    session.execute(update(VisitRevision).where(VisitRevision.visit_id == visit.id)
                    .values(is_latest=False))
    session.execute(update(ObservationRow).where(ObservationRow.visit_id == visit.id)
                    .values(is_latest=False))
    _insert_rows(session, visit, *rows)


def _recheck_actions(session: Session, visit: Visit, observations: list[dict[str, object]],
                     now: dt.datetime) -> None:
    """The site's corrective actions re-checked by this revision, in its own transaction."""
    outcomes = {str(row["item_key"]): str(row["outcome"]) for row in observations}
    recheck_after_visit(session, visit.id, visit.site_id, visit.started_at,
                        visit.finished_at or visit.started_at, outcomes, now)


def store_visit(sessions: sessionmaker[Session], visit: Visit, checklist: Checklist,
                auditor_id: str, now: dt.datetime, *, signals: bool = True,
                site: SitePoint | None = None) -> StoredRevision:
    """Store `visit` (already checked) for `auditor_id`: created, replayed, or ApiError 409.

    A stored revision then gets its integrity flags (`integrity.py`) unless `signals` is off;
    `site` (read by the caller's checks) saves reading it again."""
    stored = _store_revision(sessions, visit, checklist, auditor_id, now)
    if signals and stored.status == "created":
        store_revision_flags(sessions, visit, checklist, now, site)
    return stored


def _store_revision(sessions: sessionmaker[Session], visit: Visit, checklist: Checklist,
                    auditor_id: str, now: dt.datetime) -> StoredRevision:
    digest = content_hash(visit)
    rows = (*revision_rows(visit, score_visit(visit, checklist), digest, auditor_id, now),
            text_rows(visit, checklist))
    created = StoredRevision("created", visit.revision, now)
    # Most uploads are a visit's first: try that in one transaction before reading anything.
    try:
        with sessions.begin() as session:
            _write_new_visit(session, visit, auditor_id, now, rows)
            _recheck_actions(session, visit, rows[1], now)
        return created
    except IntegrityError:
        pass  # the head row exists: a replay, a conflict or a new revision
    for _attempt in range(MAX_ATTEMPTS):
        with sessions() as session:
            existing = _existing(session, visit, digest, auditor_id)
        if existing is not None:
            return existing
        try:
            with sessions.begin() as session:
                _write_revision(session, visit, rows, now)
                _recheck_actions(session, visit, rows[1], now)
        except (IntegrityError, _LostRace):
            continue
        return created
    raise ApiError(409, REVISION_CONFLICT, "the visit kept changing while it was stored; retry")


@dataclass(frozen=True)
class StoredVisit:
    head: VisitHead
    latest: VisitRevision
    observations: list[ObservationRow]


def load_visit(session: Session, visit_id: str) -> StoredVisit | None:
    """The visit's latest revision with its stored observation rows, or None."""
    head = session.get(VisitHead, visit_id)
    if head is None:
        return None
    latest = session.get(VisitRevision, (visit_id, head.latest_revision))
    if latest is None:  # cannot happen: head and revision are written in one transaction
        return None
    rows = list(session.scalars(select(ObservationRow).where(
        ObservationRow.visit_id == visit_id, ObservationRow.revision == latest.revision)
        .order_by(ObservationRow.id)))
    return StoredVisit(head, latest, rows)
