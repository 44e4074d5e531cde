"""A sync run as the user sees it: progress (visits, bytes), the per-visit outcome with the
server's reasons, cancel, retry, and an offline banner. Nothing is lost when it fails: the
outbox keeps every finalised visit until the server has it.

`run_sync` blocks and takes `device.lock` around each store call itself (never during network
I/O), so it runs in a worker thread WITHOUT the lock held here; its progress callbacks come
from that thread and are handed to the event loop."""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING

from .errors import refuse
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

    @property
    def cancelling(self) -> bool:
        return self._cancel is not None and self._cancel.is_set()

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.app.changed()

    async def start(self) -> bool:
        """Pull, then push every queued visit; report progress as it goes."""
        from audit_app.sync import SyncStatus, load_credentials, run_sync

        app = self.app
        if self.running:
            return False
        loop = asyncio.get_running_loop()

        def on_progress(progress) -> None:
            loop.call_soon_threadsafe(self._show_progress, progress)

        async def action() -> None:
            creds = await app.access.locked(load_credentials, app.device.folder)
            if creds is None:
                raise refuse("not_connected", "error.not_connected")
            self.running, self.progress, self._cancel = True, None, threading.Event()
            app.changed()
            try:
                report = await asyncio.to_thread(
                    run_sync, app.device, creds, now=app.now, on_progress=on_progress,
                    cancel=self._cancel, transport=self.transport)
            finally:
                self.running = False
            self.report = report
            self.offline = report.status is SyncStatus.OFFLINE
            if report.status in (SyncStatus.OK, SyncStatus.PENDING):
                await app._save_prefs(last_sync_at=report.finished_at, last_sync_status=report.status.value)
            app.roster = await app.access.locked(load_roster_view, app.device)
            await app.refresh_home()
            if report.status is SyncStatus.TOKEN_REFUSED:
                raise refuse("token_refused", "error.token_refused")
            if report.status is SyncStatus.FORBIDDEN:
                raise refuse("forbidden", "error.forbidden")
        return await app.act(action)

    def _show_progress(self, progress) -> None:
        self.progress = progress
        self.app.changed()
