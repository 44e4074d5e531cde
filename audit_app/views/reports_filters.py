"""Report filters: period preset or custom dates, region (admins and unrestricted managers),
checklist, site and staff member. Kept for the session; Apply reloads the overview."""

from __future__ import annotations

import flet as ft

from audit_app.i18n import t
from audit_app.reports.filters import Period
from audit_app.state import AppState
from audit_app.state.reports import ReportsRoute

from .common import back_button, on, on_value, screen, section_title
from .reports_parts import PERIOD_KEYS, sections, wide_button


def _dropdown(lang: str, label: str, all_text: str, value: str | None, options: list[tuple[str, str]],
              handler) -> ft.Control:
    """A filter dropdown named by its label and what it shows ("Site: All sites"): on the web
    a dropdown's floating label does not reach the accessibility tree on its own."""
    shown = next((text for key, text in options if key == value), all_text)
    return ft.Semantics(label=t(lang, "reports_ui.named_choice", label=label, value=shown), container=True, content=ft.Dropdown(
        label=label, value=value or "", expand=True, on_select=handler,
        options=[ft.DropdownOption(key="", text=all_text),
                 *(ft.DropdownOption(key=key, text=text) for key, text in options)]))


def filters_view(state: AppState, _services: object = None) -> ft.View:
    reports = state.reports
    lang = state.lang
    draft = reports.draft
    periods = ft.RadioGroup(value=draft.period.value, on_change=on_value(reports.set_period),
                            content=ft.Column([ft.Radio(value=p.value, label=t(lang, PERIOD_KEYS[p]))
                                               for p in Period], spacing=0))
    body: list[ft.Control | None] = [sections(reports, ReportsRoute.FILTERS),
                                     section_title(t(lang, "reports.filter.period")), periods]
    if draft.period is Period.CUSTOM:
        body.append(ft.Row([
            ft.TextField(label=t(lang, "reports.filter.from"), value=reports.draft_dates.get("custom_from", ""),
                         hint_text="2026-11-01", expand=True,
                         on_change=on_value(reports.set_custom_date, "custom_from")),
            ft.TextField(label=t(lang, "reports.filter.to"), value=reports.draft_dates.get("custom_to", ""),
                         hint_text="2026-11-30", expand=True,
                         on_change=on_value(reports.set_custom_date, "custom_to"))]))
    if reports.region_allowed:
        body.append(_dropdown(lang, t(lang, "reports.filter.region"), t(lang, "reports.filter.all_regions"),
                              draft.region, [(r, r) for r in reports.regions],
                              on_value(reports.set_choice, "region")))
    elif reports.region:
        body.append(ft.Text(t(lang, "reports.summary.region", region=reports.region)))
    body.append(_dropdown(lang, t(lang, "reports.filter.checklist"), t(lang, "reports.filter.all_checklists"),
                          draft.checklist_id,
                          [(c.id, reports.labeller.text(c.title)) for c in state.checklists],
                          on_value(reports.set_choice, "checklist_id")))
    body.append(_dropdown(lang, t(lang, "reports.filter.site"), t(lang, "reports.filter.all_sites"),
                          draft.site_id,
                          [(sid, name) for sid, name, region in reports.site_choices
                           if draft.region is None or region == draft.region],
                          on_value(reports.set_choice, "site_id")))
    sites_shown = {sid for sid, _, region in reports.site_choices
                   if draft.region is None or region == draft.region}
    body.append(_dropdown(lang, t(lang, "reports_ui.filter.staff"), t(lang, "reports_ui.filter.all_staff"),
                          draft.staff_id,
                          [(mid, name) for mid, name, sid in reports.staff_choices
                           if (draft.site_id or sid) == sid and sid in sites_shown],
                          on_value(reports.set_choice, "staff_id")))
    return screen(state, ReportsRoute.FILTERS, t(lang, "reports.title_filters"), body,
                  leading=back_button(state, on(reports.back, ReportsRoute.OVERVIEW)),
                  bottom=wide_button(t(lang, "reports.filter.apply"), on(reports.apply_filters),
                                     icon=ft.Icons.CHECK))
