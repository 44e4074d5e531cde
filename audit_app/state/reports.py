"""The manager's reports as one app session sees them: the filters (kept for the session), the
screen shown, the answers fetched and the actions that fetch them. No widgets here.

Answers are kept raw and the view-models are built on reading, so a language switch or a page
turn redraws without asking the server again. Every fetch runs in a worker thread (the page's
event loop never waits on the network); when the server cannot be reached the last answer for
the same request is shown with its "as of" time (`offline`)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Literal

from audit_app.domain import Checklist, GroupBy
from audit_app.reports.cache import ReportCache
from audit_app.reports.charts import Overview, overview
from audit_app.reports.client import ReportsClient, ReportsError
from audit_app.reports.filters import (
    FilterError, Period, ReportFilter, date_range, may_choose_region, query_params,
)
from audit_app.reports.labels import Labeller
from audit_app.reports.models import ComplianceAnswer, TrendAnswer, VisitDetail, VisitSummary
from audit_app.reports.source import ReportSource
from audit_app.reports.trend import TrendChartModel, trend_chart, trend_interval
from audit_app.reports.visits import VisitListRow, VisitView, visit_rows, visit_view

from .errors import refuse
from .reports_actions import ReportsActions
from .reports_breakdown import Breakdown, ReportsBreakdown
from .reports_drill import ReportsDrillDown, ReportsRoute, refusal

if TYPE_CHECKING:
    from .app_state import AppState

REPORT_ROLES = frozenset({"manager", "admin"})
LOADING_AFTER_S = 0.25
CARDS_UNDER = 600  # px: narrower pages show table rows as cards (the name column never scrolls away)
Overall = Literal["site", "staff"]


_FILTER_KEYS = {"custom_from": "reports.error.custom_from", "custom_to": "reports.error.custom_to"}


class ReportsSession(ReportsDrillDown, ReportsBreakdown, ReportsActions):
    def __init__(self, app: AppState) -> None:
        self.app = app
        self.filter = ReportFilter()
        self.draft = self.filter               # the filter screen edits this copy
        self.draft_dates: dict[str, str] = {}  # custom dates as typed (YYYY-MM-DD)
        self.overall_by: Overall = "site"
        self.breakdown_by: Breakdown = "item"
        self.breakdown_checklist: str | None = None  # By item: the checklist picked (None: most visits)
        self.expanded_row: str | None = None           # the row whose full text is shown
        self.trend_by: Overall = "site"
        self.trend_selected: tuple[str, ...] | None = None
        self.pages: dict[str, int] = {}
        self.loading = False
        self.as_of: dt.datetime | None = None
        self.offline = False
        self.role: str | None = None
        self.region: str | None = None         # a regional manager's own region
        self.site_choices: tuple[tuple[str, str, str | None], ...] = ()  # (id, name, region)
        self.staff_choices: tuple[tuple[str, str, str], ...] = ()        # (id, name, site id)
        self.site_id: str | None = None        # the drill-down's site
        self.staff_id: str | None = None       # the drill-down's staff member
        self.staff_from_site = False           # opened from a site's staff (Back returns there)
        self.visit_id: str | None = None
        self.visit_back: str = ReportsRoute.VISITS  # where the open visit's Back goes
        self.photos: dict[str, bytes] = {}     # thumbnails of the open visit
        self.full_photo: tuple[str, bytes] | None = None  # the photo opened full size
        self.missing_photos: tuple[str, ...] = ()
        self.width: float | None = None        # the page's width (px): rows are cards under CARDS_UNDER
        self.transport = None                  # an httpx transport (tests)
        self._answers: dict[str, ComplianceAnswer] = {}
        self._trend: TrendAnswer | None = None
        self._visits: list[VisitSummary] = []
        self._staff_visits: list[VisitSummary] = []
        self._visit: tuple[VisitDetail, Checklist | None] | None = None
        self._labellers: dict[str, Labeller] = {}

    # -- who may see what --------------------------------------------------------------------------

    @property
    def allowed(self) -> bool:
        return (self.role or self.app.roster.role) in REPORT_ROLES

    @property
    def region_allowed(self) -> bool:
        return may_choose_region(self.role or "", self.region)

    @property
    def regions(self) -> tuple[str, ...]:
        return tuple(sorted({r for _, _, r in self.site_choices if r}))

    def params(self, *, site: bool = False, staff: bool = False) -> dict[str, str]:
        """The filter's query; `site` / `staff`: narrowed to the drill-down's site or staff member."""
        chosen = self.filter.with_changes(site_id=self.site_id) if site else self.filter
        chosen = chosen.with_changes(staff_id=self.staff_id) if staff else chosen
        return query_params(chosen, self.app.now().date(), region_allowed=self.region_allowed)

    # -- view-models (built on reading: cheap, and always in the current language) ----------------

    @property
    def labeller(self) -> Labeller:
        lang = self.app.lang
        if lang not in self._labellers:
            self._labellers[lang] = Labeller(self.app.checklists, lang)
        return self._labellers[lang]

    def _overview(self, name: str) -> Overview | None:
        answer = self._answers.get(name)
        return None if answer is None else overview(answer, self.labeller, self.pages.get(name, 0))

    @property
    def overall(self) -> Overview | None:
        return self._overview(self.overall_by)

    @property
    def site_staff(self) -> Overview | None:
        return self._overview("site/staff")

    @property
    def site_items(self) -> Overview | None:
        return self._overview("site/item")

    @property
    def trend(self) -> TrendChartModel | None:
        if self._trend is None:
            return None
        return trend_chart(self._trend, selected=self.trend_selected,
                           period=date_range(self.filter, self.app.now().date()))

    @property
    def site_name(self) -> str:
        return next((name for sid, name, _ in self.site_choices if sid == self.site_id),
                    self.site_id or "")

    @property
    def visit_list(self) -> tuple[VisitListRow, ...]:
        return visit_rows(self._visits, self.labeller)

    @property
    def visit(self) -> VisitView | None:
        if self._visit is None:
            return None
        detail, checklist = self._visit
        staff_names = {row.key: row.label for name in ("staff", "site/staff")
                       for row in (self._answers[name].rows if name in self._answers else [])}
        staff_names.update((sid, name) for sid, name, _ in self.staff_choices)
        return visit_view(detail, checklist, self.labeller,
                          site_names={sid: name for sid, name, _ in self.site_choices},
                          staff_names=staff_names)

    # -- plumbing ----------------------------------------------------------------------------------

    async def _open_source(self) -> ReportSource:
        """A source on the current credentials (read each time: a new token or sign-out counts
        at once). Its client is closed by the caller when the action's requests are done. Made
        in a worker thread: reading the credentials and setting up a client are blocking."""
        from audit_app.sync import load_credentials

        app = self.app

        def make() -> ReportSource | None:
            with app.device.lock:
                creds = load_credentials(app.device.folder)
            if creds is None:
                return None
            return ReportSource(ReportsClient(creds.server_url, creds.token, transport=self.transport),
                                ReportCache(app.device.folder), app.now)

        source = await asyncio.to_thread(make)
        if source is None:
            raise refuse("not_connected", "error.not_connected")
        return source

    async def _fetch(self, call: Callable[[ReportSource], object]):  # type: ignore[no-untyped-def]
        """Run one blocking source call in a worker thread; record its "as of" time. The loading
        bar is drawn only when the answer takes longer than LOADING_AFTER_S: redrawing a whole
        report screen just to show it would cost more than a quick answer."""
        source = await self._open_source()
        work = asyncio.ensure_future(asyncio.to_thread(call, source))
        try:
            done, _ = await asyncio.wait({work}, timeout=LOADING_AFTER_S)
            if not done:
                self.loading = True
                self.app.changed()
            fetched = await work
        except ReportsError as exc:
            raise refusal(exc) from exc
        finally:
            self.loading = False
            source.client.close()
        self.as_of, self.offline = fetched.as_of, fetched.offline  # type: ignore[attr-defined]
        return fetched.answer  # type: ignore[attr-defined]

    async def _compliance(self, name: str, group_by: GroupBy, params: dict[str, str]) -> None:
        self._answers[name] = await self._fetch(lambda s: s.compliance(group_by, params))

    def _act(self, action: Callable[[], Awaitable[None]]) -> Awaitable[bool]:
        return self.app.act(action)

    # -- actions -----------------------------------------------------------------------------------

    async def open(self) -> bool:
        """Home's Reports button: who I am (role, region), the sites to filter by, the overview."""
        async def action() -> None:
            from audit_app.sync import load_roster

            roster = await self.app.access.unlocked(load_roster, self.app.device)
            me = roster.me if roster is not None else None
            self.role = me.role if me else self.app.roster.role
            self.region = me.region if me else None
            if self.role not in REPORT_ROLES:
                raise refuse("reports_forbidden", "reports.error.forbidden")
            sites = roster.sites if roster is not None else []
            self.site_choices = tuple((s.id, s.name, s.region) for s in sites
                                      if self.region is None or s.region == self.region)
            self.staff_choices = tuple((m.id, m.name, s.id) for s in sites for m in s.staff
                                       if self.region is None or s.region == self.region)
            self.app.go(ReportsRoute.OVERVIEW)
            await self._compliance(self.overall_by, self.overall_by, self.params())
        return await self._act(action)

    async def show_overall(self, group_by: Overall) -> bool:
        """The "By site" / "By staff" switch. The screen keeps the current chart until the new
        answer is in, then draws it once: one redraw, patched in place, and never an older
        answer for the new grouping shown as if it were fresh."""
        async def action() -> None:
            answer = await self._fetch(lambda s: s.compliance(group_by, self.params()))
            self._answers[group_by] = answer
            self.overall_by = group_by
        return await self._act(action)

    @property
    def narrow(self) -> bool:
        return self.width is not None and self.width < CARDS_UNDER

    def set_width(self, width: float | None) -> None:
        """The page was resized: redraw only when the table/cards layout changes."""
        was = self.narrow
        self.width = width
        if self.narrow != was:
            self.app.changed()

    def turn_page(self, name: str, page: int) -> None:
        self.pages[name] = max(0, page)
        self.app.changed()

    async def open_trend(self, group_by: Overall | None = None) -> bool:
        async def action() -> None:
            if group_by is not None and group_by != self.trend_by:
                self.trend_by, self.trend_selected = group_by, None
            self.app.go(ReportsRoute.TREND)
            interval = trend_interval(*date_range(self.filter, self.app.now().date()))
            params = self.params()
            self._trend = await self._fetch(lambda s: s.trend(self.trend_by, interval, params))
        return await self._act(action)

    def toggle_trend_line(self, key: str) -> None:
        model = self.trend
        shown = [s.key for s in model.series] if model is not None else []
        shown = [k for k in shown if k != key] if key in shown else [*shown, key]
        self.trend_selected = tuple(shown)
        self.app.changed()

    def edit_filters(self) -> None:
        self.draft = self.filter
        self.draft_dates = {name: day.isoformat() for name, day in
                            (("custom_from", self.filter.custom_from), ("custom_to", self.filter.custom_to))
                            if day is not None}
        self.app.go(ReportsRoute.FILTERS)

    def change_draft(self, **changes: object) -> None:
        self.draft = self.draft.with_changes(**changes)
        self.app.changed()

    def set_period(self, period: str) -> None:
        self.change_draft(period=Period(period))

    def set_choice(self, name: str, value: str | None) -> None:
        """Region, checklist, site or staff member from a dropdown; "" means all."""
        if name not in ("region", "checklist_id", "site_id", "staff_id"):
            raise ValueError(f"not a filter: {name}")
        self.change_draft(**{name: value or None})

    def set_custom_date(self, name: str, value: str) -> None:
        """A typed custom date, kept as typed until Apply checks it."""
        self.draft_dates[name] = value.strip()

    async def apply_filters(self) -> bool:
        async def action() -> None:
            dates: dict[str, dt.date | None] = {}
            for name in ("custom_from", "custom_to"):
                typed = self.draft_dates.get(name, "")
                try:
                    dates[name] = dt.date.fromisoformat(typed) if typed else None
                except ValueError:
                    raise refuse("reports_filter", "reports.error.date_format", date=typed) from None
            self.draft = self.draft.with_changes(**dates)
            try:
                query_params(self.draft, self.app.now().date(), region_allowed=self.region_allowed)
            except FilterError as exc:
                raise refuse("reports_filter", _FILTER_KEYS.get(exc.field, "reports.error.custom_from")) from exc
            self.filter = self.draft
            self._answers.clear()
            self.pages.clear()
            self._trend = None
            self.forget_actions()
            self.app.go(ReportsRoute.OVERVIEW)
            await self._compliance(self.overall_by, self.overall_by, self.params())
        return await self._act(action)

    def back(self, route: str) -> None:
        self.app.go(route)
