"""Visit operations on the phone: every answer is durable when the call returns.

Revisions. For each visit id the hot file holds at most two records:
- the *committed* record: the latest finalised revision (state finalised, synced, conflict or
  rejected);
- the *open draft*: revision 1 before the first finalise, or committed revision + 1 after
  `edit_visit`. Answers can only change an open draft.
Editing a finalised, synced, conflicting or rejected visit copies it into a new draft of revision n + 1;
revision n stays stored, and stays in the outbox if it was still queued, until the new draft is
finalised. Finalising revision n + 1 then, in one commit, removes revision n, stores n + 1 as
finalised and replaces the outbox entry (the server takes a higher revision whether or not it
saw n). Discarding that draft leaves revision n exactly as it was. A committed visit already in
the archive is edited the same way; its archived copy stays until a newer revision is archived.
`finished_at` keeps the time the visit first ended: an edit corrects answers, not the visit.

The checklist version is fixed when the visit starts; every check uses exactly that version.
Time is always passed in (`now`, an aware datetime): the store never reads the clock."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import ValidationError

from audit_app.domain import Item, Kind, Observation, PhotoRef, Timing, Visit, value_problem, visit_problems
from audit_app.domain.visit import CheckIn, CheckInMissing

from .archive import Archive
from .checklist_cache import ChecklistCache
from .errors import FinaliseRefused, InvalidAnswer, VisitNotFound, WrongState
from .hot_file import HotFile
from .outbox import Outbox
from .records import StoredVisit, VisitState, VisitSummary


class VisitRepository:
    """Start, answer, finalise, edit and list visits (see the module docstring)."""

    def __init__(self, hot: HotFile, outbox: Outbox, archive: Archive, checklists: ChecklistCache):
        self._hot = hot
        self._outbox = outbox
        self._archive = archive
        self._checklists = checklists

    # -- drafts --------------------------------------------------------------------------------

    def start_visit(self, *, checklist_id: str, checklist_version: int, site_id: str,
                    staff_ids: list[str], peak: bool, now: datetime,
                    visit_id: str | None = None) -> Visit:
        """A new draft (revision 1) with a uuid4 made here, once."""
        self._checklists.get_checklist(checklist_id, checklist_version)  # must be on the phone
        try:
            visit = Visit(id=visit_id or str(uuid.uuid4()), checklist_id=checklist_id,
                          checklist_version=checklist_version, site_id=site_id,
                          staff_ids=staff_ids, context={"peak": peak}, started_at=now)
        except ValidationError as exc:
            raise InvalidAnswer("visit", _validation_errors(exc)) from exc
        if self._hot.records(visit.id):
            raise WrongState(visit.id, "start it again", "重复开始", "already started")
        with self._hot.commit():
            self._hot.put_record(StoredVisit(visit=visit, state=VisitState.DRAFT, updated_at=now))
        return visit

    def record_check_in(self, visit_id: str, *, check_in: CheckIn | None,
                        missing: CheckInMissing | None, now: datetime) -> Visit:
        """Where the phone was at the start (docs/integrity.md), or why it could not tell."""
        draft = self._draft(visit_id)
        context = draft.visit.context.model_copy(update={
            "check_in": check_in, "check_in_missing": None if check_in else missing})
        return self._save(draft, draft.visit.model_copy(update={"context": context}), now)

    def record_observation(self, visit_id: str, item_key: str, *, value: object = None,
                           na: bool = False, staff_id: str | None = None, note: str | None = None,
                           now: datetime) -> Visit:
        """Record or replace the answer for one item; its photos and timing are kept."""
        draft = self._draft(visit_id)
        item = self._item(draft.visit, item_key)
        if not na and value is not None:
            problem = value_problem(item, value)
            if problem is not None:
                raise InvalidAnswer(item_key, problem.message, problem.message_zh)
        existing = draft.visit.observation_for(item_key)
        observation = _observation(item_key, value=value, na=na, staff_id=staff_id, note=note,
                                   photos=existing.photos if existing else [],
                                   timing=existing.timing if existing else None, recorded_at=now)
        return self._save(draft, _with_observation(draft.visit, observation), now)

    def record_timing(self, visit_id: str, item_key: str, *, timing: Timing,
                      anchor: datetime | None, value: float | None, now: datetime) -> Visit:
        """Save a stopwatch's marks, its wall-clock anchor (None once stopped) and its value."""
        draft = self._draft(visit_id)
        item = self._item(draft.visit, item_key)
        if item.kind is not Kind.TIMED:
            raise InvalidAnswer(item_key, "only a timed item has a stopwatch", "只有计时项可以使用秒表")
        existing = draft.visit.observation_for(item_key)
        observation = _observation(item_key, value=value, na=False,
                                   staff_id=existing.staff_id if existing else None,
                                   note=existing.note if existing else None,
                                   photos=existing.photos if existing else [],
                                   timing=timing, recorded_at=now)
        anchors = dict(draft.timer_anchors)
        if anchor is None:
            anchors.pop(item_key, None)
        else:
            anchors[item_key] = anchor
        return self._save(draft, _with_observation(draft.visit, observation), now, timer_anchors=anchors)

    def timing_state(self, visit_id: str, item_key: str) -> tuple[Timing | None, datetime | None]:
        """The saved marks of an item's stopwatch and its wall-clock anchor (for a restart)."""
        record = self.get(visit_id)
        observation = record.visit.observation_for(item_key)
        return (observation.timing if observation else None), record.timer_anchors.get(item_key)

    def attach_photo(self, visit_id: str, photo: PhotoRef, *, item_key: str | None,
                     now: datetime) -> Visit:
        """List `photo` in the visit and, with `item_key`, as evidence for that item."""
        draft = self._draft(visit_id)
        visit = draft.visit
        photos = visit.photos if any(p.sha256 == photo.sha256 for p in visit.photos) else [*visit.photos, photo]
        visit = visit.model_copy(update={"photos": photos})
        if item_key is not None:
            self._item(visit, item_key)
            existing = visit.observation_for(item_key)
            if existing is None:
                existing = _observation(item_key, value=None, na=False, staff_id=None, note=None,
                                        photos=[], timing=None, recorded_at=now)
            if photo.sha256 not in existing.photos:
                existing = existing.model_copy(update={"photos": [*existing.photos, photo.sha256]})
            visit = _with_observation(visit, existing)
        return self._save(draft, visit, now)

    def detach_photo(self, visit_id: str, sha256: str, *, now: datetime) -> Visit:
        """Remove a photo from the visit and from every observation citing it."""
        draft = self._draft(visit_id)
        observations = [o if sha256 not in o.photos else
                        o.model_copy(update={"photos": [h for h in o.photos if h != sha256]})
                        for o in draft.visit.observations]
        visit = draft.visit.model_copy(update={
            "observations": observations, "photos": [p for p in draft.visit.photos if p.sha256 != sha256]})
        return self._save(draft, visit, now)

    def discard_draft(self, visit_id: str) -> None:
        """Delete the open draft; an earlier committed revision stays as it was."""
        draft = self._draft(visit_id)
        with self._hot.commit():
            self._hot.delete_record(visit_id, draft.revision)

    # -- finalise and edit -------------------------------------------------------------------

    def finalise(self, visit_id: str, now: datetime) -> Visit:
        """Check the draft against its checklist and queue it, or raise `FinaliseRefused`
        listing every problem (nothing is written then)."""
        draft = self._draft(visit_id)
        visit = draft.visit
        if visit.finished_at is None:  # a device clock behind started_at must not block the shopper
            visit = visit.model_copy(update={"finished_at": max(now, visit.started_at)})
        checklist = self._checklists.get_checklist(visit.checklist_id, visit.checklist_version)
        problems = visit_problems(visit, checklist)
        if problems:
            raise FinaliseRefused(visit_id, problems)
        finalised = StoredVisit(visit=visit, state=VisitState.FINALISED, updated_at=now, finalised_at=now)
        with self._hot.commit():
            for older in self._hot.records(visit_id):
                if older.revision < draft.revision:
                    self._hot.delete_record(visit_id, older.revision)
            self._hot.put_record(finalised)
            self._outbox.enqueue(finalised, now)
        return visit

    def edit_visit(self, visit_id: str, now: datetime) -> Visit:
        """The open draft of the next revision (made now from the committed one if needed)."""
        records = self._hot.records(visit_id)
        if records and records[-1].state is VisitState.DRAFT:
            return records[-1].visit
        committed = records[-1] if records else self._archive.get(visit_id)
        if committed is None:
            raise VisitNotFound(visit_id)
        visit = committed.visit.model_copy(update={"revision": committed.revision + 1})
        with self._hot.commit():
            self._hot.put_record(StoredVisit(visit=visit, state=VisitState.DRAFT, updated_at=now))
        return visit

    # -- reading ---------------------------------------------------------------------------------

    def get(self, visit_id: str) -> StoredVisit:
        """The current record: the open draft, else the committed revision (hot, then archive)."""
        records = self._hot.records(visit_id)
        if records:
            return records[-1]
        archived = self._archive.get(visit_id)
        if archived is None:
            raise VisitNotFound(visit_id)
        return archived

    def revisions(self, visit_id: str) -> list[StoredVisit]:
        """Every revision of the visit in the hot file, lowest first."""
        return self._hot.records(visit_id)

    def list_visits(self, state: VisitState, *, include_archived: bool = False) -> list[StoredVisit]:
        """Records in `state`, newest start first (archived ones only when asked: it reads the archive)."""
        found = [r for r in self._hot.all_records() if r.state is state]
        if include_archived and state is VisitState.SYNCED:
            hot_ids = {r.visit_id for r in found}
            found += [r for r in self._archive.records() if r.visit_id not in hot_ids]
        return sorted(found, key=lambda r: r.visit.started_at, reverse=True)

    def summaries(self) -> list[VisitSummary]:
        """One summary per visit in the hot file (its highest revision), newest start first.

        One pass over the stored documents, without validating every visit: what a home
        screen needs (counts by state, the pending badge, the list) in a single call."""
        current: dict[str, dict] = {}
        for doc in self._hot.all_docs():
            kept = current.get(doc["visit_id"])
            if kept is None or doc["revision"] > kept["revision"]:
                current[doc["visit_id"]] = doc
        queued = self._hot.outbox_ids()
        summaries = [_summary(doc, doc["visit_id"] in queued) for doc in current.values()]
        return sorted(summaries, key=lambda s: s.started_at, reverse=True)

    def referenced_photos(self) -> set[str]:
        """Every photo hash a stored visit (hot or archived) refers to: the rest may be deleted."""
        records = self._hot.all_records() + self._archive.records()
        return {photo.sha256 for record in records for photo in record.visit.photos}

    # -- helpers -----------------------------------------------------------------------------------

    def _draft(self, visit_id: str) -> StoredVisit:
        records = self._hot.records(visit_id)
        if records and records[-1].state is VisitState.DRAFT:
            return records[-1]
        if records:
            raise WrongState(visit_id, "change it (edit it first)", "修改(请先编辑)", records[-1].state.value)
        if self._archive.get(visit_id) is not None:
            raise WrongState(visit_id, "change it (edit it first)", "修改(请先编辑)", VisitState.SYNCED.value)
        raise VisitNotFound(visit_id)

    def _item(self, visit: Visit, item_key: str) -> Item:
        checklist = self._checklists.get_checklist(visit.checklist_id, visit.checklist_version)
        item = checklist.item_map.get(item_key)
        if item is None:
            raise InvalidAnswer(item_key, f"not an item of {checklist.id} v{checklist.version}",
                                f"不是 {checklist.id} 第 {checklist.version} 版中的项目")
        return item

    def _save(self, draft: StoredVisit, visit: Visit, now: datetime, **changes: object) -> Visit:
        with self._hot.commit():
            self._hot.put_record(draft.model_copy(update={"visit": visit, "updated_at": now, **changes}))
        return visit


