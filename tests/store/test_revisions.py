from datetime import timedelta

from audit_app.store import VisitState

from .conftest import NOW, finalised_visit, reopen

LATER = NOW + timedelta(hours=2)


def _states(store, visit_id):
    return [(r.revision, r.state) for r in store.visits.revisions(visit_id)]


def test_editing_a_finalised_visit_opens_revision_two_and_keeps_revision_one_queued(store):
    visit_id = finalised_visit(store)
    draft = store.visits.edit_visit(visit_id, LATER)
    assert draft.revision == 2 and draft.id == visit_id
    assert _states(store, visit_id) == [(1, VisitState.FINALISED), (2, VisitState.DRAFT)]
    [pending] = store.outbox.pending_uploads()
    assert pending.visit.revision == 1
    assert store.visits.get(visit_id).revision == 2  # the current record is the draft


def test_edit_twice_returns_the_same_open_draft(store):
    visit_id = finalised_visit(store)
    store.visits.edit_visit(visit_id, LATER)
    store.visits.record_observation(visit_id, "smile", value=False, now=LATER)
    again = store.visits.edit_visit(visit_id, LATER)
    assert again.revision == 2 and again.observation_for("smile").value is False


def test_discarding_the_new_draft_leaves_revision_one_exactly_as_it_was(store):
    visit_id = finalised_visit(store)
    before = store.visits.get(visit_id)
    store.visits.edit_visit(visit_id, LATER)
    store.visits.record_observation(visit_id, "smile", value=False, now=LATER)
    store.visits.discard_draft(visit_id)
    assert store.visits.revisions(visit_id) == [before]
    assert [p.visit.revision for p in store.outbox.pending_uploads()] == [1]


def test_finalising_revision_two_replaces_revision_one_and_its_outbox_entry(store, data_dir, bundled_dir):
    visit_id = finalised_visit(store)
    first = store.visits.get(visit_id).visit
    store.visits.edit_visit(visit_id, LATER)
    store.visits.record_observation(visit_id, "smile", value=False, now=LATER)
    second = store.visits.finalise(visit_id, LATER)
    assert second.finished_at == first.finished_at  # the visit ended when it ended
    again = reopen(data_dir, bundled_dir)
    assert _states(again, visit_id) == [(2, VisitState.FINALISED)]
    [pending] = again.outbox.pending_uploads()
    assert pending.visit == second and pending.visit.observation_for("smile").value is False
    # A late acknowledgement of revision 1 does not mark revision 2 synced.
    assert again.outbox.record_ack(visit_id, 1, missing_photos=[], now=LATER) is None
    assert again.visits.get(visit_id).state is VisitState.FINALISED


def test_a_synced_visit_is_edited_into_a_new_queued_revision(store):
    visit_id = finalised_visit(store)
    store.outbox.record_ack(visit_id, 1, missing_photos=[], now=LATER)
    store.visits.edit_visit(visit_id, LATER)
    assert _states(store, visit_id) == [(1, VisitState.SYNCED), (2, VisitState.DRAFT)]
    store.visits.finalise(visit_id, LATER)
    assert [(p.visit.id, p.visit.revision) for p in store.outbox.pending_uploads()] == [(visit_id, 2)]


def test_a_conflict_is_resolved_by_sending_the_next_revision(store):
    visit_id = finalised_visit(store)
    store.outbox.record_conflict(visit_id, 1, "different content", now=LATER)
    store.visits.edit_visit(visit_id, LATER)
    store.visits.finalise(visit_id, LATER)
    assert store.outbox.record_ack(visit_id, 2, missing_photos=[], now=LATER) is VisitState.SYNCED
    assert _states(store, visit_id) == [(2, VisitState.SYNCED)]
