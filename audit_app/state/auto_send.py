"""Auto-send (ODK Collect's): finalised visits go to the server without a tap — when a visit is
finalised, when the app starts, and, after a failed try, again on the sync client's own capped
backoff until the server answers. One sync at a time per device (two tabs of one phone share
its gate), never while the user's own sync runs; `Prefs.auto_send` turns it off.

Home reads `home_line()`: sending…, all sent, or "3 waiting: offline"."""

from __future__ import annotations

import asyncio
import random
import threading
from typing import TYPE_CHECKING

from audit_app.sync.http import RetryPolicy

if TYPE_CHECKING:
    from .app_state import AppState

# The retry schedule between automatic tries: the sync client's backoff (full jitter, capped),
# with a longer base and cap: a whole sync is tried, not one request.
AUTO_SEND_RETRY = RetryPolicy(base_delay_s=5.0, max_delay_s=120.0)


def sync_gate(device) -> threading.Lock:
    """The device's one-sync-at-a-time lock, shared by every session of that device."""
    return device.sync_gate


class AutoSend:
    def __init__(self, app: AppState, policy: RetryPolicy = AUTO_SEND_RETRY, rng: random.Random | None = None):
        self.app = app
        self.policy = policy
        self.rng = rng or random.Random()
        self.failures = 0
        self.waiting_reason: str | None = None   # "offline" or "not_sent" after a failed try
        self._retry: asyncio.Task | None = None
        self._sending: asyncio.Task | None = None

    @property
    def enabled(self) -> bool:
        prefs = self.app.prefs
        return prefs.auto_send and prefs.setup_done and not prefs.offline_only

    @property
    def sending(self) -> bool:
        return self._sending is not None and not self._sending.done()

    def trigger(self) -> None:
        """Send now if there is something to send (a finalise, the app's start)."""
        if not self.enabled or self.sending or self.app.sync.running:
            return
        if not self.app.home.pending:
            return
        self._cancel_retry()
        self._sending = asyncio.get_running_loop().create_task(self._send())

    async def _send(self) -> None:
        from audit_app.sync import SyncStatus

        app = self.app
        await app.sync.start(automatic=True)
        report = app.sync.report
        if app.sync.busy_elsewhere:            # another session of this device is syncing
            self._schedule_retry()
            return
        status = report.status if report is not None else None
        if status is SyncStatus.OK or (status is SyncStatus.PENDING and not app.home.pending):
            self.failures, self.waiting_reason = 0, None
        elif status in (SyncStatus.OFFLINE, SyncStatus.PENDING) or status is None:
            self.failures += 1
            self.waiting_reason = "offline" if status is SyncStatus.OFFLINE else "not_sent"
            self._schedule_retry()
        else:  # the token was refused or the role may not upload: a person must act first
            self.waiting_reason = "not_sent"
        app.changed()

    def next_delay(self) -> float:
        """Seconds until the next try: uniform(0, min(cap, base * 2**failures))."""
        return self.policy.backoff(self.failures, self.rng)

    def _schedule_retry(self) -> None:
        self._cancel_retry()
        delay = self.next_delay()

        async def later() -> None:
            await asyncio.sleep(delay)
            self._retry = None
            self.trigger()
        self._retry = asyncio.get_running_loop().create_task(later())

    def _cancel_retry(self) -> None:
        if self._retry is not None and not self._retry.done() and self._retry is not asyncio.current_task():
            self._retry.cancel()
        self._retry = None

    def stop(self) -> None:
        """The page went away: no more tries from this session."""
        self._cancel_retry()

    def home_line(self) -> tuple[str, dict[str, object]] | None:
        """Home's auto-send line as a catalogue key and its fields, or None when it is off."""
        if not self.enabled:
            return None
        if self.sending or self.app.sync.running:
            return "flow.auto_sending", {}
        pending = self.app.home.pending
        if not pending:
            return "flow.auto_all_sent", {}
        if self.waiting_reason == "offline":
            return "flow.auto_waiting_offline", {"count": pending}
        return "flow.auto_waiting", {"count": pending}
