"""Corrective actions: the list (open / overdue / all), one action's timeline with the event
buttons the role may use and the resolve form, and the create form. Thin: every decision is in
`audit_app/state/actions.py`."""

from __future__ import annotations

import flet as ft

from audit_app.domain.actions import CAUSES, PRIORITIES
from audit_app.i18n import t
from audit_app.state import AppState
from audit_app.state.actions import CAUSE_KEYS, ActionsRoute

from .common import (
    FAIL_COLOUR, PASS_COLOUR, TOUCH, back_button, big_button, choice_button, icon_button, on, on_value, screen,
    section_title,
)
from .routes import ScreenEntry, Services, register_screen

ALL_ROLES = frozenset({"auditor", "manager", "admin"})


def _status(lang: str, status: str) -> str:
    return t(lang, f"actions.status.{status}")


def list_view(state: AppState, _services: Services) -> ft.View:
    lang, session = state.lang, state.actions
    filters = ft.Row([choice_button(t(lang, f"actions.filter.{choice}"), on(session.set_filter, choice),
                                    selected=session.filter == choice, colour=ft.Colors.BLUE_GREY_700)
                      for choice in ("open", "overdue", "all")])
    rows = []
    for row in session.rows():
        detail = t(lang, "actions.row", due=row.due_on.isoformat(), status=_status(lang, row.status),
                   days=row.days_open)
        rows.append(ft.ListTile(
            leading=ft.Icon(ft.Icons.WARNING if row.overdue else ft.Icons.ASSIGNMENT,
                            color=FAIL_COLOUR if row.overdue else None),
            title=ft.Text(row.title, size=15),
            subtitle=ft.Text(detail + ("" if row.synced else t(lang, "actions.not_synced")), size=13,
                             color=FAIL_COLOUR if row.overdue else None),
            on_click=on(session.select, row.id), min_height=TOUCH + 8))
    body = [filters, *rows, ft.Text(t(lang, "actions.none")) if not rows else None]
    return screen(state, ActionsRoute.LIST, t(lang, "actions.title"), body,
                  leading=back_button(state, on(state.go_home)))


def _cause_dropdown(state: AppState) -> ft.Control:
    """Named by its label and what it shows ("Cause category: Facilities"): on the web a
    dropdown's floating label does not reach the accessibility tree (as Reports' filters)."""
    lang, session = state.lang, state.actions
    chosen = session.event.cause
    shown = t(lang, CAUSE_KEYS[chosen]) if chosen in CAUSE_KEYS else t(lang, "actions.cause_none")
    return ft.Semantics(
        label=t(lang, "reports_ui.named_choice", label=t(lang, "actions.cause"), value=shown), container=True,
        content=ft.Dropdown(label=t(lang, "actions.cause"), value=chosen or "", on_select=on_value(session.set_cause),
                            error_text=session.field_error("cause", lang), expand=True,
                            options=[ft.DropdownOption(key=cause, text=t(lang, CAUSE_KEYS[cause]))
                                     for cause in CAUSES]))


def _fix_photos(state: AppState, services: Services) -> list[ft.Control | None]:
    """The resolve form's photos of the fix: thumbnails with a delete each, a spinner per photo
    being shrunk, the buttons to add one, and why a resolve was refused without one."""
    lang, session = state.lang, state.actions
    tiles: list[ft.Control] = []
    for sha in session.event.photos:
        thumb = session.thumbnails.get(sha)
        image = ft.Image(src=thumb, width=96, height=96, fit=ft.BoxFit.COVER, border_radius=8,
                         semantics_label=t(lang, "actions.fix_photo")) if thumb else ft.Icon(ft.Icons.IMAGE, size=48)
        delete = icon_button(ft.Icons.DELETE, t(lang, "runner.delete_photo"), on(session.remove_fix_photo, sha),
                             icon_color=ft.Colors.WHITE, bgcolor=ft.Colors.with_opacity(0.6, ft.Colors.BLACK))
        tiles.append(ft.Stack([image, ft.Container(delete, right=0, top=0)], width=96, height=96))
    tiles += [ft.Container(ft.ProgressRing(semantics_label=t(lang, "runner.processing_photo")), width=96,
                           height=96, alignment=ft.Alignment.CENTER, bgcolor=ft.Colors.BLUE_GREY_50,
                           border_radius=8) for _ in range(session.event.processing)]
    buttons = [ft.OutlinedButton(content=t(lang, "actions.add_fix_photo"), icon=ft.Icons.ADD_A_PHOTO,
                                 height=TOUCH, on_click=on(services.add_fix_photo), key="add-fix-photo")
               ] if services.add_fix_photo is not None else []
    if services.take_fix_photo is not None:
        buttons.append(ft.OutlinedButton(content=t(lang, "runner.take_photo"), icon=ft.Icons.CAMERA_ALT,
                                         height=TOUCH, on_click=on(services.take_fix_photo)))
    header: list[ft.Control] = [section_title(t(lang, "actions.fix_photos"))]
    if session.photo_required():
        header.append(ft.Container(ft.Text(t(lang, "runner.photo_required"), size=12, color=ft.Colors.WHITE),
                                   bgcolor=ft.Colors.ORANGE_800, border_radius=10,
                                   padding=ft.Padding.symmetric(vertical=2, horizontal=8)))
    error = session.field_error("photos", lang)
    return [ft.Row(header, spacing=8),
            ft.Row(tiles, wrap=True, spacing=8) if tiles else None,
            ft.Row(buttons, wrap=True) if buttons else None,
            ft.Text(error, color=FAIL_COLOUR, key="fix-photo-error") if error else None]