def _summary(doc: dict, queued: bool) -> VisitSummary:
    visit = doc["visit"]
    answered = sum(1 for o in visit.get("observations", [])
                   if o.get("na") or o.get("value") is not None or o.get("photos"))
    return VisitSummary(
        visit_id=doc["visit_id"], revision=doc["revision"], state=doc["state"],
        checklist_id=visit["checklist_id"], checklist_version=visit["checklist_version"],
        site_id=visit["site_id"], started_at=visit["started_at"], updated_at=doc["updated_at"],
        answered=answered, queued=queued, conflict_reason=doc.get("conflict_reason"))


def _observation(item_key: str, **fields: object) -> Observation:
    try:
        return Observation(item_key=item_key, **fields)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise InvalidAnswer(item_key, _validation_errors(exc)) from exc


def _with_observation(visit: Visit, observation: Observation) -> Visit:
    """`visit` with `observation` replacing the one for the same item (or added at the end)."""
    observations = list(visit.observations)
    for index, existing in enumerate(observations):
        if existing.item_key == observation.item_key:
            observations[index] = observation
            break
    else:
        observations.append(observation)
    return visit.model_copy(update={"observations": observations})


def _validation_errors(exc: ValidationError) -> str:
    """Every validation error of `exc` on one line, each with where it is."""
    parts = []
    for error in exc.errors():
        location = ".".join(str(part) for part in error["loc"])
        parts.append(f"{location}: {error['msg']}" if location else error["msg"])
    return "; ".join(parts)
