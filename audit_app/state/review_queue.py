"""The manager's Review queue (docs/integrity.md): unreviewed visits, flagged ones first, each
flag in the user's language with its evidence; approve, mark as having issues or reject with a
reason. Blocking HTTP runs in a worker thread; the token never appears in an error."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from audit_app.i18n import is_chinese

from .errors import refuse

if TYPE_CHECKING:
    from .app_state import AppState

QUEUE_ROUTE = "/review-queue"
QUEUE_ROLES = frozenset({"manager", "admin"})
PAGE = 200
EVIDENCE_PHOTOS = 40                 # thumbnails fetched per load (~10 KB each)


@dataclass(frozen=True)
class QueuedFlag:
    code: str
    message: str
    message_zh: str
    evidence: dict[str, Any]

    def text(self, lang: str) -> str:
        return self.message_zh if is_chinese(lang) else self.message

    @property
    def photos(self) -> tuple[str, ...]:
        """The photo evidence, this visit's first: one sha for `duplicate_photo` (the same photo
        in both visits), two for `similar_photo` (this visit's and the other's)."""
        found = [self.evidence.get(key) for key in ("photo", "other_photo")]
        return tuple(sha for sha in found if isinstance(sha, str))


@dataclass(frozen=True)
class AnswerTimeline:
    """When a `too_fast` visit's answers were recorded: each one's seconds after the first."""

    offsets_s: tuple[float, ...]

    @property
    def span_s(self) -> float:
        return self.offsets_s[-1] - self.offsets_s[0]

    @property
    def positions(self) -> tuple[float, ...]:
        """Each answer's place along the timeline, 0 (first) to 1 (last)."""
        span = self.span_s
        return tuple((offset - self.offsets_s[0]) / span if span else 0.0 for offset in self.offsets_s)


def answer_timeline(flag: QueuedFlag) -> AnswerTimeline | None:
    """The answer timeline a `too_fast` flag carries (None for other flags, or fewer than two
    readable times: the flag's text still says why)."""
    times = flag.evidence.get("recorded_at") if flag.code == "too_fast" else None
    if not isinstance(times, list):
        return None
    try:
        parsed = sorted(dt.datetime.fromisoformat(str(text)) for text in times)
    except (TypeError, ValueError):
        return None
    if len(parsed) < 2:
        return None
    return AnswerTimeline(tuple((when - parsed[0]).total_seconds() for when in parsed))


@dataclass(frozen=True)
class QueuedVisit:
    id: str
    site_id: str
    started_at: str
    auditor_id: str
    visit_score: float | None
    flags: tuple[QueuedFlag, ...]


def _queued(row: dict[str, Any]) -> QueuedVisit:
    return QueuedVisit(id=row["id"], site_id=row["site_id"], started_at=row["started_at"],
                       auditor_id=row["auditor_id"], visit_score=row.get("visit_score"),
                       flags=tuple(QueuedFlag(f["code"], f["message"], f["message_zh"],
                                              f.get("evidence") or {}) for f in row["flags"]))


class ReviewQueueSession:
    def __init__(self, app: AppState) -> None:
        self.app = app
        self.visits: tuple[QueuedVisit, ...] = ()
        self.reasons: dict[str, str] = {}      # visit id → the reason as typed
        self.thumbnails: dict[str, bytes] = {}  # sha256 → the server's thumbnail (photo evidence)
        self.transport: httpx.BaseTransport | None = None  # tests

    def _client(self) -> httpx.Client:
        from audit_app.sync import load_credentials

        with self.app.device.lock:
            creds = load_credentials(self.app.device.folder)
        if creds is None:
            raise refuse("not_connected", "error.not_connected")
        return httpx.Client(base_url=creds.server_url.rstrip("/") + "/api/v1", timeout=30,
                            transport=self.transport,
                            headers={"Authorization": f"Bearer {creds.token}"})

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            with self._client() as client:
                response = client.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise refuse("queue_offline", "integrity.queue.offline") from exc
        if response.status_code != 200:
            raise refuse("queue_failed", "integrity.queue.failed", status=response.status_code)
        return response.json()

    def _load(self) -> tuple[QueuedVisit, ...]:
        """Unreviewed visits, flagged first (each group newest first)."""
        flagged = self._call("GET", "/visits", params={"review": "received", "flagged": "true",
                                                        "limit": PAGE, "sort": "started"})
        plain = self._call("GET", "/visits", params={"review": "received", "flagged": "false",
                                                      "limit": PAGE, "sort": "started"})
        queued = tuple(_queued(row) for row in [*flagged, *plain])
        self._load_thumbnails(queued)
        return queued

    def _load_thumbnails(self, queued: tuple[QueuedVisit, ...]) -> None:
        """Thumbnails of the photo evidence (first EVIDENCE_PHOTOS), so a duplicate is seen, not
        only read about. A photo the server cannot give is left out (the flag's text remains)."""
        wanted = [sha for visit in queued for flag in visit.flags for sha in flag.photos]
        wanted = [sha for sha in dict.fromkeys(wanted) if sha not in self.thumbnails][:EVIDENCE_PHOTOS]
        if not wanted:
            return
        try:
            with self._client() as client:
                for sha in wanted:
                    response = client.get(f"/photos/{sha}", params={"size": "thumb"})
                    if response.status_code == 200:
                        self.thumbnails[sha] = response.content
        except httpx.TransportError:
            pass  # the queue itself loaded; its pictures wait for the next open

    async def open(self) -> bool:
        """Home's Review button: load the queue and show it."""
        async def action() -> None:
            self.visits = await asyncio.to_thread(self._load)
            self.app.go(QUEUE_ROUTE)
        return await self.app.act(action)

    def set_reason(self, visit_id: str, reason: str) -> None:
        self.reasons[visit_id] = reason

    async def decide(self, visit_id: str, state: str) -> bool:
        """Approve, or mark has_issues / rejected with the typed reason; the visit leaves the queue."""
        async def action() -> None:
            reason = self.reasons.get(visit_id, "").strip() or None
            if state != "approved" and reason is None:
                raise refuse("reason_required", "integrity.queue.reason_required")
            await asyncio.to_thread(self._call, "PUT", f"/visits/{visit_id}/review",
                                    json={"state": state, "reason": reason})
            self.reasons.pop(visit_id, None)
            self.visits = await asyncio.to_thread(self._load)
        return await self.app.act(action)
