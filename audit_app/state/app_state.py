"""The state of one app session (one Flet page) and every action a user can take.

No widgets here. Views read the attributes and call the `async` actions; each action saves
through `DeviceAccess`, records a `UiError` instead of raising, and tells the listeners (the
page) to redraw. One `AppState` per page, never module-global: two people on one web server
never share it."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from audit_app.domain import Checklist
from audit_app.i18n import LANGUAGES
from audit_app.photos import PhotoLimits
from audit_app.stopwatch import local_now
from audit_app.store import VisitState, VisitSummary
from audit_app.sync.review_states import ReviewOutcome, load_review_states

from .check_in import CheckInActions
from .device_access import DeviceAccess
from .new_visit_form import NewVisitForm, SiteOption, remembered_form, site_options
from .errors import FieldRefused, UiError, refuse, ui_error
from .routes import Route
from .prefs import PHOTO_SIZES, Prefs, load_prefs, save_prefs
from .roster import RosterView, load_roster_view
from .setup import ConnectionActions, SetupForm
from .actions import ActionsSession
from .reports import ReportsSession
from .review_queue import ReviewQueueSession
from .review_states import review_text
from .sync_session import SyncSession
from .auto_send import AutoSend
from .visit_actions import VisitActions
from .visit_session import VisitSession


UNSYNCED = (VisitState.DRAFT, VisitState.FINALISED, VisitState.CONFLICT) + tuple(
    s for s in VisitState if s.value == "rejected")


@dataclass(frozen=True)
class HomeModel:
    summaries: tuple[VisitSummary, ...]
    counts: dict[VisitState, int]
    pending: int          # revisions waiting in the outbox (the sync badge)
    # The server's review of synced visits, where it needs the auditor's attention.
    reviews: dict[str, ReviewOutcome] = field(default_factory=dict)

    @classmethod
    def of(cls, summaries: list[VisitSummary],
           reviews: dict[str, ReviewOutcome] | None = None) -> HomeModel:
        counts = {state: 0 for state in VisitState}
        for summary in summaries:
            counts[summary.state] += 1
        return cls(tuple(summaries), counts, sum(1 for s in summaries if s.queued), reviews or {})

    def review_line(self, lang: str, visit_id: str) -> str | None:
        """"Has issues: <reason>" / "Rejected: <reason>" for a reviewed visit, else None."""
        return review_text(lang, self.reviews.get(visit_id))

    @property
    def unsynced(self) -> int:
        return sum(self.counts.get(state, 0) for state in UNSYNCED)


def server_reasons(record) -> tuple[tuple[str, str], ...]:
    """Why the server refused this revision: a conflict's reason, or each rejection problem."""
    reasons = []
    if record.conflict_reason:
        reasons.append((record.conflict_reason, record.conflict_reason))
    for problem in getattr(record, "rejection", None) or []:
        english = problem.get("message") or problem.get("code", "")
        reasons.append((english, problem.get("message_zh") or english))
    return tuple(reasons)


