"""A sync run as the user sees it: progress (visits, bytes), the per-visit outcome with the
server's reasons, cancel, retry, and an offline banner. Nothing is lost when it fails: the
outbox keeps every finalised visit until the server has it.

`run_sync` blocks and takes `device.lock` around each store call itself (never during network
I/O), so it runs in a worker thread WITHOUT the lock held here; its progress callbacks come
from that thread and are handed to the event loop."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import TYPE_CHECKING

from .errors import refuse

log = logging.getLogger(__name__)
from .roster import load_roster_view

if TYPE_CHECKING:
    from .app_state import AppState


class SyncSession:
    def __init__(self, app: AppState):
        self.app = app
        self.running = False
        self.progress = None          # audit_app.sync.SyncProgress
        self.report = None            # audit_app.sync.SyncReport of the last run
        self.offline = False
        self._cancel: threading.Event | None = None
        self.transport = None         # an httpx transport (tests)
        self.retry = None             # the sync client's RetryPolicy (None: its default)
        self.busy_elsewhere = False   # another session of this device was syncing

    @property
    def cancelling(self) -> bool:
        return self._cancel is not None and self._cancel.is_set()

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.app.changed()

    async def start(self, *, automatic: bool = False) -> bool:
        """Pull, then push every queued visit; report progress as it goes. At most one sync
        per device runs at a time (the device's gate); a second one is not started."""
        from audit_app.sync import DEFAULT_RETRY, SyncStatus, load_credentials, run_sync

        from .auto_send import sync_gate

        app = self.app
        if self.running:
            return False
        gate = sync_gate(app.device)
        if not gate.acquire(blocking=False):
            self.busy_elsewhere = True
            app.changed()
            return False
        self.busy_elsewhere = False
        handed = threading.Event()   # set once the worker thread owns the gate (it releases it)

        def guarded(*args, **kwargs):
            handed.set()
            try:
                return run_sync(*args, **kwargs)
            finally:
                gate.release()   # in the thread: a cancelled page never frees it mid-sync
        try:
            synced = await self._run(automatic, guarded, load_credentials, SyncStatus, DEFAULT_RETRY)
        finally:
            if not handed.is_set():
                gate.release()
        await app.land_once_known()
        return synced

    async def _run(self, automatic, run_sync, load_credentials, SyncStatus, default_retry) -> bool:
        app = self.app
        loop = asyncio.get_running_loop()

        def on_progress(progress) -> None:
            loop.call_soon_threadsafe(self._show_progress, progress)

        async def action() -> None:
            creds = await app.access.locked(load_credentials, app.device.folder)
            if creds is None:
                if automatic:
                    return
                raise refuse("not_connected", "error.not_connected")
            self.running, self.progress, self._cancel = True, None, threading.Event()
            app.changed()
            try:
                report = await asyncio.to_thread(
                    run_sync, app.device, creds, now=app.now, on_progress=on_progress,
                    cancel=self._cancel, transport=self.transport, retry=self.retry or default_retry)
            finally:
                self.running = False
            self.report = report
            self.offline = report.status is SyncStatus.OFFLINE
            if report.status in (SyncStatus.OK, SyncStatus.PENDING):
                await app._save_prefs(last_sync_at=report.finished_at, last_sync_status=report.status.value)
            app.roster = await app.access.locked(load_roster_view, app.device)
            await app.refresh_home()
            if app.flash == "review.finalised" and report.synced and not app.home.pending:
                app.flash = None      # "waits to sync" would contradict Home's "All sent"
            if report.status is SyncStatus.TOKEN_REFUSED:
                raise refuse("token_refused", "error.token_refused")
            if report.status is SyncStatus.FORBIDDEN:
                raise refuse("forbidden", "error.forbidden")
        if not automatic:
            return await app.act(action)
        try:  # a try nobody asked for raises no banner and keeps the screen's message
            await action()
            return True
        except Exception:
            log.warning("automatic sync failed", exc_info=True)
            return False
        finally:
            app.changed()

    def _show_progress(self, progress) -> None:
        self.progress = progress
        self.app.changed()
