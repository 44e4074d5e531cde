"""The visit runner: section by section, every answer saved the moment it is given.

The progress header stays put above the scrolling list; the big bottom button goes to the next
section (Review on the last), a list button shows every section with its answered/total. The
list scrolls where the session asks (`ScrollRequest`): a new section at its top, back to where
you were, or from Review to the item's card."""

from __future__ import annotations

import asyncio

import flet as ft

from audit_app.i18n import t
from audit_app.state import AppState, Route, VisitSession
from audit_app.state.runner_model import ScrollRequest, progress, section_lines, section_rows, text_of

from .common import TOUCH, back_button, big_button, icon_button, on, screen
from .runner_cards import forget_cards, item_cards
from .check_in import check_in_line
from .recheck import recheck_block


def item_scroll_key(item_key: str) -> ft.ScrollKey:
    return ft.ScrollKey(f"item-{item_key}")


# A jump to an item's card can reach the browser before it has built that card (the new
# section's cards appear on its next frame; later still on a busy phone), and Flet's scroll_to
# then does nothing (see its scrollable_control.dart). So the jump waits for one round trip
# to the browser, then is asked again until the list reports that it moved: once the card is in
# place and aligned, asking again moves nothing. It jumps without an animation, which a
# layout arriving meanwhile could cut short. (Each screen being its own View, keyed by route
# in common.screen, is what makes the list that moves the one on screen.)
JUMP_AGAIN_AFTER_S = (0.0, 0.25, 0.5, 1.0, 2.0)
REPORT_POLL_S = 0.05


@ft.component
def ScrollOnRequest(request: ScrollRequest, column: ft.Column, session: VisitSession) -> ft.Control:
    """Invisible: after a redraw with a new request, scrolls `column` as asked."""
    def scroll() -> None:
        async def moved_within(seconds: float, reports: int) -> bool:
            for _ in range(max(1, round(seconds / REPORT_POLL_S))):
                await asyncio.sleep(REPORT_POLL_S)
                if session.scroll_reports != reports:
                    return True
            return False

        async def jump(item_key: str) -> None:
            await column.scroll_to(delta=0)                # a round trip: the browser has the redraw
            for wait in JUMP_AGAIN_AFTER_S:
                if session.scroll.seq != request.seq:       # a newer request took over
                    return
                reports = session.scroll_reports
                await column.scroll_to(scroll_key=f"item-{item_key}")
                if await moved_within(max(wait, 0.3), reports):
                    return

        async def go() -> None:
            try:
                if request.item_key:
                    await jump(request.item_key)
                else:
                    await column.scroll_to(offset=request.offset or 0.0)
            except Exception:  # the page went away, or the list is not on screen any more
                pass
        asyncio.get_running_loop().create_task(go())

    ft.use_effect(scroll, [request.seq])
    return ft.Container(width=0, height=0)


def runner_list(state: AppState, controls: list[ft.Control]) -> list[ft.Control]:
    column = ft.Column(controls, spacing=12, expand=True, scroll=ft.ScrollMode.AUTO, scroll_interval=250,
                       horizontal_alignment=ft.CrossAxisAlignment.STRETCH, key="runner-list",
                       on_scroll=lambda e: state.remember_scroll(e.pixels))
    return [column, ScrollOnRequest(state.visit.scroll, column, state.visit)]


def _header(state: AppState) -> ft.Control:
    lang = state.lang
    session = state.visit
    checklist, visit = session.checklist, session.visit
    done = progress(checklist, visit)
    index = session.section
    return ft.Container(bgcolor=ft.Colors.WHITE, padding=ft.Padding.only(bottom=4), content=ft.Column([
        ft.Text(t(lang, "runner.progress", answered=done.answered, required=done.required), size=14),
        ft.ProgressBar(value=done.fraction, bar_height=8, border_radius=4,
                       semantics_label=t(lang, "runner.progress_label")),
        ft.Text(t(lang, "runner.section_of", number=index + 1, total=len(checklist.sections)), size=13,
                color=ft.Colors.BLUE_GREY_700),
        ft.Text(t(lang, "flow.sections") if session.show_sections else text_of(checklist.sections[index].title, lang),
                size=20, weight=ft.FontWeight.W_600),
    ], spacing=4))


def _section_list(state: AppState) -> list[ft.Control]:
    lang = state.lang
    session = state.visit
    tiles: list[ft.Control] = []
    for line in section_lines(session.checklist, session.visit, session.section, lang):
        complete = line.answered == line.total
        tiles.append(ft.ListTile(
            key=f"section-{line.index}", title=ft.Text(line.title, size=16, weight=ft.FontWeight.W_600 if line.current else None),
            leading=ft.Icon(ft.Icons.CHECK_CIRCLE if complete else ft.Icons.RADIO_BUTTON_UNCHECKED,
                            color=ft.Colors.GREEN_700 if complete else ft.Colors.BLUE_GREY_300),
            trailing=ft.Text(t(lang, "flow.answered_of", answered=line.answered, total=line.total), size=14),
            on_click=on(state.go_section, line.index), min_height=TOUCH + 8,
            bgcolor=ft.Colors.BLUE_GREY_50 if line.current else None))
    return tiles


def runner_view(state: AppState, services) -> ft.View:
    lang = state.lang
    session = state.visit
    checklist, visit = session.checklist, session.visit
    sections = checklist.sections
    index = session.section
    last = index >= len(sections) - 1
    if session.show_sections:
        forget_cards(services)
        content = _section_list(state)
    else:
        marks = state.actions.item_marks()
        content = item_cards(state, section_rows(checklist, visit, index, lang, session.typing, marks), services)
    previous = icon_button(ft.Icons.CHEVRON_LEFT, t(lang, "runner.previous_section"),
                           on(state.go_section, index - 1), size=TOUCH + 8,
                           disabled=index == 0 or session.show_sections)
    listing = icon_button(ft.Icons.CLOSE if session.show_sections else ft.Icons.LIST, t(lang, "flow.sections"),
                          on(state.toggle_sections), size=TOUCH + 8)
    # One thumb: the big button moves on; on the last section (and from the list) it is Review.
    if last or session.show_sections:
        primary = big_button(t(lang, "runner.review"), on(state.review), icon=ft.Icons.CHECKLIST, key="review")
    else:
        primary = big_button(t(lang, "runner.next_section"), on(state.go_section, index + 1),
                             icon=ft.Icons.ARROW_FORWARD, key="next-section")
    bottom = ft.Row([previous, primary, listing], spacing=8)
    review = icon_button(ft.Icons.CHECKLIST, t(lang, "runner.review"), on(state.review))
    first = [c for c in (check_in_line(state), recheck_block(state)) if c is not None]
    body = [_header(state), *runner_list(state, first
                                          + [*content, ft.Container(height=24)])]
    return screen(state, Route.RUNNER, text_of(checklist.title, lang), body,
                  leading=back_button(state, on(state.go_home)), bottom=bottom, scroll=False,
                  actions=[] if last or session.show_sections else [review])
