"""Storing visit revisions idempotently, and reading them back.

One request's revisions (one for PUT, up to 50 for a batch) are written in one transaction,
each in a savepoint of its own: a revision refused (409) or failing rolls back to its savepoint
and leaves nothing of it, and the others commit together. Everything that needs no database
(scores, rows, the flags that need only the visit) is computed before the transaction opens
(`prepare_revision`), so it is held for the writes alone.

Concurrency: a revision's first statement in its savepoint claims the visit's head row (INSERT
for a new visit, `UPDATE … WHERE latest_revision < n` for a new revision). Two uploads of the
same visit therefore serialise on that row on SQLite and on PostgreSQL alike; the loser sees an
IntegrityError or zero updated rows, re-reads, and answers as a replay (200) or a conflict
(409). On SQLite the transaction opens with BEGIN IMMEDIATE (`db.begin_writing`): the write lock
is taken before anything is read, so no transaction ever has to upgrade a read snapshot; on
PostgreSQL (read committed) each statement sees what committed before it, so the loser's re-read
in the same transaction sees the winner. UNIQUE(visit_id, revision) is the final guard."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from audit_app.domain import (
    Checklist, Outcome, Visit, VisitScore, canonical_hash, canonical_json, score_visit,
)

from .action_store import recheck_after_visit, recount_actions_decided_by, sites_with_open_actions
from .db import begin_writing
from .errors import REVISION_CONFLICT, STALE_REVISION, VISIT_ID_TAKEN, ApiError
from .integrity import SitePoint, needs_lookups, own_flag_rows, text_rows
from .tables import (
    ObservationRow, Photo, StaffVisitTotals, VisitFlag, VisitHead, VisitPhoto, VisitReview,
    VisitRevision, VisitText,
)

MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class StoredRevision:
    status: Literal["created", "replayed"]
    revision: int
    received_at: dt.datetime


@dataclass(frozen=True)
class PreparedRevision:
    """A checked revision with everything computed that needs no database."""

    visit: Visit
    checklist: Checklist
    auditor_id: str
    received_at: dt.datetime
    digest: str
    revision_row: dict[str, object]
    observation_rows: list[dict[str, object]]
    staff_rows: list[dict[str, object]]  # staff_visit_totals
    text_rows: list[dict[str, object]]
    own_flags: list[dict[str, object]] | None  # None: integrity signals are off
    cross_flags: bool  # other visits may share a flag with it (integrity.store_cross_flags)


class _LostRace(Exception):
    """Another upload of the same visit got there first; re-read and decide again."""


def missing_photos(session: Session, hashes: list[str]) -> list[str]:
    """The hashes among `hashes` the server has no photo for, sorted, without duplicates."""
    wanted = sorted(set(hashes))
    if not wanted:
        return []
    have = set(session.scalars(select(Photo.sha256).where(Photo.sha256.in_(wanted))))
    return [sha for sha in wanted if sha not in have]


def _existing(session: Session, prepared: PreparedRevision) -> StoredRevision | None:
    """The answer if this upload needs no write (a replay), raising 409 for conflicts. Plain
    column reads, never the session's identity map: a re-read after a lost race must see the
    database, not what this session loaded before."""
    visit = prepared.visit
    head = session.execute(select(VisitHead.auditor_id, VisitHead.latest_revision)
                           .where(VisitHead.id == visit.id)).first()
    if head is None:
        return None
    if head.auditor_id != prepared.auditor_id:
        raise ApiError(409, VISIT_ID_TAKEN, "this visit id belongs to another auditor's visit")
    stored = session.execute(select(VisitRevision.content_hash, VisitRevision.received_at)
                             .where(VisitRevision.visit_id == visit.id,
                                    VisitRevision.revision == visit.revision)).first()
    if stored is not None:
        if stored.content_hash == prepared.digest:
            return StoredRevision("replayed", visit.revision, stored.received_at)
        raise ApiError(409, REVISION_CONFLICT,
                       f"revision {visit.revision} is already stored with different content; "
                       "upload changes as a higher revision")
    if head.latest_revision > visit.revision:
        raise ApiError(409, STALE_REVISION,
                       f"revision {visit.revision} is older than the stored revision "
                       f"{head.latest_revision}")
    return None


def revision_rows(visit: Visit, score: VisitScore, digest: str, auditor_id: str,
                  now: dt.datetime, body: str | None = None) -> tuple[dict[str, object], list[dict[str, object]]]:
    """The `visit_revisions` row and the `observations` rows of one revision (`body`: its
    canonical JSON, if already made)."""
    started_utc = visit.started_at.astimezone(dt.UTC)
    local_date = visit.started_at.date()  # the date in the visit's own UTC offset
    revision = {
        "visit_id": visit.id, "revision": visit.revision, "auditor_id": auditor_id,
        "site_id": visit.site_id, "checklist_id": visit.checklist_id,
        "checklist_version": visit.checklist_version, "started_at": started_utc,
        "started_local_date": local_date, "content_hash": digest,
        "body": body if body is not None else canonical_json(visit),
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


def staff_total_rows(revision: dict[str, object],
                     observations: Sequence[dict[str, object]]) -> list[dict[str, object]]:
    """The `staff_visit_totals` rows of one revision: per staff member with an observation
    attributed to them (N/A ones too), the sums a report reads, in staff order."""
    sums: dict[str, list[float]] = {}  # staff → [applicable, passed, applicable count, critical]
    for row in observations:
        if row["staff_id"] is None:
            continue  # counts for nobody (CONTRACT §3)
        total = sums.setdefault(str(row["staff_id"]), [0.0, 0.0, 0, 0])
        weight = float(row["weight"])  # type: ignore[arg-type]
        if row["outcome"] != Outcome.NA.value:
            total[0] += weight
            total[2] += 1
        if row["outcome"] == Outcome.PASS.value:
            total[1] += weight
        if row["outcome"] == Outcome.FAIL.value and row["critical"]:
            total[3] += 1
    return [{"visit_id": revision["visit_id"], "revision": revision["revision"],
             "staff_id": staff_id, "site_id": revision["site_id"],
             "checklist_id": revision["checklist_id"], "auditor_id": revision["auditor_id"],
             "started_local_date": revision["started_local_date"], "applicable": applicable,
             "passed": passed, "applicable_observations": int(count),
             "critical_failures": int(critical), "visit_score": revision["visit_score"],
             "is_latest": True}
            for staff_id, (applicable, passed, count, critical) in sorted(sums.items())]


def prepare_revision(visit: Visit, checklist: Checklist, auditor_id: str, now: dt.datetime,
                     site: SitePoint, *, signals: bool = True) -> PreparedRevision:
    """`visit` (already checked) ready to store for `auditor_id`, received `now`; `site` is where
    its site is (the check-in flags); `signals` off: no integrity flags."""
    body = canonical_json(visit)
    digest = canonical_hash(body)
    revision, observations = revision_rows(visit, score_visit(visit, checklist), digest,
                                           auditor_id, now, body)
    return PreparedRevision(
        visit=visit, checklist=checklist, auditor_id=auditor_id, received_at=now, digest=digest,
        revision_row=revision, observation_rows=observations,
        staff_rows=staff_total_rows(revision, observations), text_rows=text_rows(visit, checklist),
        own_flags=own_flag_rows(visit, checklist, now, site) if signals else None,
        cross_flags=signals and needs_lookups(visit, checklist))


def _insert_rows(session: Session, revisions: Sequence[PreparedRevision]) -> None:
    """The rows of `revisions` (not their head rows), one executemany per table.

    Core inserts on the tables: the ORM's unit of work adds nothing for rows never read back,
    and this is the hot path of every upload."""
    connection = session.connection()
    connection.execute(insert(VisitRevision.__table__), [p.revision_row for p in revisions])
    for table, rows in (
            (ObservationRow.__table__, [row for p in revisions for row in p.observation_rows]),
            (StaffVisitTotals.__table__, [row for p in revisions for row in p.staff_rows]),
            (VisitPhoto.__table__, [{"visit_id": p.visit.id, "revision": p.visit.revision, "sha256": sha}
                                    for p in revisions
                                    for sha in sorted({photo.sha256 for photo in p.visit.photos})]),
            # the copied_text index, written with the revision (integrity.py, Timing)
            (VisitText.__table__, [row for p in revisions for row in p.text_rows]),
            (VisitFlag.__table__, [row for p in revisions for row in p.own_flags or []])):
        if rows:
            connection.execute(insert(table), rows)


def _write_new_visits(session: Session, revisions: Sequence[PreparedRevision]) -> None:
    """Visit ids the server has never seen: head rows first (IntegrityError if one exists)."""
    session.connection().execute(insert(VisitHead.__table__), [
        {"id": p.visit.id, "auditor_id": p.auditor_id, "latest_revision": p.visit.revision,
         "created_at": p.received_at} for p in revisions])
    _insert_rows(session, revisions)


def _write_revision(session: Session, prepared: PreparedRevision) -> None:
    """A higher revision of a stored visit: claim the head row, then retire the old rows.

    A reviewed visit goes back to `received`: the review was about other content."""
    visit, now = prepared.visit, prepared.received_at
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
    session.execute(update(StaffVisitTotals).where(StaffVisitTotals.visit_id == visit.id)
                    .values(is_latest=False))
    if prepared.own_flags is not None and not prepared.cross_flags:
        # What other visits said about its earlier revisions goes (store_cross_flags does this
        # for a revision it looks up, with what replaces it).
        session.execute(delete(VisitFlag).where(VisitFlag.other_visit_id == visit.id))
    _insert_rows(session, [prepared])


def _recheck(session: Session, prepared: PreparedRevision) -> None:
    """In the revision's savepoint: the site's corrective actions re-checked by it."""
    visit = prepared.visit
    outcomes = {str(row["item_key"]): str(row["outcome"]) for row in prepared.observation_rows}
    recheck_after_visit(session, visit.id, visit.site_id, visit.started_at,
                        visit.finished_at or visit.started_at, outcomes, prepared.received_at)


def _store_one(session: Session, prepared: PreparedRevision, recheck: bool,
               head_stored: bool) -> StoredRevision | ApiError:
    """One revision in savepoints of its own: created, replayed or refused. `head_stored`: the
    visit's head row was there when the transaction began (heads are never removed)."""
    created = StoredRevision("created", prepared.visit.revision, prepared.received_at)
    if not head_stored:  # a visit's first revision: try that before reading anything
        try:
            with session.begin_nested():
                _write_new_visits(session, [prepared])
                if recheck:
                    _recheck(session, prepared)
            return created
        except IntegrityError:
            pass  # the head row exists now: a replay, a conflict or a new revision
    for _attempt in range(MAX_ATTEMPTS):
        try:
            existing = _existing(session, prepared)
        except ApiError as refused:
            return refused
        if existing is not None:
            return existing
        try:
            with session.begin_nested():
                _write_revision(session, prepared)
                if recheck:
                    _recheck(session, prepared)
        except (IntegrityError, _LostRace):
            continue
        return created
    return ApiError(409, REVISION_CONFLICT, "the visit kept changing while it was stored; retry")


