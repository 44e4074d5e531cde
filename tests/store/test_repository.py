import re
import uuid

import pytest

from audit_app.domain import PhotoRef
from audit_app.store import (
    ChecklistNotFound, FinaliseRefused, InvalidAnswer, VisitNotFound, VisitState, WrongState,
)

from .conftest import NOW, answer_required, make_checklist, reopen, start

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
PHOTO = PhotoRef(sha256="a" * 64, bytes=1000, width=1600, height=1200)


def test_start_visit_makes_a_uuid4_draft_that_survives_a_restart(store, data_dir, bundled_dir):
    visit_id = start(store, peak=True)
    assert UUID4.match(visit_id)
    store.close()
    again = reopen(data_dir, bundled_dir)
    record = again.visits.get(visit_id)
    assert record.state is VisitState.DRAFT
    assert record.visit.context.peak is True
    assert record.visit.staff_ids == ["staff-017"]
    assert [r.visit_id for r in again.visits.list_visits(VisitState.DRAFT)] == [visit_id]


def test_start_visit_with_an_unknown_checklist_version_is_refused(store):
    with pytest.raises(ChecklistNotFound) as error:
        start(store, checklist_version=9)
    assert "shop-visit" in error.value.message_en and "第 9 版" in error.value.message_zh


def test_each_answer_is_saved_as_given_and_replaces_the_previous_one(store, data_dir, bundled_dir):
    visit_id = start(store)
    store.visits.record_observation(visit_id, "smile", value=False, now=NOW)
    store.visits.record_observation(visit_id, "smile", value=True, note="big smile", now=NOW)
    store.visits.record_observation(visit_id, "satisfaction", value=5, now=NOW)
    again = reopen(data_dir, bundled_dir)
    visit = again.visits.get(visit_id).visit
    assert [o.item_key for o in visit.observations] == ["smile", "satisfaction"]
    assert visit.observation_for("smile").value is True
    assert visit.observation_for("smile").note == "big smile"


def test_replacing_an_answer_keeps_its_photos(store):
    visit_id = start(store)
    store.visits.attach_photo(visit_id, PHOTO, item_key="uniform_clean", now=NOW)
    visit = store.visits.record_observation(visit_id, "uniform_clean", value=True, now=NOW)
    assert visit.observation_for("uniform_clean").photos == [PHOTO.sha256]
    assert visit.photos == [PHOTO]


def test_attaching_the_same_photo_twice_lists_it_once_and_detach_removes_it_everywhere(store):
    visit_id = start(store)
    store.visits.attach_photo(visit_id, PHOTO, item_key="storefront", now=NOW)
    visit = store.visits.attach_photo(visit_id, PHOTO, item_key="storefront", now=NOW)
    assert visit.photos == [PHOTO]
    assert visit.observation_for("storefront").photos == [PHOTO.sha256]
    assert store.visits.referenced_photos() == {PHOTO.sha256}
    visit = store.visits.detach_photo(visit_id, PHOTO.sha256, now=NOW)
    assert visit.photos == [] and visit.observation_for("storefront").photos == []
    assert store.visits.referenced_photos() == set()


@pytest.mark.parametrize("item_key, value, words", [
    ("smile", "yes", "true or false"),
    ("satisfaction", 9, "between 1 and 5"),
    ("staff_on_floor", 2.5, "whole number"),
    ("greet_within_3s", -1.0, ">= 0"),
    ("no_such_item", True, "not an item"),
])
def test_a_wrong_answer_is_refused_and_nothing_changes(store, item_key, value, words):
    visit_id = start(store)
    store.visits.record_observation(visit_id, "satisfaction", value=3, now=NOW)
    before = store.visits.get(visit_id)
    with pytest.raises(InvalidAnswer) as error:
        store.visits.record_observation(visit_id, item_key, value=value, now=NOW)
    assert words in error.value.message_en
    assert error.value.message_zh.startswith("答案无效") and item_key not in error.value.message_zh
    assert store.visits.get(visit_id) == before


def test_a_too_long_note_is_refused_with_the_field_named(store):
    visit_id = start(store)
    with pytest.raises(InvalidAnswer) as error:
        store.visits.record_observation(visit_id, "remarks", value="x", note="n" * 2001, now=NOW)
    assert "note" in error.value.message_en


def test_finalise_refuses_listing_every_problem_and_writes_nothing(store):
    visit_id = start(store)
    store.visits.record_observation(visit_id, "smile", value=True, now=NOW)
    with pytest.raises(FinaliseRefused) as error:
        store.visits.finalise(visit_id, NOW)
    missing = {p.message.split(":")[0] for p in error.value.problems}
    assert missing == {"greet_within_3s", "uniform_clean", "satisfaction"}
    assert all(p.code == "missing_required" for p in error.value.problems)
    assert "3" in error.value.message_en and "3" in error.value.message_zh
    assert store.visits.get(visit_id).state is VisitState.DRAFT
    assert store.outbox.pending_uploads() == []


def test_finalise_stamps_finished_at_and_queues_the_visit(store):
    visit_id = start(store)
    answer_required(store, visit_id)
    finished = NOW.replace(minute=25)
    visit = store.visits.finalise(visit_id, finished)
    assert visit.finished_at == finished
    record = store.visits.get(visit_id)
    assert record.state is VisitState.FINALISED and record.finalised_at == finished
    assert [p.visit for p in store.outbox.pending_uploads()] == [visit]


def test_a_finalised_visit_cannot_be_changed_without_editing(store):
    visit_id = start(store)
    answer_required(store, visit_id)
    store.visits.finalise(visit_id, NOW)
    with pytest.raises(WrongState) as error:
        store.visits.record_observation(visit_id, "smile", value=False, now=NOW)
    assert "finalised" in error.value.message_en
    with pytest.raises(WrongState):
        store.visits.discard_draft(visit_id)


def test_discarding_a_draft_removes_it(store):
    visit_id = start(store)
    store.visits.discard_draft(visit_id)
    with pytest.raises(VisitNotFound):
        store.visits.get(visit_id)
    assert store.visits.list_visits(VisitState.DRAFT) == []


def test_unknown_visit_is_reported_in_both_languages(store):
    unknown = str(uuid.uuid4())
    with pytest.raises(VisitNotFound) as error:
        store.visits.record_observation(unknown, "smile", value=True, now=NOW)
    assert unknown in error.value.message_en and "本机没有这次访问的记录" in error.value.message_zh
    assert error.value.message("zh-CN") == error.value.message_zh


def test_a_draft_keeps_its_checklist_version_when_a_new_one_arrives(store):
    visit_id = start(store)
    store.checklists.store_checklist(make_checklist(version=2, extra_item=True))
    answer_required(store, visit_id)
    with pytest.raises(InvalidAnswer):  # v2's new item is not part of this v1 visit
        store.visits.record_observation(visit_id, "farewell", value=True, now=NOW)
    visit = store.visits.finalise(visit_id, NOW)  # v2 would also need "farewell"
    assert visit.checklist_version == 1
    new_visit = start(store, checklist_version=2)
    assert store.visits.get(new_visit).visit.checklist_version == 2
