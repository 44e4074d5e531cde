import json
from datetime import timedelta

import pytest

from audit_app.store import VisitState, WrongState, open_store
from audit_app.store.paths import ARCHIVE_FILE, HOT_FILE

from .conftest import NOW, finalised_visit, reopen

DAY = timedelta(days=1)


def synced_visit(store, synced_at, started=NOW):
    visit_id = finalised_visit(store, started)
    assert store.outbox.record_ack(visit_id, 1, missing_photos=[], now=synced_at) is VisitState.SYNCED
    return visit_id


def _ids_in(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    return {doc["visit_id"] for doc in data.get("visits", {}).values()}


def test_old_synced_visits_round_trip_through_the_archive(store, data_dir, bundled_dir):
    old = synced_visit(store, NOW)
    recent = synced_visit(store, NOW + 10 * DAY)
    before = store.visits.get(old)
    moved = store.archive_synced(NOW + 15 * DAY)  # old is 15 days synced, recent 5
    assert moved == 1
    assert _ids_in(data_dir / HOT_FILE) == {recent}
    assert _ids_in(data_dir / ARCHIVE_FILE) == {old}
    again = reopen(data_dir, bundled_dir)
    assert again.visits.get(old) == before  # the same record, byte for byte in meaning
    synced = again.visits.list_visits(VisitState.SYNCED, include_archived=True)
    assert {r.visit_id for r in synced} == {old, recent}
    assert {r.visit_id for r in again.visits.list_visits(VisitState.SYNCED)} == {recent}


def test_unsynced_drafts_and_conflicts_are_never_archived(store):
    finalised_visit(store)  # finalised, unsynced
    conflict = finalised_visit(store)
    store.outbox.record_conflict(conflict, 1, "409", now=NOW)
    assert store.archive_synced(NOW + 400 * DAY) == 0
    assert store.archive.count() == 0


def test_the_hot_file_keeps_at_most_keep_recent_synced_visits(data_dir, bundled_dir):
    store = open_store(data_dir, bundled_dir=bundled_dir, keep_recent=3)
    ids = [synced_visit(store, NOW + timedelta(minutes=i)) for i in range(5)]
    assert store.archive_synced(NOW + DAY) == 2  # all within the window, but only 3 stay hot
    assert {r.visit_id for r in store.visits.list_visits(VisitState.SYNCED)} == set(ids[2:])
    assert {r.visit_id for r in store.archive.records()} == set(ids[:2])


def test_an_archived_visit_can_be_edited_into_a_new_revision(store):
    visit_id = synced_visit(store, NOW)
    store.archive_synced(NOW + 30 * DAY)
    with pytest.raises(WrongState):
        store.visits.record_observation(visit_id, "smile", value=False, now=NOW)
    draft = store.visits.edit_visit(visit_id, NOW + 30 * DAY)
    assert draft.revision == 2
    store.visits.record_observation(visit_id, "smile", value=False, now=NOW + 30 * DAY)
    store.visits.finalise(visit_id, NOW + 30 * DAY)
    [pending] = store.outbox.pending_uploads()
    assert (pending.visit.id, pending.visit.revision) == (visit_id, 2)
    store.outbox.record_ack(visit_id, 2, missing_photos=[], now=NOW + 31 * DAY)
    store.archive_synced(NOW + 60 * DAY)
    [archived] = store.archive.records()  # one record per visit: the newer revision replaced it
    assert archived.revision == 2 and archived.visit.observation_for("smile").value is False


def test_a_visit_with_an_open_draft_stays_hot(store):
    visit_id = synced_visit(store, NOW)
    store.visits.edit_visit(visit_id, NOW + DAY)
    assert store.archive_synced(NOW + 30 * DAY) == 0
    assert len(store.visits.revisions(visit_id)) == 2


def test_a_crash_between_archive_write_and_hot_delete_is_repaired_by_the_next_run(store):
    visit_id = synced_visit(store, NOW)
    record = store.visits.get(visit_id)
    store.archive.put_many([record])  # the first half of a run, then the "crash"
    assert store.visits.get(visit_id) == record  # readers prefer the hot copy
    assert store.archive_synced(NOW + 30 * DAY) == 1
    assert store.visits.revisions(visit_id) == []
    assert store.archive.records() == [record]
    assert store.visits.get(visit_id) == record
