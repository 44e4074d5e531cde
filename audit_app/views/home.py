"""Home: visits by state with counts, the pending-sync badge, last sync, a big New visit."""

from __future__ import annotations

import flet as ft

from audit_app.i18n import t
from audit_app.state import AppState, Route
from audit_app.store import VisitState

from .common import TOUCH, big_button, on, screen, section_title
from .labels import STATE_COLOURS, format_time, state_label
from .review_line import with_review_line


def _count_tile(state: AppState, visit_state: VisitState) -> ft.Control:
    count = state.home.counts.get(visit_state, 0)
    label = state_label(state.lang, visit_state)
    return ft.Container(
        expand=True, padding=ft.Padding.all(10), border_radius=10,
        bgcolor=ft.Colors.with_opacity(0.08, STATE_COLOURS[visit_state]),
        content=ft.Column([ft.Text(str(count), size=26, weight=ft.FontWeight.BOLD,
                                   color=STATE_COLOURS[visit_state]),
                           ft.Text(label, size=14)], spacing=2, tight=True))


def _visit_row(state: AppState, summary) -> ft.Control:
    lang = state.lang
    checklist = next((c for c in state.checklists if c.id == summary.checklist_id), None)
    title = (checklist.title.zh if lang.startswith("zh") else checklist.title.en) if checklist else summary.checklist_id
    site = state.roster.site_name(summary.site_id)
    return ft.ListTile(
        key=f"visit-{summary.visit_id}",
        title=ft.Text(title, weight=ft.FontWeight.W_500),
        subtitle=with_review_line(state, summary.visit_id,
                                  ft.Text(f"{site} · {format_time(summary.started_at)}")),
        trailing=ft.Container(
            content=ft.Text(state_label(lang, summary.state), color=ft.Colors.WHITE, size=13),
            bgcolor=STATE_COLOURS[summary.state], border_radius=12, padding=ft.Padding.symmetric(vertical=4, horizontal=10)),
        on_click=on(state.open_visit, summary.visit_id), min_height=TOUCH + 8)


def home_view(state: AppState, nav_actions: list[ft.Control]) -> ft.View:
    lang = state.lang
    home = state.home
    last = state.prefs.last_sync_at
    sync_line = (t(lang, "home.last_sync", time=format_time(last)) if last else t(lang, "home.never_synced"))
    sync_button = ft.Button(
        content=t(lang, "home.sync_now"), icon=ft.Icons.SYNC, on_click=on(state.open_sync), height=TOUCH,
        badge=ft.Badge(label=str(home.pending)) if home.pending else None)
    pending_text = (t(lang, "home.pending", count=home.pending) if home.pending
                    else t(lang, "home.nothing_pending"))
    auto_line = state.auto_send.home_line()
    if auto_line is not None:   # auto-send's own words: sending…, all sent, 3 waiting: offline
        pending_text = t(lang, auto_line[0], **auto_line[1])
    if state.prefs.offline_only:
        pending_text = t(lang, "home.offline_only")
    who = state.roster.user_name
    signed_in = (ft.Text(t(lang, "home.signed_in", name=who, role=t(lang, f"role.{state.roster.role}")),
                         size=13, color=ft.Colors.BLUE_GREY_700) if who and state.roster.role else None)
    tiles = [_count_tile(state, s) for s in VisitState]
    tile_rows = [ft.Row(tiles[i:i + 3], spacing=8) for i in range(0, len(tiles), 3)]
    rows = [_visit_row(state, s) for s in home.summaries]
    body = [
        signed_in,
        ft.Column(tile_rows, spacing=8),
        ft.Container(
            padding=ft.Padding.all(10), border_radius=10, bgcolor=ft.Colors.BLUE_GREY_50,
            content=ft.Row([ft.Column([ft.Text(pending_text, weight=ft.FontWeight.W_500),
                                       ft.Text(sync_line, size=13, color=ft.Colors.BLUE_GREY_700)],
                                      spacing=2, expand=True, tight=True),
                            sync_button])),
        section_title(t(lang, "home.visits")),
        *(rows or [ft.Text(t(lang, "home.no_visits"), color=ft.Colors.BLUE_GREY_600)]),
    ]
    settings = ft.TextButton(t(lang, "home.settings"), icon=ft.Icons.SETTINGS, on_click=on(state.open_settings),
                             height=TOUCH)
    bottom = ft.Row([big_button(t(lang, "home.new_visit"), on(state.open_new_visit), icon=ft.Icons.ADD,
                                key="new-visit")])
    return screen(state, Route.HOME, t(lang, "app.title"), body, actions=[*nav_actions, settings], bottom=bottom)
