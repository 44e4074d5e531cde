"""Push: each queued visit revision, oldest first, per CONTRACT §4.

For one visit: `POST /photos/missing` → `PUT /photos/{sha}` for each missing one (streamed from
its file) → `PUT /visits/{id}` → upload any photo the answer still names and send the visit again
(a replay, 200) → `record_ack` with no photo missing. The store is touched only under the device
lock and only between requests; the queued revision is read again right before it is sent, so a
revision finalised meanwhile is the one sent, and an answer about an older revision is ignored by
the outbox (it never marks a newer draft or revision synced)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict

from audit_app.device import Device
from audit_app.domain import Visit, visit_problems
from audit_app.store import ChecklistNotFound, PendingUpload, StoreError

from . import messages
from .http import ServerRefused, SyncApi, TransientFailure, json_body
from .report import SyncProgress, VisitOutcome, VisitResult

CHUNK_BYTES = 64 * 1024
MAX_PUTS = 2  # a second PUT only after uploading photos the first answer still named
# Acks are written to the store in batches, at most this long after the answer arrived: one
# durable rewrite of the hot file per visit cost more than the upload itself (25 ms for 200
# visits). An ack lost to a crash before its batch is written only means the visit is sent
# again, and the server answers that replay with 200.
ACK_BATCH_S = 0.5


class VisitReceipt(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    revision: int
    received_at: AwareDatetime
    missing_photos: list[str]


class _Missing(BaseModel):
    model_config = ConfigDict(extra="allow")
    missing: list[str]


class _PhotoReceipt(BaseModel):
    model_config = ConfigDict(extra="allow")
    sha256: str


class PhotoRefused(Exception):
    """A photo of the visit was refused (413/422): the visit is rejected with this problem."""

    def __init__(self, problem: dict[str, object]) -> None:
        super().__init__(problem["message"])
        self.problem = problem


@dataclass
class Progress:
    """Running totals, reported through the caller's callback."""

    callback: Callable[[SyncProgress], None] | None
    visits_total: int
    bytes_total: int
    visits_done: int = 0
    bytes_sent: int = 0
    current_visit_id: str | None = None

    def report(self) -> None:
        if self.callback is not None:
            self.callback(SyncProgress(self.visits_done, self.visits_total, self.bytes_sent,
                                       max(self.bytes_total, self.bytes_sent), self.current_visit_id))