def detail_view(state: AppState, services: Services) -> ft.View:
    lang, session = state.lang, state.actions
    view = session.current
    if view is None:
        return list_view(state, services)
    action = view.action
    timeline = [ft.ListTile(
        title=ft.Text(t(lang, f"actions.event.{event.type}") + " · " + event.by, size=15),
        subtitle=ft.Text(" · ".join(part for part in (
            event.at.date().isoformat(), event.note or "",
            t(lang, CAUSE_KEYS[event.cause]) if event.cause else "", event.root_cause or "",
            t(lang, "actions.photo_count", count=len(event.photos)) if event.photos else "",
            t(lang, "actions.by_visit") if event.visit_id else "",
            t(lang, "actions.not_synced") if event.id in view.unsent else "") if part), size=13),
        min_height=TOUCH) for event in view.history]
    allowed = session.allowed_events()
    form: list[ft.Control | None] = []
    if allowed:
        form = [section_title(t(lang, "actions.add_event")),
                ft.TextField(label=t(lang, "actions.note"), value=session.event.note, multiline=True,
                             on_change=on_value(session.set_note), error=session.field_error("note", lang),
                             error_max_lines=3, key="event-note")]
        if "resolve" in allowed:
            form += [_cause_dropdown(state),
                     ft.TextField(label=t(lang, "actions.root_cause"), value=session.event.root_cause,
                                  multiline=True, on_change=on_value(session.set_root_cause),
                                  error=session.field_error("root_cause", lang), error_max_lines=3,
                                  key="event-root-cause"),
                     *_fix_photos(state, services)]
        form += [ft.Row([big_button(t(lang, f"actions.do.{kind}"), on(session.add_event, kind),
                                    filled=kind in ("resolve", "verify"), key=f"event-{kind}")])
                 for kind in allowed]
    colour = PASS_COLOUR if view.status == "verified" else FAIL_COLOUR if view.overdue(session.today) else None
    body = [ft.Text(action.title, size=18, weight=ft.FontWeight.W_600),
            ft.Text(t(lang, "actions.row", due=action.due_on.isoformat(), status=_status(lang, view.status),
                      days=view.days_open(session.today)), color=colour),
            section_title(t(lang, "actions.timeline")), *timeline,
            ft.Text(t(lang, "actions.no_events")) if not timeline else None, *form]
    return screen(state, ActionsRoute.DETAIL, t(lang, "actions.title"), body,
                  leading=back_button(state, on(session.open)))


def create_view(state: AppState, _services: Services) -> ft.View:
    lang, session = state.lang, state.actions
    draft = session.draft
    body = [ft.TextField(label=t(lang, "actions.field.title"), value=draft.title,
                         on_change=on_value(session.set_title)),
            section_title(t(lang, "actions.field.priority")),
            ft.Row([choice_button(t(lang, f"actions.priority.{p}"), on(session.set_priority, p),
                                  selected=draft.priority == p, colour=ft.Colors.BLUE_GREY_700)
                    for p in PRIORITIES]),
            ft.Text(t(lang, "actions.field.due", due=draft.due_on.isoformat() if draft.due_on else "–")),
            ft.TextField(label=t(lang, "actions.field.assignee"), value=draft.assignee,
                         on_change=on_value(session.set_assignee))]
    bottom = ft.Row([big_button(t(lang, "actions.create"), on(session.create), icon=ft.Icons.ADD_TASK,
                                key="create-action")])
    return screen(state, ActionsRoute.CREATE, t(lang, "actions.create"), body,
                  leading=back_button(state, on(session.cancel_create)), bottom=bottom)


def register_action_screens() -> None:
    register_screen(ScreenEntry(ActionsRoute.LIST, list_view, home_label_key="actions.open",
                                icon=ft.Icons.ASSIGNMENT, roles=ALL_ROLES,
                                open=lambda state: state.actions.open()))
    register_screen(ScreenEntry(ActionsRoute.DETAIL, detail_view))
    register_screen(ScreenEntry(ActionsRoute.CREATE, create_view))