def _stored_heads(session: Session, prepared: Sequence[PreparedRevision]) -> set[str]:
    ids = sorted({p.visit.id for p in prepared})
    return set(session.scalars(select(VisitHead.id).where(VisitHead.id.in_(ids))))


def _plain_first_revisions(prepared: Sequence[PreparedRevision], stored: set[str],
                           acted: set[str]) -> list[int]:
    """The revisions that can be written together: of visit ids without a head row (`stored`,
    read in the write transaction), each once in the batch, at sites with nothing to re-check."""
    times = Counter(p.visit.id for p in prepared)
    return [index for index, p in enumerate(prepared)
            if times[p.visit.id] == 1 and p.visit.id not in stored
            and p.visit.site_id not in acted]


def store_revisions(sessions: sessionmaker[Session],
                    prepared: Sequence[PreparedRevision]) -> list[StoredRevision | ApiError]:
    """Store `prepared` in one transaction: each revision created, replayed, or refused with
    its 409 (then nothing of it is written). An unexpected database error rolls back the whole
    transaction and is raised.

    The usual batch is all first revisions: those are written together, one INSERT per table in
    one savepoint. Should that fail (on PostgreSQL another upload of one of them may have
    committed since the read; or a row is refused), the savepoint is rolled back and each of
    them goes its own way, in a savepoint of its own, as the others do from the start. Writing
    them first changes no outcome: they share no row with the others, and re-checks only run on
    the one-by-one path."""
    if not prepared:
        return []
    with sessions() as session, session.begin():
        begin_writing(session)
        # A visit never adds an action, so sites without one to re-check keep having none.
        acted = sites_with_open_actions(session, [p.visit.site_id for p in prepared])
        stored = _stored_heads(session, prepared)
        together = _plain_first_revisions(prepared, stored, acted)
        outcomes: dict[int, StoredRevision | ApiError] = {}
        if together:
            try:
                with session.begin_nested():
                    _write_new_visits(session, [prepared[index] for index in together])
                outcomes = {index: StoredRevision("created", prepared[index].visit.revision,
                                                  prepared[index].received_at)
                            for index in together}
            except IntegrityError:
                pass
        return [outcomes[index] if index in outcomes
                else _store_one(session, p, p.visit.site_id in acted, p.visit.id in stored)
                for index, p in enumerate(prepared)]


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
