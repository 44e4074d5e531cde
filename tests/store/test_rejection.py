"""A revision the server refused (422/413): kept with the server's problems, out of the queue,
sent again only as a new revision after an edit. Late acks never touch a newer revision."""

from datetime import timedelta

from audit_app.store import VisitState

from .conftest import NOW, answer_required, finalised_visit, reopen

LATER = NOW + timedelta(hours=1)
PROBLEMS = [{"code": "unknown_site", "path": "site_id", "message": "site-001: no such site",
             "message_zh": "门店不存在:site-001"}]


def test_a_rejection_keeps_the_servers_problems_and_leaves_the_queue(store, data_dir, bundled_dir):
    visit_id = finalised_visit(store)
    assert store.outbox.record_rejection(visit_id, 1, PROBLEMS, now=LATER) is VisitState.REJECTED
    assert store.outbox.pending_uploads() == []
    assert store.outbox.queued_count() == 0
    again = reopen(data_dir, bundled_dir)
    [record] = again.visits.list_visits(VisitState.REJECTED)
    assert record.visit_id == visit_id and record.rejection == PROBLEMS
    assert record.updated_at == LATER
    assert again.visits.list_visits(VisitState.FINALISED) == []


def test_a_rejected_visit_is_edited_into_a_new_revision_and_queued_again(store):
    visit_id = finalised_visit(store)
    store.outbox.record_rejection(visit_id, 1, PROBLEMS, now=LATER)
    draft = store.visits.edit_visit(visit_id, LATER)
    assert draft.revision == 2
    assert store.visits.get(visit_id).state is VisitState.DRAFT
    assert store.visits.get(visit_id).rejection == []  # the new revision has not been refused
    store.visits.record_observation(visit_id, "smile", value=False, now=LATER)
    store.visits.finalise(visit_id, LATER)
    [pending] = store.outbox.pending_uploads()
    assert (pending.visit.id, pending.visit.revision) == (visit_id, 2)
    assert [r.revision for r in store.visits.revisions(visit_id)] == [2]
    assert store.visits.list_visits(VisitState.REJECTED) == []


def test_discarding_the_edit_of_a_rejected_visit_leaves_it_rejected(store):
    visit_id = finalised_visit(store)
    store.outbox.record_rejection(visit_id, 1, PROBLEMS, now=LATER)
    store.visits.edit_visit(visit_id, LATER)
    store.visits.discard_draft(visit_id)
    record = store.visits.get(visit_id)
    assert record.state is VisitState.REJECTED and record.rejection == PROBLEMS


def test_a_conflict_keeps_the_servers_code(store):
    visit_id = finalised_visit(store)
    store.outbox.record_conflict(visit_id, 1, "same revision, different content", now=LATER,
                                 code="revision_conflict", reason_zh="同一版本内容不同")
    record = store.visits.get(visit_id)
    assert record.state is VisitState.CONFLICT and record.conflict_code == "revision_conflict"
    assert record.conflict_reason_zh == "同一版本内容不同"


def test_a_rejection_for_a_revision_not_queued_changes_nothing(store):
    visit_id = finalised_visit(store)
    assert store.outbox.record_rejection(visit_id, 5, PROBLEMS, now=LATER) is None
    assert store.visits.get(visit_id).state is VisitState.FINALISED
    assert store.outbox.queued_count() == 1


def test_an_ack_for_the_older_revision_never_marks_the_open_draft_synced(store):
    visit_id = finalised_visit(store)
    store.visits.edit_visit(visit_id, LATER)  # the shopper edits while revision 1 is on its way
    assert store.outbox.record_ack(visit_id, 1, missing_photos=[], now=LATER) is VisitState.SYNCED
    draft = store.visits.get(visit_id)
    assert draft.revision == 2 and draft.state is VisitState.DRAFT


def test_an_ack_for_the_older_revision_never_marks_the_newer_queued_revision_synced(store):
    visit_id = finalised_visit(store)
    store.visits.edit_visit(visit_id, LATER)
    store.visits.record_observation(visit_id, "smile", value=False, now=LATER)
    store.visits.finalise(visit_id, LATER)
    assert store.outbox.record_ack(visit_id, 1, missing_photos=[], now=LATER) is None
    assert store.outbox.record_conflict(visit_id, 1, "late 409", now=LATER) is None
    assert store.outbox.record_rejection(visit_id, 1, PROBLEMS, now=LATER) is None
    record = store.visits.get(visit_id)
    assert record.revision == 2 and record.state is VisitState.FINALISED
    [pending] = store.outbox.pending_uploads()
    assert pending.visit.revision == 2


def test_pending_upload_reads_the_revision_queued_now(store):
    visit_id = finalised_visit(store)
    assert store.outbox.pending_upload(visit_id).visit.revision == 1
    store.visits.edit_visit(visit_id, LATER)
    answer_required(store, visit_id, LATER)
    store.visits.finalise(visit_id, LATER)
    assert store.outbox.pending_upload(visit_id).visit.revision == 2
    store.outbox.record_ack(visit_id, 2, missing_photos=[], now=LATER)
    assert store.outbox.pending_upload(visit_id) is None
