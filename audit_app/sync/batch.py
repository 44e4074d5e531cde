"""Several queued visits in one request: `POST /visits/batch` (docs/sync.md, "Batch upload").

A chain's inspector syncs a day of checks at once; one request per visit spends most of its time
on round trips. The photos of the whole group are checked with one `POST /photos/missing`, the
missing ones uploaded, then up to `BATCH_VISITS` revisions go in one request. Each visit's own
result decides what becomes of it, exactly as its own `PUT` would have: nothing is marked synced
unless its result says so. Whatever the batch cannot settle (a photo refused, a batch refused
as too large, a server without the route, an answer that is not the contract's) is sent again
one visit at a time, the path every visit took before."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pydantic import BaseModel, ConfigDict

from audit_app.domain import Visit
from audit_app.store import PendingUpload

from .http import ErrorInfo, ServerRefused, TransientFailure, json_body
from .push import PhotoRefused, Pusher, VisitReceipt
from .report import VisitResult

BATCH_VISITS = 50  # the server's limit (CONTRACT additions: at most 50 revisions per batch)
BATCH_BYTES = 1_000_000  # well under the server's default 5 MB request limit


class _BatchResult(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str | None
    status_code: int
    revision: int | None = None
    received_at: str | None = None
    missing_photos: list[str] | None = None
    error: ErrorInfo | None = None


class _BatchAnswer(BaseModel):
    model_config = ConfigDict(extra="allow")
    results: list[_BatchResult]


def batches(pending: Iterable[PendingUpload], bodies: dict[str, bytes]) -> Iterator[list[PendingUpload]]:
    """Consecutive groups of at most BATCH_VISITS visits and BATCH_BYTES of visit bodies (a
    single larger visit goes alone), oldest first as queued."""
    group: list[PendingUpload] = []
    size = 0
    for upload in pending:
        body = len(bodies[upload.visit.id])
        if group and (len(group) == BATCH_VISITS or size + body > BATCH_BYTES):
            yield group
            group, size = [], 0
        group.append(upload)
        size += body
    if group:
        yield group


class BatchPusher(Pusher):
    """A `Pusher` that sends several queued visits per request when it can."""

    batch_route = True  # until a server shows it has no batch route: then one visit at a time

    def push_visits(self, visit_ids: list[str], into: list[VisitResult]) -> None:
        """Send what is queued now for `visit_ids`, appending each visit's result to `into` as it
        is settled (so a sync stopped halfway keeps what was done); a visit no longer queued is
        skipped. `TokenRefused`, `Forbidden`, `SyncCancelled` and an unreachable server propagate."""
        with self.device.lock:
            found = [self.device.store.outbox.pending_upload(visit_id) for visit_id in visit_ids]
        pending = [upload for upload in found if upload is not None]
        self._done(len(visit_ids) - len(pending))
        if len(pending) < 2 or not self.batch_route:
            self._one_by_one([upload.visit.id for upload in pending], into)
            return
        bodies = {upload.visit.id: json_body(upload.visit.model_dump(mode="json")) for upload in pending}
        for group in batches(pending, bodies):
            if len(group) > 1 and self.batch_route:
                self._push_group(group, bodies, into)
            else:
                self._one_by_one([upload.visit.id for upload in group], into)

    def _done(self, visits: int) -> None:
        self.progress.visits_done += visits
        self.progress.current_visit_id = None
        self.progress.report()

    def _one_by_one(self, visit_ids: list[str], into: list[VisitResult]) -> None:
        for visit_id in visit_ids:
            result = self.push_visit(visit_id)
            if result is not None:
                into.append(result)
            self._done(1)

    def _push_group(self, group: list[PendingUpload], bodies: dict[str, bytes],
                    into: list[VisitResult]) -> None:
        ids = [upload.visit.id for upload in group]
        try:
            self._send_missing_photos([upload.visit for upload in group])
            answer = self.api.call("POST", "/visits/batch", _BatchAnswer, ok=(200,), refused=(404, 405),
                                   body=b'{"visits":[' + b",".join(bodies[i] for i in ids) + b"]}",
                                   headers={"Content-Type": "application/json"})
        except PhotoRefused:  # one photo refused: each visit alone says which visit it spoils
            self._one_by_one(ids, into)
            return
        except ServerRefused as refused:
            # 404/405: a server from before the batch route; 413/422: this batch as a whole.
            self.batch_route = refused.status not in (404, 405)
            self._one_by_one(ids, into)
            return
        except TransientFailure as failure:
            if failure.offline:
                raise
            # The same would befall each visit alone: all stay queued, saying why.
            into += [self._settled(upload.visit, lambda: _raise(failure)) for upload in group]
            self._done(len(group))
            return
        if [result.id for result in answer.results] != ids:  # not the contract's answer
            self.batch_route = False
            self._one_by_one(ids, into)
            return
        self.progress.bytes_sent += sum(len(bodies[i]) for i in ids)
        for upload, result in zip(group, answer.results, strict=True):
            self.progress.current_visit_id = upload.visit.id
            self.progress.report()
            visit = upload.visit
            into.append(self._settled(visit, lambda: self._settle_result(
                visit, bodies[visit.id], result)))  # noqa: B023 - called at once
        self._done(len(group))

    def _settle_result(self, visit: Visit, body: bytes, result: _BatchResult) -> VisitResult:
        if result.status_code in (200, 201) and result.revision == visit.revision \
                and result.received_at is not None and result.missing_photos is not None:
            receipt = VisitReceipt(id=visit.id, revision=visit.revision,
                                   received_at=result.received_at, missing_photos=result.missing_photos)
            return self._settle_receipt(visit, body, receipt)
        if result.status_code in (409, 413, 422) and result.error is not None:
            raise ServerRefused(result.status_code, result.error)
        raise TransientFailure("not_contract", f"batch result {result.status_code} for {visit.id} "
                                               f"r{result.revision}")


def _raise(failure: Exception) -> VisitResult:
    raise failure
