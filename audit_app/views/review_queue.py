"""The manager's Review queue: unreviewed visits (flagged first), each flag explained in the
user's language; approve, has issues, reject (with a reason). Logic: state/review_queue.py."""

from __future__ import annotations

import flet as ft

from audit_app.i18n import t
from audit_app.state import AppState, Route
from audit_app.state.durations import format_duration
from audit_app.state.review_queue import QUEUE_ROLES, QUEUE_ROUTE, AnswerTimeline, QueuedVisit, answer_timeline

from .common import TOUCH, back_button, on, on_value, screen
from .routes import ScreenEntry, register_screen


def _evidence(thumbnails: dict[str, bytes], photos: tuple[str, ...], lang: str) -> ft.Control | None:
    """The photo evidence side by side: this visit's photo, then the other visit's (the same
    photo again for a duplicate), each captioned."""
    if not photos or photos[0] not in thumbnails:
        return None
    pair = photos if len(photos) == 2 else (photos[0], photos[0])
    tiles = []
    for sha, caption in zip(pair, ("integrity.queue.this_visit", "integrity.queue.other_visit"), strict=True):
        if sha not in thumbnails:
            continue
        tiles.append(ft.Column([
            ft.Image(src=thumbnails[sha], width=140, height=105, fit=ft.BoxFit.COVER, border_radius=6,
                     semantics_label=t(lang, caption)),
            ft.Text(t(lang, caption), size=12, color=ft.Colors.BLUE_GREY_700)], spacing=2, tight=True))
    return ft.Row(tiles, spacing=8, wrap=True)


TIMELINE_WIDTH, TIMELINE_HEIGHT, TICK_WIDTH = 300, 24, 3


def _timeline(timeline: AnswerTimeline, lang: str) -> ft.Control:
    """A `too_fast` visit's answers as ticks along a strip: a burst of taps reads at a glance."""
    ticks = [ft.Container(left=round(position * (TIMELINE_WIDTH - TICK_WIDTH)), top=4, width=TICK_WIDTH,
                          height=TIMELINE_HEIGHT - 8, bgcolor=ft.Colors.RED_700, border_radius=1)
             for position in timeline.positions]
    caption = t(lang, "integrity.queue.timeline", answers=len(timeline.offsets_s),
                span=format_duration(timeline.span_s, "min" if timeline.span_s >= 120 else "s", lang))
    strip = ft.Container(width=TIMELINE_WIDTH, height=TIMELINE_HEIGHT, bgcolor=ft.Colors.BLUE_GREY_50,
                         border_radius=4, content=ft.Stack(ticks, width=TIMELINE_WIDTH, height=TIMELINE_HEIGHT))
    return ft.Column([strip, ft.Text(caption, size=12, color=ft.Colors.BLUE_GREY_700)], spacing=2, tight=True)


def _card(state: AppState, visit: QueuedVisit) -> ft.Control:
    lang, queue = state.lang, state.review_queue
    site = state.roster.site_name(visit.site_id)
    flags: list[ft.Control] = []
    for flag in visit.flags:
        flags.append(ft.Text(f"• {flag.text(lang)}", size=13, color=ft.Colors.RED_800))
        evidence = _evidence(queue.thumbnails, flag.photos, lang)
        if evidence is not None:
            flags.append(evidence)
        timeline = answer_timeline(flag)
        if timeline is not None:
            flags.append(_timeline(timeline, lang))
    flags = flags or [ft.Text(t(lang, "integrity.queue.no_flags"), size=13)]
    reason = ft.TextField(label=t(lang, "integrity.queue.reason"), dense=True,
                          value=queue.reasons.get(visit.id, ""),
                          on_change=on_value(queue.set_reason, visit.id),
                          tooltip=t(lang, "integrity.queue.reason"))

    def button(key: str, decision: str, icon: ft.IconData) -> ft.Control:
        return ft.TextButton(t(lang, key), icon=icon, height=TOUCH, tooltip=t(lang, key),
                             on_click=on(queue.decide, visit.id, decision))
    return ft.Card(key=f"queue-{visit.id}", content=ft.Container(padding=12, content=ft.Column([
        ft.Text(f"{site} · {visit.started_at[:16].replace('T', ' ')}", weight=ft.FontWeight.W_500),
        ft.Text(visit.auditor_id, size=12, color=ft.Colors.BLUE_GREY_700),
        # Its own semantics node: without it the web merges the card's texts into the field's name.
        *flags, ft.Semantics(container=True, content=reason),
        ft.Row([button("integrity.queue.approve", "approved", ft.Icons.CHECK),
                button("integrity.queue.has_issues", "has_issues", ft.Icons.REPORT),
                button("integrity.queue.reject", "rejected", ft.Icons.BLOCK)], wrap=True),
    ], spacing=6, tight=True)))


def review_queue_view(state: AppState, _services: object = None) -> ft.View:
    lang = state.lang
    visits = state.review_queue.visits
    body = [_card(state, visit) for visit in visits] or [ft.Text(t(lang, "integrity.queue.empty"))]
    back = back_button(state, on(state.go, Route.HOME))
    return screen(state, QUEUE_ROUTE, t(lang, "integrity.queue.title"), body, leading=back)


def register_review_queue_screen() -> None:
    register_screen(ScreenEntry(QUEUE_ROUTE, review_queue_view, home_label_key="integrity.queue.open",
                                icon=ft.Icons.FACT_CHECK, roles=QUEUE_ROLES,
                                open=lambda state: state.review_queue.open()))
