"""`run_sync`: pull, then push every queued visit, oldest first, several per request when
several are queued (batch.py); blocking (run it in a thread).

Stops early, leaving every unsent visit queued, on 401 (`TOKEN_REFUSED`), 403 (`FORBIDDEN`), a
server that cannot be reached at all (`OFFLINE`) and cancellation (`CANCELLED`). Any other failure
of one visit leaves it queued and the sync goes on with the next. The device clock is never
checked against the server's: `now` only stamps the phone's own records, and the server's
`received_at` is the truth about when a visit arrived."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from datetime import datetime

import httpx

from audit_app.device import Device
from audit_app.store import StoreError

from . import messages
from .actions import ActionSyncResult, pull_actions, push_actions
from .batch import BATCH_VISITS, BatchPusher
from .credentials import Credentials
from .errors import Forbidden, SyncCancelled, SyncError, TokenRefused
from .http import DEFAULT_RETRY, RetryPolicy, SyncApi, TransientFailure
from .pull import pull
from .push import Progress, bytes_to_send
from .report import SyncProgress, SyncReport, SyncStatus, VisitOutcome, VisitResult

_STOPS: dict[type[SyncError], SyncStatus] = {
    TokenRefused: SyncStatus.TOKEN_REFUSED, Forbidden: SyncStatus.FORBIDDEN,
    SyncCancelled: SyncStatus.CANCELLED,
}


def run_sync(device: Device, creds: Credentials, *, now: Callable[[], datetime],
             on_progress: Callable[[SyncProgress], None] | None = None,
             cancel: threading.Event | None = None,
             transport: httpx.BaseTransport | None = None,
             retry: RetryPolicy = DEFAULT_RETRY,
             sleep: Callable[[float], object] | None = None,
             rng: random.Random | None = None, pull: bool = True) -> SyncReport:
    """Pull, then push; see the module docstring. `sleep` replaces the backoff wait (tests);
    `pull=False` only pushes (e.g. a quick "send now" right after a full sync)."""
    with SyncApi(creds.server_url, creds.token, transport=transport, policy=retry, sleep=sleep,
                 cancel=cancel, rng=rng) as api:
        return _Sync(device, api, now, on_progress, pull=pull).run()


class _Sync:
    def __init__(self, device: Device, api: SyncApi, now: Callable[[], datetime],
                 on_progress: Callable[[SyncProgress], None] | None, *, pull: bool) -> None:
        self.device = device
        self.pull = pull
        self.api = api
        self.now = now
        self.on_progress = on_progress
        self.results: list[VisitResult] = []
        self.pull_problem: tuple[str, str, str] | None = None
        self.actions = ActionSyncResult()

    def run(self) -> SyncReport:
        with self.device.lock:
            queued = self.device.store.outbox.pending_uploads()
        progress = Progress(self.on_progress, len(queued), bytes_to_send(self.device, queued))
        progress.report()
        pusher = BatchPusher(self.device, self.api, self.now, progress)
        stop: tuple[SyncStatus, str, str, str] | None = None
        try:
            if self.pull:
                self._pull()
            ids = [upload.visit.id for upload in queued]
            for start in range(0, len(ids), BATCH_VISITS):
                pusher.push_visits(ids[start:start + BATCH_VISITS], into=self.results)
            pusher.flush_acks()  # corrective actions wait for their visits to be acknowledged
            self.actions = push_actions(self.device, self.api, self.now)
            if self.pull and self.pull_problem is None:  # a failed pull would only fail again
                self._pull_actions()
        except TransientFailure as failure:  # only an unreachable server gets this far
            en, zh = messages.pending_message(failure.reason, failure.detail)
            stop = (SyncStatus.OFFLINE, failure.reason, en, zh)
        except (TokenRefused, Forbidden, SyncCancelled) as refusal:
            stop = (_STOPS[type(refusal)], refusal.code, refusal.message_en, refusal.message_zh)
        finally:
            pusher.flush_acks()  # before anything reads the store for the report
        if stop is not None:
            return self._stopped(queued, *stop)
        return self._report(None, None, None)

    def _pull(self) -> None:
        try:
            pull(self.device, self.api, self.now)
        except TransientFailure as failure:
            if failure.offline:
                raise
            # The roster and checklists stay as cached; visits can still go up.
            en, zh = messages.pending_message(failure.reason, failure.detail)
            self.pull_problem = (failure.reason, en, zh)
        except StoreError as exc:  # e.g. a full disk: keep what is cached, still try to push
            self.pull_problem = (exc.code, exc.message_en, exc.message_zh)
        except OSError as exc:  # the roster file could not be written
            en, zh = messages.pending_message("store_write_failed", exc.strerror or str(exc))
            self.pull_problem = ("store_write_failed", en, zh)

    def _pull_actions(self) -> None:
        try:
            pull_actions(self.device, self.api)
        except TransientFailure as failure:
            if failure.offline:
                raise
            en, zh = messages.pending_message(failure.reason, failure.detail)
            self.pull_problem = (failure.reason, en, zh)
        except StoreError as exc:
            self.pull_problem = (exc.code, exc.message_en, exc.message_zh)

    def _stopped(self, queued: list, status: SyncStatus, code: str, en: str, zh: str) -> SyncReport:
        settled = {result.visit_id for result in self.results}
        with self.device.lock:
            for upload in queued:
                if upload.visit.id in settled:
                    continue
                still = self.device.store.outbox.pending_upload(upload.visit.id)
                if still is not None:
                    reason_en, reason_zh = messages.pending_message(code)
                    self.results.append(VisitResult(still.visit.id, still.visit.revision,
                                                    VisitOutcome.PENDING, code, reason_en, reason_zh))
        return self._report(status, en, zh)

    def _report(self, status: SyncStatus | None, en: str | None, zh: str | None) -> SyncReport:
        with self.device.lock:
            pending = self.device.store.outbox.queued_count()
            book = self.device.store.actions
            actions_pending = book.queued_count() if book is not None else 0
        if status is None:
            status = SyncStatus.PENDING if pending or actions_pending else SyncStatus.OK
        count = lambda outcome: sum(1 for r in self.results if r.outcome is outcome)  # noqa: E731
        return SyncReport(status=status, results=self.results, synced=count(VisitOutcome.SYNCED),
                          conflict=count(VisitOutcome.CONFLICT), rejected=count(VisitOutcome.REJECTED),
                          pending=pending, finished_at=self.now(), pull_problem=self.pull_problem,
                          message_en=en, message_zh=zh, requests_sent=self.api.requests_sent,
                          actions_sent=self.actions.sent, actions_refused=self.actions.refused,
                          actions_pending=actions_pending)
