"""Sync: progress (visits, bytes), each visit's outcome with the server's reasons, retry,
cancel, and a clear banner when offline (nothing is lost: the visits stay queued)."""

from __future__ import annotations

import flet as ft

from audit_app.i18n import t
from audit_app.state import AppState, Route

from .common import FAIL_COLOUR, PASS_COLOUR, back_button, big_button, on, screen, section_title
from .labels import format_bytes, format_time

_OUTCOME_COLOURS = {"synced": PASS_COLOUR, "conflict": FAIL_COLOUR, "rejected": ft.Colors.PURPLE_700,
                    "pending": ft.Colors.ORANGE_800}


def _result_line(state: AppState, result) -> ft.Control:
    lang = state.lang
    outcome = str(result.outcome.value if hasattr(result.outcome, "value") else result.outcome)
    reason = (result.message_zh if lang.startswith("zh") else result.message_en) or ""
    problems = [(p.get("message_zh") if lang.startswith("zh") else p.get("message")) or p.get("code", "")
                for p in (result.problems or [])]
    summary = next((s for s in state.home.summaries if s.visit_id == result.visit_id), None)
    site = state.roster.site_name(summary.site_id) if summary else result.visit_id[:8]
    return ft.ListTile(
        title=ft.Text(t(lang, "sync.visit_line", site=site, revision=result.revision)),
        subtitle=ft.Text("\n".join([x for x in [reason, *problems] if x]) or None, size=13) if (reason or problems) else None,
        trailing=ft.Container(ft.Text(t(lang, f"sync.outcome_{outcome}"), color=ft.Colors.WHITE, size=13),
                              bgcolor=_OUTCOME_COLOURS.get(outcome, ft.Colors.BLUE_GREY_600), border_radius=12,
                              padding=ft.Padding.symmetric(vertical=4, horizontal=10)))


def sync_view(state: AppState) -> ft.View:
    lang = state.lang
    sync = state.sync
    body: list = []
    if sync.offline:
        body.append(ft.Container(
            bgcolor=ft.Colors.AMBER_100, border_radius=8, padding=ft.Padding.all(12), key="offline-banner",
            content=ft.Row([ft.Icon(ft.Icons.CLOUD_OFF, color=ft.Colors.ORANGE_900),
                            ft.Text(t(lang, "sync.offline"), expand=True, weight=ft.FontWeight.W_500)])))
    if state.prefs.offline_only and state.server_url is None:
        body.append(ft.Text(t(lang, "sync.not_connected")))
    progress = sync.progress
    if sync.running:
        body.append(ft.Text(t(lang, "sync.cancelling") if sync.cancelling else t(lang, "sync.running")))
        if progress is not None and progress.visits_total:
            body += [
                ft.Text(t(lang, "sync.visits", done=progress.visits_done, total=progress.visits_total)),
                ft.ProgressBar(value=progress.visits_done / progress.visits_total, bar_height=8,
                               semantics_label=t(lang, "sync.visits_label")),
                ft.Text(t(lang, "sync.bytes", done=format_bytes(progress.bytes_sent),
                          total=format_bytes(progress.bytes_total))),
                ft.ProgressBar(value=progress.bytes_sent / progress.bytes_total if progress.bytes_total else 0,
                               bar_height=8, semantics_label=t(lang, "sync.bytes_label")),
            ]
        else:
            body.append(ft.ProgressBar(bar_height=8))
    report = sync.report
    if report is not None and not sync.running:
        body += [
            section_title(t(lang, "sync.last_run", time=format_time(report.finished_at))),
            ft.Text(t(lang, "sync.summary", synced=report.synced, conflict=report.conflict,
                      rejected=report.rejected, pending=report.pending)),
            *[_result_line(state, result) for result in report.results],
        ]
    body.append(ft.Text(t(lang, "home.pending", count=state.home.pending) if state.home.pending
                        else t(lang, "home.nothing_pending"), color=ft.Colors.BLUE_GREY_700))
    if sync.running:
        bottom = ft.Row([big_button(t(lang, "sync.cancel"), on(state.cancel_sync), icon=ft.Icons.STOP,
                                    filled=False, disabled=sync.cancelling)])
    else:
        bottom = ft.Row([big_button(t(lang, "home.sync_now"), on(state.start_sync), icon=ft.Icons.SYNC,
                                    key="sync-now")])
    return screen(state, Route.SYNC, t(lang, "sync.title"), body,
                  leading=back_button(state, on(state.go_home)), bottom=bottom)
