"""How the push does its work: acks batched into few store writes (and kept queued when the
store cannot write), the device lock never held during a request, photos streamed in chunks."""

from __future__ import annotations

import errno
import io
import random
import threading

import httpx
from PIL import Image

from audit_app.device import Device
from audit_app.store import FileOps, VisitState
from audit_app.sync import Credentials, SyncStatus, VisitOutcome, push, run_sync

from .fake_server import FakeServer
from .fake_sync import POLICY, queue_visits, stored_record, sync_with_fake, utc_now
from .phone import make_visit


class _FullDisk(FileOps):
    """The device's disk is full: every rename of a new file version fails."""

    def replace(self, src: str, dst: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")


def test_acks_are_written_in_batches_not_one_file_write_per_visit(device: Device,
                                                                  monkeypatch) -> None:
    ids = queue_visits(device, 6)
    monkeypatch.setattr(push, "ACK_BATCH_S", 3600.0)
    writes: list[int] = []
    storage = device.store.hot.storage
    original = storage._write_file
    monkeypatch.setattr(storage, "_write_file", lambda data: (writes.append(1), original(data))[1])
    report = sync_with_fake(device, FakeServer())
    assert report.synced == 6 and len(writes) == 1
    assert [stored_record(device, i).state for i in ids] == [VisitState.SYNCED] * 6


def test_acks_the_store_cannot_write_leave_the_visits_queued(device: Device, monkeypatch) -> None:
    ids = queue_visits(device, 2)
    monkeypatch.setattr(device.store.hot.storage, "fs", _FullDisk())
    report = sync_with_fake(device, FakeServer())
    assert report.status is SyncStatus.PENDING and report.pending == 2
    assert [r.outcome for r in report.results] == [VisitOutcome.PENDING] * 2
    assert all("full" in r.message_en and "已满" in r.message_zh for r in report.results)
    monkeypatch.undo()
    assert [stored_record(device, i).state for i in ids] == [VisitState.FINALISED] * 2


def test_the_device_lock_is_never_held_during_a_request(device: Device) -> None:
    queue_visits(device, 2, photos=2)
    held_during: list[str] = []

    def free_for_another_thread() -> bool:
        got: list[bool] = []

        def probe() -> None:
            got.append(device.lock.acquire(blocking=False))
            if got[0]:
                device.lock.release()

        thread = threading.Thread(target=probe)
        thread.start()
        thread.join()
        return got[0]

    def hook(request: httpx.Request):
        if not free_for_another_thread():
            held_during.append(f"{request.method} {request.url.path}")
        return None

    report = sync_with_fake(device, FakeServer(hook=hook))
    assert report.synced == 2
    assert held_during == []








class _ChunkRecorder(httpx.BaseTransport):
    """Records how each request body arrives (chunk sizes), then hands it to the fake server."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.photo_chunks: list[list[int]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PUT" and "/photos/" in request.url.path:
            chunks = [bytes(chunk) for chunk in request.stream]
            self.photo_chunks.append([len(chunk) for chunk in chunks])
            request = httpx.Request(request.method, request.url, headers=request.headers,
                                    content=b"".join(chunks))
        return self.inner.handle_request(request)


def test_photos_are_streamed_from_disk_in_chunks_never_read_whole(device: Device) -> None:
    rng = random.Random(9)
    visit_id = make_visit(device, rng, site_id="site-1", staff_ids=["staff-1"], photos=0)
    with device.lock:
        noise = Image.effect_noise((900, 700), 80).convert("RGB")
        buffer = io.BytesIO()
        noise.save(buffer, "JPEG", quality=95)
        stored = device.photos.add(buffer.getvalue())
        device.store.visits.edit_visit(visit_id, utc_now())
        device.store.visits.attach_photo(visit_id, stored.ref, item_key=None, now=utc_now())
        device.store.visits.finalise(visit_id, utc_now())
    assert stored.ref.bytes > 3 * push.CHUNK_BYTES
    server = FakeServer()
    recorder = _ChunkRecorder(server.transport())
    report = run_sync(device, Credentials("http://audit.test", server.token), now=utc_now,
                      transport=recorder, retry=POLICY, sleep=lambda s: None)
    assert report.synced == 1
    [chunks] = recorder.photo_chunks
    assert sum(chunks) == stored.ref.bytes and len(chunks) > 3
    assert max(chunks) <= push.CHUNK_BYTES
    assert server.photos[stored.ref.sha256] == device.photos.read_photo(stored.ref.sha256)