class Pusher:
    """Sends queued visits of one device through one `SyncApi`."""

    def __init__(self, device: Device, api: SyncApi, now: Callable[[], datetime], progress: Progress):
        self.device = device
        self.api = api
        self.now = now
        self.progress = progress
        self._photos_known_present: set[str] = set()  # this sync: the server said it has them
        self._acks: list[tuple[VisitResult, list[str]]] = []  # answered, not yet in the store
        self._last_flush = time.monotonic()
        self.clock = time.monotonic

    def push_visit(self, visit_id: str) -> VisitResult | None:
        """Send the revision of `visit_id` queued now; None if nothing is queued for it any more.

        `TokenRefused`, `Forbidden` and `SyncCancelled` propagate (they stop the whole sync)."""
        with self.device.lock:
            pending = self.device.store.outbox.pending_upload(visit_id)
        if pending is None:
            return None
        self.progress.current_visit_id = pending.visit.id
        self.progress.report()
        return self._settled(pending.visit, lambda: self._send(pending))

    def _settled(self, visit: Visit, send: Callable[[], VisitResult]) -> VisitResult:
        """What became of `visit` after `send`: a refusal is recorded, a passing failure leaves it
        queued with the reason; only a server out of reach stops the sync (it propagates)."""
        try:
            result = send()
        except ServerRefused as refused:
            return self._stored(visit, lambda: self._settle_refusal(visit, refused))
        except PhotoRefused as refused:
            return self._stored(visit, lambda: self._reject(visit, [refused.problem]))
        except TransientFailure as failure:
            if failure.offline:
                raise
            en, zh = messages.pending_message(failure.reason, failure.detail)
            return VisitResult(visit.id, visit.revision, VisitOutcome.PENDING, failure.reason, en, zh)
        if self.clock() - self._last_flush >= ACK_BATCH_S:
            self.flush_acks()
        return result

    def flush_acks(self) -> None:
        """Write the answered acks to the store in one commit (also called when the sync ends).

        If the store cannot write (a full disk), those visits stay queued and say so."""
        acks, self._acks = self._acks, []
        self._last_flush = self.clock()
        if not acks:
            return
        try:
            with self.device.lock:
                self.device.store.outbox.record_acks(
                    [(r.visit_id, r.revision, missing) for r, missing in acks], self.now())
        except StoreError as exc:
            for result, _missing in acks:
                result.outcome = VisitOutcome.PENDING
                result.code, result.message_en, result.message_zh = exc.code, exc.message_en, exc.message_zh

    def _stored(self, visit: Visit, settle: Callable[[], VisitResult]) -> VisitResult:
        """Run a store write settling `visit`; if the store cannot write, the visit stays queued."""
        try:
            return settle()
        except StoreError as exc:
            return VisitResult(visit.id, visit.revision, VisitOutcome.PENDING, exc.code,
                               exc.message_en, exc.message_zh)

    def _send(self, pending: PendingUpload) -> VisitResult:
        visit = pending.visit
        self._send_missing_photos([visit])
        body = json_body(visit.model_dump(mode="json"))
        return self._settle_receipt(visit, body, self._put_visit(visit, body))

    def _send_missing_photos(self, visits: list[Visit]) -> None:
        """Ask which of the visits' photos the server lacks (one request) and upload those."""
        hashes = list(dict.fromkeys(photo.sha256 for visit in visits for photo in visit.photos))
        wanted = [h for h in hashes if h not in self._photos_known_present]
        if wanted:
            missing = self.api.call("POST", "/photos/missing", _Missing, ok=(200,),
                                    body=json_body({"hashes": wanted}),
                                    headers={"Content-Type": "application/json"}).missing
            self._forget_present([h for h in wanted if h not in set(missing)])
            self._upload_photos([h for h in missing if h in set(hashes)])

    def _settle_receipt(self, visit: Visit, body: bytes, receipt: VisitReceipt) -> VisitResult:
        """The server took the visit: send again once if it still lacks a photo this device has
        (a replay, 200), then queue the ack, which says synced only if nothing is missing."""
        for _put in range(1, MAX_PUTS):
            if not any(self._on_device(h) for h in receipt.missing_photos):
                break  # nothing missing, or nothing this device could send: asking again is useless
            # The server's answer is the truth, whatever this sync believed it had.
            self._photos_known_present.difference_update(receipt.missing_photos)
            self._upload_photos(receipt.missing_photos)
            self.progress.bytes_total += len(body)
            receipt = self._put_visit(visit, body)
        missing_now = sorted(set(receipt.missing_photos))
        if missing_now:
            reason = ("photo_not_on_device" if any(not self._on_device(h) for h in missing_now)
                      else "photos_missing")
            en, zh = messages.pending_message(reason, ", ".join(h[:12] for h in missing_now))
            result = VisitResult(visit.id, visit.revision, VisitOutcome.PENDING, reason, en, zh)
        else:
            result = VisitResult(visit.id, visit.revision, VisitOutcome.SYNCED)
        self._acks.append((result, missing_now))
        return result

    def _put_visit(self, visit: Visit, body: bytes) -> VisitReceipt:
        receipt = self.api.call("PUT", f"/visits/{visit.id}", VisitReceipt, ok=(200, 201), body=body,
                                headers={"Content-Type": "application/json"})
        if receipt.id != visit.id or receipt.revision != visit.revision:
            raise TransientFailure("not_contract", f"the answer is about {receipt.id} r{receipt.revision}")
        self.progress.bytes_sent += len(body)
        self.progress.report()
        return receipt

    def _upload_photos(self, hashes: list[str]) -> None:
        for sha256 in hashes:
            if sha256 in self._photos_known_present or not self._on_device(sha256):
                continue
            self._upload_photo(sha256)
            self._photos_known_present.add(sha256)

    def _upload_photo(self, sha256: str) -> None:
        with self.device.lock:
            path = self.device.photos.photo_path(sha256)
            size = path.stat().st_size
        sent_before = self.progress.bytes_sent

        def chunks() -> Iterator[bytes]:
            # A fresh read of the file for each try; never the whole photo in memory.
            self.progress.bytes_sent = sent_before
            with open(path, "rb") as file:
                while chunk := file.read(CHUNK_BYTES):
                    self.api.check_cancelled()
                    self.progress.bytes_sent += len(chunk)
                    self.progress.report()
                    yield chunk

        try:
            self.api.call("PUT", f"/photos/{sha256}", _PhotoReceipt, ok=(200, 201), stream=chunks,
                          headers={"Content-Type": "image/jpeg", "Content-Length": str(size)})
        except ServerRefused as refused:
            if refused.status == 413:
                problem = messages.too_large_problem(refused.error, f"photo {sha256[:12]}…",
                                                     f"照片 {sha256[:12]}…")
                raise PhotoRefused(problem) from refused
            raise PhotoRefused(messages.photo_problem(refused.error, sha256)) from refused
        except BaseException:
            self.progress.bytes_sent = sent_before
            raise
        self.progress.bytes_sent = sent_before + size
        self.progress.report()

    def _forget_present(self, present: list[str]) -> None:
        """Photos the server already has are never sent: take them off the bytes to send."""
        for sha256 in present:
            if sha256 not in self._photos_known_present:
                self._photos_known_present.add(sha256)
                self.progress.bytes_total -= photo_size(self.device, sha256)

    def _on_device(self, sha256: str) -> bool:
        with self.device.lock:
            return self.device.photos.has_photo(sha256)

    def _settle_refusal(self, visit: Visit, refused: ServerRefused) -> VisitResult:
        error = refused.error
        if refused.status == 409:
            en, zh = messages.conflict_messages(error)
            with self.device.lock:
                self.device.store.outbox.record_conflict(visit.id, visit.revision, en, self.now(),
                                                         code=error.code, reason_zh=zh)
            return VisitResult(visit.id, visit.revision, VisitOutcome.CONFLICT, error.code, en, zh)
        if refused.status == 413:
            return self._reject(visit, [messages.too_large_problem(error, "visit", "访问记录")])
        return self._reject(visit, messages.rejection_problems(error, visit, self._local_problems(visit)))

    def _reject(self, visit: Visit, problems: list[dict[str, object]]) -> VisitResult:
        with self.device.lock:
            self.device.store.outbox.record_rejection(visit.id, visit.revision, problems, self.now())
        first = problems[0] if problems else {}
        return VisitResult(visit.id, visit.revision, VisitOutcome.REJECTED,
                           str(first.get("code")) if first else None,
                           "; ".join(str(p["message"]) for p in problems),
                           ";".join(str(p["message_zh"]) for p in problems), problems)

    def _local_problems(self, visit: Visit) -> list:
        """The phone's own check of the visit: the source of Chinese messages for domain codes."""
        try:
            with self.device.lock:
                checklist = self.device.store.checklists.get_checklist(visit.checklist_id,
                                                                       visit.checklist_version)
        except ChecklistNotFound:
            return []
        return visit_problems(visit, checklist)


def photo_size(device: Device, sha256: str) -> int:
    with device.lock:
        try:
            return device.photos.photo_path(sha256).stat().st_size
        except (FileNotFoundError, ValueError):
            return 0


def bytes_to_send(device: Device, pending: list[PendingUpload]) -> int:
    """Every visit body and every distinct photo on the device the queued visits cite."""
    photos = {photo.sha256 for upload in pending for photo in upload.visit.photos}
    bodies = sum(len(json_body(upload.visit.model_dump(mode="json"))) for upload in pending)
    return bodies + sum(photo_size(device, sha256) for sha256 in photos)