class AppState(VisitActions, ConnectionActions, CheckInActions):
    """See the module docstring. `now` is injectable for tests."""

    def __init__(self, access: DeviceAccess, *, now: Callable[[], datetime] = local_now):
        self.access = access
        self.now = now
        self.monotonic = None                   # the stopwatch's clock (tests pass a fake one)
        self.prefs = Prefs()
        self.route = Route.FIRST_RUN
        self.error: UiError | None = None
        self.flash: str | None = None          # i18n key of a short confirmation
        self.busy = False
        self.home = HomeModel.of([])
        self.checklists: list[Checklist] = []
        self.roster: RosterView = RosterView.empty()
        self.form = NewVisitForm()
        self.visit: VisitSession | None = None
        self.sign_out_confirmations = 0
        self.storage_bytes: int | None = None
        self.setup_form = SetupForm()
        self.sync = SyncSession(self)
        self.auto_send = AutoSend(self)       # sends finalised visits without a tap
        self.review_queue = ReviewQueueSession(self)  # the manager's Review queue
        self.reports = ReportsSession(self)   # the manager's reports: filters kept per session
        self.actions = ActionsSession(self)   # corrective actions (state/actions.py)
        self.server_url: str | None = None
        self.land_after_sync = False          # just connected: land once a sync says who this is
        self._listeners: list[Callable[[], None]] = []
        self._navigate: Callable[[str], None] | None = None

    # -- plumbing ------------------------------------------------------------------------------------

    @property
    def lang(self) -> str:
        return self.prefs.language

    @property
    def device(self):
        return self.access.device

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    def set_navigator(self, navigate: Callable[[str], None]) -> None:
        """How a route change reaches the browser (history, back button)."""
        self._navigate = navigate

    async def act(self, action: Callable[[], Awaitable[object]]) -> bool:
        """Run one user action: any failure becomes `self.error`; the page redraws after it."""
        self.flash = None
        try:
            await action()
        except FieldRefused:  # shown at its field, which keeps what was typed
            self.error = None
            return False
        except Exception as exc:  # every failure is shown, none crashes the page
            self.error = ui_error(exc)
            return False
        else:
            self.error = None
            return True
        finally:
            self.changed()

    def dismiss_error(self) -> None:
        self.error = None
        self.changed()

    def go(self, route: str) -> None:
        if route in (Route.RUNNER, Route.REVIEW) and self.visit is None:
            route = Route.HOME
        if not self.prefs.setup_done:
            route = Route.FIRST_RUN
        self.route = route
        self.sign_out_confirmations = 0
        if self._navigate is not None:
            self._navigate(route)
        self.changed()

    # -- loading -----------------------------------------------------------------------------------

    async def load(self) -> None:
        """Read settings, the home summary, checklists and the cached roster (app start)."""
        self.prefs = await self.access.locked(load_prefs, self.device.folder)
        await self.refresh_home()
        store = self.device.store
        self.checklists = await self.access.locked(store.checklists.current_checklists)
        self.roster = await self.access.locked(load_roster_view, self.device)
        await self.load_server_url()
        self.route = Route.HOME if self.prefs.setup_done else Route.FIRST_RUN

    async def land(self) -> None:
        """Where the app opens once loaded: a manager or admin on Reports (Home is the report
        screen's Back), an auditor on Home."""
        from .reports import REPORT_ROLES

        if self.route == Route.HOME and self.roster.role in REPORT_ROLES:
            await self.reports.open()

    async def land_once_known(self) -> None:
        """After a sync: a phone just enrolled (or given a token) lands where its role does, as
        every later start does. Its role comes with the roster that first sync pulls, whichever
        sync that is (the app's automatic one can start first)."""
        if self.land_after_sync and self.roster.role is not None:
            self.land_after_sync = False
            await self.land()

    async def refresh_home(self) -> None:
        summaries = await self.access.locked(self.device.store.visits.summaries)
        reviews = await self.access.locked(load_review_states, self.device)
        self.home = HomeModel.of(summaries, reviews)

    async def _save_prefs(self, **changes: object) -> None:
        prefs = self.prefs.model_copy(update=changes)
        await self.access.locked(save_prefs, self.device.folder, prefs)
        self.prefs = prefs

    # -- first run and settings --------------------------------------------------------------------

    async def set_language(self, lang: str) -> bool:
        async def action() -> None:
            if lang not in LANGUAGES:
                raise refuse("unknown_language", "error.unknown_language")
            await self._save_prefs(language=lang)
        return await self.act(action)

    async def choose_offline_only(self) -> bool:
        async def action() -> None:
            await self._save_prefs(setup_done=True, offline_only=True)
            self.go(Route.HOME)
        return await self.act(action)

    async def finish_setup(self) -> None:
        """After an enrolment or a token: the phone is set up and online."""
        await self._save_prefs(setup_done=True, offline_only=False)
        self.roster = await self.access.locked(load_roster_view, self.device)
        self.land_after_sync = True

    async def set_photo_size(self, long_edge: int) -> bool:
        async def action() -> None:
            if long_edge not in PHOTO_SIZES:
                raise refuse("photo_size", "error.photo_size")
            await self._save_prefs(photo_long_edge=long_edge)
        return await self.act(action)

    async def measure_storage(self) -> None:
        def used(folder) -> int:
            total = 0
            for root, _dirs, files in os.walk(folder):
                total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
            return total
        self.storage_bytes = await self.access.unlocked(used, self.device.folder)
        self.changed()

    # -- new visit -----------------------------------------------------------------------------------

    def pick_checklist(self, checklist_id: str) -> None:
        self.form.checklist_id = checklist_id
        self.changed()

    def pick_site(self, site_id: str) -> None:
        self.form.site_id = site_id.strip() or None
        staff = set(self.roster.staff_ids(self.form.site_id)) if self.form.site_id else set()
        self.form.staff_ids = tuple(s for s in self.form.staff_ids if s in staff)
        self.changed()

    def toggle_staff(self, staff_id: str) -> None:
        ids = list(self.form.staff_ids)
        ids.remove(staff_id) if staff_id in ids else ids.append(staff_id)
        self.form.staff_ids = tuple(ids)
        self.changed()

    def set_peak(self, peak: bool) -> None:
        self.form.peak = bool(peak)
        self.changed()

    def open_new_visit(self) -> None:
        self.form = remembered_form(self.home.summaries, self.checklists)
        self.go(Route.NEW_VISIT)

    def search_sites(self, text: str) -> None:
        self.form.site_query = text
        self.changed()

    def site_options(self) -> list[SiteOption]:
        return site_options(self.roster.sites, self.home.summaries, self.form.checklist_id, self.form.site_query)

    async def start_visit(self) -> bool:
        async def action() -> None:
            form = self.form
            checklist = next((c for c in self.checklists if c.id == form.checklist_id), None)
            if checklist is None:
                raise refuse("no_checklist", "error.no_checklist")
            if not form.site_id:
                raise refuse("no_site", "error.no_site")
            repo = self.device.store.visits
            visit = await self.access.locked(partial(
                repo.start_visit, checklist_id=checklist.id, checklist_version=checklist.version,
                site_id=form.site_id, staff_ids=list(form.staff_ids), peak=form.peak, now=self.now()))
            self.visit = self._session(checklist, visit, VisitState.DRAFT)
            await self.refresh_home()
            await self.actions.reload()   # the site's actions to re-check, shown first
            self.go(Route.RUNNER)
            self.start_check_in()
        return await self.act(action)

    def _session(self, checklist: Checklist, visit, state: VisitState) -> VisitSession:
        return VisitSession(access=self.access, checklist=checklist, visit=visit, state=state,
                            now=self.now, photo_limits=PhotoLimits(long_edge=self.prefs.photo_long_edge),
                            monotonic=self.monotonic)

    async def open_visit(self, visit_id: str) -> bool:
        """From Home: a draft opens in the runner, anything else in Review."""
        async def action() -> None:
            store = self.device.store
            record = await self.access.locked(store.visits.get, visit_id)
            checklist = await self.access.locked(store.checklists.get_checklist,
                                                 record.visit.checklist_id, record.visit.checklist_version)
            self.visit = self._session(checklist, record.visit, record.state)
            self.visit.server_reasons = server_reasons(record)
            await self.visit.load_thumbnails()
            await self.actions.reload()
            self.go(Route.RUNNER if record.state is VisitState.DRAFT else Route.REVIEW)
        return await self.act(action)

    async def open_sync(self) -> bool:
        """Home's Sync now: show the sync screen and start at once."""
        self.go(Route.SYNC)
        return await self.sync.start()

    async def start_sync(self) -> bool:
        return await self.sync.start()

    def cancel_sync(self) -> None:
        self.sync.cancel()

    async def set_auto_send(self, on: bool) -> bool:
        async def action() -> None:
            await self._save_prefs(auto_send=bool(on))
            if on:
                self.auto_send.trigger()
            else:
                self.auto_send.stop()
        return await self.act(action)

    def app_started(self) -> None:
        """After `load` on a page: send what waits (auto-send at app start)."""
        self.auto_send.trigger()

    async def open_settings(self) -> None:
        self.go(Route.SETTINGS)
        await self.act(self.load_server_url)
        await self.measure_storage()

    async def go_home(self) -> None:
        await self.act(self.refresh_home)
        self.visit = None
        self.go(Route.HOME)
