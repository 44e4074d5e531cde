"""The sync client's store calls (in its own thread) and the UI's answers never lose each
other's writes: every call of a device runs under `device.lock`."""

from __future__ import annotations

import threading

from audit_app.device import open_device
from audit_app.domain import Kind

from .conftest import answer_everything, run, start_retail_visit


def test_answers_recorded_while_a_sync_acknowledges_in_a_thread_are_all_kept(state, device, clock, tmp_path):
    start_retail_visit(state)
    answer_everything(state)
    run(state.finalise())
    queued = device.store.outbox.pending_uploads()[0].visit
    start_retail_visit(state, site="site-002")
    draft_id = state.visit.visit_id
    checks = [i.key for i in state.visit.checklist.items if i.kind is Kind.CHECK]
    stop = threading.Event()
    acks: list[int] = []

    def sync_thread() -> None:
        # What run_sync does per answer: one store call under the lock, network I/O outside it.
        n = 0
        while not stop.is_set():
            with device.lock:
                device.store.outbox.record_ack(queued.id, queued.revision, [f"{n % 7:064x}"], clock())
            n += 1
            acks.append(n)

    async def answer_all() -> None:
        for index, key in enumerate(checks):
            assert await state.answer_check(key, index % 2 == 0), state.error

    worker = threading.Thread(target=sync_thread)
    worker.start()
    try:
        run(answer_all())
    finally:
        stop.set()
        worker.join()
    assert len(acks) > len(checks)  # the sync really ran while the answers were given
    device.close()
    reopened = open_device(device.folder)  # what is on disk, not in memory
    try:
        visit = reopened.store.visits.get(draft_id).visit
        assert [(o.item_key, o.value) for o in visit.observations if o.item_key in checks] == \
               [(key, index % 2 == 0) for index, key in enumerate(checks)]
        entry = reopened.store.hot.outbox_entry(queued.id)
        assert entry is not None and entry.missing_photos == [f"{(acks[-1] - 1) % 7:064x}"]
    finally:
        reopened.close()
