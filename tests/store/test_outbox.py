import errno
import json
from datetime import timedelta

import pytest

from audit_app.store import FileOps, StoreWriteError, VisitState, open_store
from audit_app.store.paths import HOT_FILE

from .conftest import NOW, answer_required, finalised_visit, reopen, start

LATER = NOW + timedelta(hours=1)


class FailingReplace(FileOps):
    """Fails every os.replace while `armed`."""

    armed = False

    def replace(self, src: str, dst: str) -> None:
        if self.armed:
            raise OSError(errno.ENOSPC, "No space left on device")
        super().replace(src, dst)


def _hot_json(data_dir):
    return json.loads((data_dir / HOT_FILE).read_text(encoding="utf-8"))


def test_finalise_writes_visit_and_outbox_entry_in_one_file_write(store, data_dir):
    visit_id = start(store)
    answer_required(store, visit_id)
    writes = []
    original = store.hot.storage._write_file
    store.hot.storage._write_file = lambda data: (writes.append(1), original(data))[1]
    store.visits.finalise(visit_id, NOW)
    assert len(writes) == 1
    on_disk = _hot_json(data_dir)
    [record] = on_disk["visits"].values()
    [entry] = on_disk["outbox"].values()
    assert record["state"] == "finalised" and entry["visit_id"] == visit_id == record["visit_id"]


def test_a_failed_finalise_leaves_neither_the_finalised_visit_nor_the_entry(data_dir, bundled_dir):
    fs = FailingReplace()
    store = open_store(data_dir, bundled_dir=bundled_dir, fs=fs)
    visit_id = start(store)
    answer_required(store, visit_id)
    fs.armed = True
    with pytest.raises(StoreWriteError) as error:
        store.visits.finalise(visit_id, NOW)
    assert "full" in error.value.message_en and "ENOSPC" in error.value.message_en
    assert "存储空间已满" in error.value.message_zh
    # Neither in this process's view nor on disk.
    for view in (store, reopen(data_dir, bundled_dir)):
        assert view.visits.get(visit_id).state is VisitState.DRAFT
        assert view.outbox.pending_uploads() == []
    on_disk = _hot_json(data_dir)
    assert on_disk.get("outbox", {}) == {}
    fs.armed = False
    store.visits.finalise(visit_id, NOW)  # works once the disk has room again
    assert [p.visit.id for p in reopen(data_dir, bundled_dir).outbox.pending_uploads()] == [visit_id]


def test_pending_uploads_come_in_queue_order(store):
    first = finalised_visit(store, NOW)
    second = finalised_visit(store, NOW + timedelta(minutes=1))
    assert [p.visit.id for p in store.outbox.pending_uploads()] == [first, second]


def test_a_visit_becomes_synced_only_when_the_server_has_every_photo(store, data_dir, bundled_dir):
    visit_id = finalised_visit(store)
    state = store.outbox.record_ack(visit_id, 1, missing_photos=["b" * 64], now=LATER)
    assert state is VisitState.FINALISED
    [pending] = store.outbox.pending_uploads()
    assert pending.missing_photos == ["b" * 64]
    assert store.visits.list_visits(VisitState.SYNCED) == []
    state = store.outbox.record_ack(visit_id, 1, missing_photos=[], now=LATER)
    assert state is VisitState.SYNCED
    again = reopen(data_dir, bundled_dir)
    assert again.outbox.pending_uploads() == []
    record = again.visits.get(visit_id)
    assert record.state is VisitState.SYNCED and record.synced_at == LATER


def test_a_conflict_leaves_the_queue_and_is_listed(store):
    visit_id = finalised_visit(store)
    state = store.outbox.record_conflict(visit_id, 1, "same revision, different content", now=LATER)
    assert state is VisitState.CONFLICT
    assert store.outbox.pending_uploads() == []
    [record] = store.visits.list_visits(VisitState.CONFLICT)
    assert record.visit_id == visit_id and record.conflict_reason.startswith("same revision")


def test_an_ack_for_a_revision_not_queued_changes_nothing(store):
    visit_id = finalised_visit(store)
    assert store.outbox.record_ack(visit_id, 7, missing_photos=[], now=LATER) is None
    assert store.visits.get(visit_id).state is VisitState.FINALISED
    assert len(store.outbox.pending_uploads()) == 1


def test_drafts_are_never_queued(store):
    start(store)
    assert store.outbox.pending_uploads() == []
