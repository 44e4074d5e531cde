"""New visit: checklist (mystery shop or inspection), site, staff on duty, peak hour."""

from __future__ import annotations

import flet as ft

from audit_app.i18n import t
from audit_app.state import AppState, Route
from audit_app.state.new_visit_form import needs_search

from .common import TOUCH, back_button, big_button, on, on_value, screen, section_title


def _checklist_options(state: AppState) -> list[ft.Control]:
    lang = state.lang
    zh = lang.startswith("zh")
    options = []
    for mode in ("mystery_shop", "inspection"):
        group = [c for c in state.checklists if c.mode == mode]
        if not group:
            continue
        options.append(ft.Text(t(lang, f"new_visit.mode_{mode}"), size=13, color=ft.Colors.BLUE_GREY_700))
        for checklist in group:
            options.append(ft.Radio(value=checklist.id, label=checklist.title.zh if zh else checklist.title.en,
                                    height=TOUCH))
    return options


def new_visit_view(state: AppState) -> ft.View:
    lang = state.lang
    form = state.form
    roster = state.roster
    checklists = ft.RadioGroup(value=form.checklist_id, on_change=on_value(state.pick_checklist),
                               content=ft.Column(_checklist_options(state), spacing=0))
    if roster.sites:  # no preselection; sites visited with this checklist come first
        options = state.site_options()
        search = ft.TextField(label=t(lang, "new_visit.site"), hint_text=t(lang, "flow.search_sites"),
                              value=form.site_query, prefix_icon=ft.Icons.SEARCH,
                              on_change=on_value(state.search_sites), key="site-search") if needs_search(roster.sites) else None
        radios = [ft.Radio(value=o.id, label=o.name, height=TOUCH) for o in options]
        site = ft.Column([c for c in [
            search,
            ft.RadioGroup(value=form.site_id, on_change=on_value(state.pick_site),
                          content=ft.Column(radios, spacing=0)) if radios else
            ft.Text(t(lang, "flow.no_site_matches"), color=ft.Colors.BLUE_GREY_600),
        ] if c is not None], spacing=4, expand=True)
    else:  # no roster yet (offline only, or before the first sync): the site's code is typed
        site = ft.TextField(label=t(lang, "new_visit.site_code"), value=form.site_id or "", expand=True,
                            on_blur=on_value(state.pick_site), on_submit=on_value(state.pick_site),
                            helper=t(lang, "new_visit.no_roster"))
    chosen_site = roster.site(form.site_id)
    staff = [ft.Container(ft.Checkbox(label=person.name, value=person.id in form.staff_ids,
                                      on_change=on(state.toggle_staff, person.id)),
                          height=TOUCH, alignment=ft.Alignment.CENTER_LEFT)
             for person in (chosen_site.staff if chosen_site else ())]
    body = [
        section_title(t(lang, "new_visit.checklist")),
        checklists,
        section_title(t(lang, "new_visit.where")),
        ft.Row([site]),
        section_title(t(lang, "new_visit.staff")) if staff else None,
        *staff,
        ft.Container(ft.Switch(label=t(lang, "new_visit.peak"), value=form.peak,
                               on_change=on_value(state.set_peak)), height=TOUCH,
                     alignment=ft.Alignment.CENTER_LEFT),
    ]
    bottom = ft.Row([big_button(t(lang, "new_visit.start"), on(state.start_visit), icon=ft.Icons.PLAY_ARROW,
                                disabled=state.busy)])
    return screen(state, Route.NEW_VISIT, t(lang, "new_visit.title"), body,
                  leading=back_button(state, on(state.go_home)), bottom=bottom)
