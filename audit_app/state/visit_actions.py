"""Actions on the open visit, as `AppState` methods: each one saved at once, its failure
shown as `AppState.error` (mixed into `AppState`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from audit_app.store import VisitState

from .errors import refuse
from .routes import Route
from .runner_model import review_model
from .visit_session import VisitSession

if TYPE_CHECKING:
    from .app_state import AppState


class VisitActions:
    def _open(self: AppState) -> VisitSession:
        if self.visit is None:
            raise refuse("no_visit", "error.no_visit")
        return self.visit

    async def answer_check(self, key: str, passed: bool) -> bool:
        return await self.act(lambda: self._open().answer_check(key, passed))

    async def mark_na(self, key: str) -> bool:
        return await self.act(lambda: self._open().mark_na(key))

    async def step_count(self, key: str, delta: int) -> bool:
        return await self.act(lambda: self._open().step_count(key, delta))

    async def type_count(self, key: str, typed: str) -> bool:
        return await self.act(lambda: self._open().type_count(key, typed))

    async def answer_rating(self, key: str, value: int) -> bool:
        return await self.act(lambda: self._open().answer_rating(key, value))

    async def answer_text(self, key: str, text: str) -> bool:
        return await self.act(lambda: self._open().answer_text(key, text))

    async def answer_duration(self, key: str, typed: str) -> bool:
        return await self.act(lambda: self._open().answer_duration(key, typed))

    async def set_note(self, key: str, note: str) -> bool:
        return await self.act(lambda: self._open().set_note(key, note))

    def open_stopwatch(self, key: str) -> None:
        if self.visit is not None:
            self.visit.open_stopwatch(key)
        self.changed()

    async def stopwatch_tap(self, key: str) -> bool:
        return await self.act(lambda: self._open().stopwatch_tap(key))

    async def stopwatch_undo(self, key: str) -> bool:
        return await self.act(lambda: self._open().stopwatch_undo(key))

    def ask_reset(self, key: str) -> None:
        if self.visit is not None:
            self.visit.ask_reset(key)
        self.changed()

    def cancel_reset(self) -> None:
        if self.visit is not None:
            self.visit.cancel_reset()
        self.changed()

    async def confirm_reset(self, key: str) -> bool:
        return await self.act(lambda: self._open().confirm_reset(key))

    async def add_photo(self, key: str | None, data: bytes) -> bool:
        # `on_started` redraws once the photo counts as in work, so its tile shows a spinner.
        return await self.act(lambda: self._open().add_photo(key, data, on_started=self.changed))

    async def delete_photo(self, sha256: str) -> bool:
        return await self.act(lambda: self._open().delete_photo(sha256))

    def go_section(self, index: int) -> None:
        if self.visit is not None:
            self.visit.go_section(index)
        self.changed()

    def open_note(self, key: str) -> None:
        """The compact note icon: show the item's note field."""
        if self.visit is not None:
            self.visit.item(key)
            self.visit.typing.evidence_opened.add(key)
        self.changed()

    def toggle_sections(self) -> None:
        if self.visit is not None:
            self.visit.toggle_sections()
        self.changed()

    def remember_scroll(self, offset: float) -> None:
        """Kept without a redraw: only where to come back to."""
        if self.visit is not None:
            self.visit.remember_offset(offset)

    def jump_to(self, item_key: str) -> None:
        if self.visit is not None:
            self.visit.jump_to(item_key)
            self.go(Route.RUNNER)

    def review(self) -> None:
        self.go(Route.REVIEW)

    async def finalise(self) -> bool:
        async def action() -> None:
            session = self._open()
            if not review_model(session.checklist, session.visit, self.lang).missing:
                # Complete: a failed knock-out item still asks for an action (or a reason to
                # skip it). Incomplete: the store's refusal lists what is missing first.
                self.actions.check_before_finalise()
            await session.finalise()
            await self.refresh_home()
        ok = await self.act(action)
        if ok:  # back to Home, where the visit now waits to sync
            self.visit = None
            self.go(Route.HOME)
            self.flash = "review.finalised"
            self.auto_send.trigger()       # sent without a tap (if auto-send is on)
            self.changed()
        return ok

    async def edit_visit(self) -> bool:
        async def action() -> None:
            await self._open().edit()
            await self.refresh_home()
            self.go(Route.RUNNER)
        return await self.act(action)

    def can_save_pdf(self: AppState) -> bool:
        """The server holds this visit (synced) and the phone is connected: its PDF can be fetched."""
        return (self.visit is not None and self.visit.state is VisitState.SYNCED
                and not self.prefs.offline_only)

    async def save_visit_pdf(self: AppState, save: Callable[[str, bytes], Awaitable[object]]) -> bool:
        """The server's PDF report of the open synced visit (the auditor's own: the server lets an
        auditor read only those), in the app's language, handed to `save` (the save dialog).
        Fetched as the manager's visit PDF is: `ReportsSession._save_pdf`."""
        if not self.can_save_pdf():
            async def refused() -> None:
                self._open()
                raise refuse("pdf_not_synced", "pdf.not_synced")
            return await self.act(refused)
        visit_id, lang = self._open().visit.id, self.lang
        return await self.reports._save_pdf(lambda source: source.visit_pdf(visit_id, lang),
                                            f"visit-{visit_id[:8]}-{lang}.pdf", save)

    def close_visit(self) -> None:
        self.visit = None
        self.go(Route.HOME)

