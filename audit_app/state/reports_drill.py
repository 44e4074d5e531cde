"""The reports' routes, and their drill-down and export as actions of `ReportsSession` (a
mixin: the session holds the answers and the fetch plumbing): a site's staff and items, its
visits, a staff member's items and visits, one visit with its checklist version and photo thumbnails, and the CSV of the overview."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from audit_app.domain import Checklist
from audit_app.reports.client import ReportsError
from audit_app.reports.charts import Overview
from audit_app.reports.models import VisitDetail
from audit_app.reports.visits import VisitListRow, visit_rows

from .errors import refuse

if TYPE_CHECKING:
    from audit_app.reports.source import ReportSource

    from .reports import ReportsSession


class ReportsRoute:
    OVERVIEW = "/reports"
    BREAKDOWN = "/reports/items"
    TREND = "/reports/trend"
    FILTERS = "/reports/filters"
    SITE = "/reports/site"
    VISITS = "/reports/visits"
    VISIT = "/reports/visit"
    STAFF = "/reports/staff"
    PHOTO = "/reports/photo"
    ACTIONS = "/reports/actions"


_ERROR_KEYS = {
    "offline": "reports.error.offline", "token_refused": "reports.error.token_refused",
    "forbidden": "reports.error.forbidden", "not_found": "reports.error.not_found",
    "bad_answer": "reports.error.bad_answer",
}


def refusal(exc: ReportsError) -> Exception:
    """A report failure as the UI's refusal, worded from the catalogue."""
    return refuse(f"reports_{exc.code}", _ERROR_KEYS.get(exc.code, "reports.error.failed"))


class ReportsDrillDown:
    async def open_site(self: ReportsSession, site_id: str) -> bool:
        """Drill down: a site's staff and items under the same filters."""
        async def action() -> None:
            self.site_id = site_id
            for name in ("site/staff", "site/item"):
                self._answers.pop(name, None)
                self.pages.pop(name, None)
            self.app.go(ReportsRoute.SITE)
            params = self.params(site=True)
            await self._compliance("site/staff", "staff", params)
            await self._compliance("site/item", "item", params)
        return await self._act(action)

    async def open_visits(self: ReportsSession) -> bool:
        async def action() -> None:
            self._visits = []
            self.app.go(ReportsRoute.VISITS)
            params = self.params(site=True)
            self._visits = await self._fetch(lambda s: s.visits(params))
        return await self._act(action)

    async def open_staff(self: ReportsSession, staff_id: str, *, from_site: bool = False) -> bool:
        """Drill down: one staff member's items and the visits that assessed them (Back returns
        to the site when the staff row was the site's)."""
        async def action() -> None:
            self.staff_id, self._staff_visits, self.staff_from_site = staff_id, [], from_site
            self._answers.pop("staff/item", None)
            self.pages.pop("staff/item", None)
            self.app.go(ReportsRoute.STAFF)
            params = self.params(staff=True)
            await self._compliance("staff/item", "item", params)
            self._staff_visits = await self._fetch(lambda s: s.visits(params))
        return await self._act(action)

    @property
    def staff_items(self: ReportsSession) -> Overview | None:
        return self._overview("staff/item")

    @property
    def staff_visit_list(self: ReportsSession) -> tuple[VisitListRow, ...]:
        return visit_rows(self._staff_visits, self.labeller)

    @property
    def staff_name(self: ReportsSession) -> str:
        named = next((name for sid, name, _ in self.staff_choices if sid == self.staff_id), None)
        if named is not None:
            return named
        for answer in (self._answers.get(k) for k in ("staff", "site/staff")):
            row = next((r for r in answer.rows if r.key == self.staff_id), None) if answer else None
            if row is not None:
                return row.label
        return self.staff_id or ""

    async def open_visit(self: ReportsSession, visit_id: str, back: str = ReportsRoute.VISITS) -> bool:
        """One visit with its checklist version (for item texts and thresholds) and thumbnails."""
        async def action() -> None:
            self.visit_id, self._visit, self.photos, self.visit_back = visit_id, None, {}, back
            self._visit_actions, self.visit_actions_known = (), False
            self.full_photo = None
            self.app.go(ReportsRoute.VISIT)
            detail: VisitDetail = await self._fetch(lambda s: s.visit(visit_id))
            checklist = await self._checklist(detail.visit.checklist_id, detail.visit.checklist_version)
            self._visit = (detail, checklist)
            self.app.changed()
            await self._load_visit_actions(detail.visit.site_id)  # type: ignore[attr-defined]
            self.app.changed()
            await self._load_photos(detail)
        return await self._act(action)

    async def _checklist(self: ReportsSession, checklist_id: str, version: int) -> Checklist | None:
        known = self.labeller.checklist(checklist_id, version)
        if known is not None:
            return known
        store = self.app.device.store
        try:
            return await self.app.access.locked(store.checklists.get_checklist, checklist_id, version)
        except Exception:  # not on the phone: ask the server (old versions stay readable there)
            source = await self._open_source()
            try:
                return await asyncio.to_thread(source.client.checklist, checklist_id, version)
            except ReportsError:
                return None
            finally:
                source.client.close()

    async def _load_photos(self: ReportsSession, detail: VisitDetail) -> None:
        source = await self._open_source()
        missing = set(detail.missing_photos)
        wanted = [p.sha256 for p in detail.visit.photos if p.sha256 not in missing]
        self.missing_photos = tuple(sorted(missing))

        def thumb(sha: str) -> tuple[str, bytes | None]:
            try:
                return sha, source.photo(sha, "thumb")
            except ReportsError:  # 404 (not uploaded, or not theirs) or offline: shown as missing
                return sha, None

        try:
            fetched = await asyncio.gather(*(asyncio.to_thread(thumb, s) for s in wanted))
        finally:
            source.client.close()
        for sha, data in fetched:
            if data is not None:
                self.photos[sha] = data
            else:
                self.missing_photos = (*self.missing_photos, sha)

    async def open_photo(self: ReportsSession, sha256: str) -> bool:
        """A tapped thumbnail: the full-size photo on its own screen (Back returns to the visit)."""
        async def action() -> None:
            self.full_photo = None
            self.app.go(ReportsRoute.PHOTO)
            source = await self._open_source()
            try:
                data = await asyncio.to_thread(source.photo, sha256, "full")
            except ReportsError as exc:
                raise refusal(exc) from exc
            finally:
                source.client.close()
            self.full_photo = (sha256, data)
        return await self._act(action)

    async def export_csv(self: ReportsSession, save: Callable[[str, bytes], Awaitable[object]]) -> bool:
        """The server's CSV of the overview on screen, handed to the platform's save dialog."""
        async def action() -> None:
            source = await self._open_source()
            group_by, params = self.overall_by, self.params()
            try:
                data = await asyncio.to_thread(source.csv, group_by, params)
            except ReportsError as exc:
                raise refusal(exc) from exc
            finally:
                source.client.close()
            await save(f"compliance-{group_by}-{params['from']}-{params['to']}.csv", data)
            self.app.flash = "reports.exported"
        return await self._act(action)

    async def save_visit_pdf(self: ReportsSession,
                             save: Callable[[str, bytes], Awaitable[object]]) -> bool:
        """The server's PDF report of the visit on screen, in the app's language, handed to the
        platform's save dialog (a download in a browser)."""
        visit_id, lang = self.visit_id, self.app.lang
        if visit_id is None:
            return False
        return await self._save_pdf(lambda source: source.visit_pdf(visit_id, lang),
                                    f"visit-{visit_id[:8]}-{lang}.pdf", save)

    async def save_site_pdf(self: ReportsSession,
                            save: Callable[[str, bytes], Awaitable[object]]) -> bool:
        """The server's scorecard PDF of the site on screen over the chosen period."""
        params, lang = self.params(site=True), self.app.lang
        name = f"scorecard-{params.get('site_id', 'region')}-{params['from']}-{params['to']}-{lang}.pdf"
        return await self._save_pdf(lambda source: source.scorecard_pdf(params, lang), name, save)

    async def _save_pdf(self: ReportsSession, fetch: Callable[[ReportSource], bytes], name: str,
                        save: Callable[[str, bytes], Awaitable[object]]) -> bool:
        async def action() -> None:
            source = await self._open_source()
            try:
                data = await asyncio.to_thread(fetch, source)
            except ReportsError as exc:
                raise refusal(exc) from exc
            finally:
                source.client.close()
            await save(name, data)
            self.app.flash = "pdf.saved"
        return await self._act(action)
