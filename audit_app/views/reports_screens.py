"""The report screens, registered with the app's navigation: Home shows "Reports" to managers
and admins (the server refuses everyone else anyway)."""

from __future__ import annotations

import flet as ft

from audit_app.state.reports import REPORT_ROLES, ReportsRoute

from .reports_actions import actions_view
from .reports_breakdown import breakdown_view
from .reports_filters import filters_view
from .reports_overview import overview_view
from .reports_site import site_view
from .reports_staff import staff_view
from .reports_trend import trend_view
from .reports_visit import photo_view, visit_view
from .reports_visits import visits_view
from .routes import ScreenEntry, register_screen


def register_report_screens() -> None:
    register_screen(ScreenEntry(ReportsRoute.OVERVIEW, overview_view, home_label_key="reports.open",
                                icon=ft.Icons.BAR_CHART, roles=REPORT_ROLES,
                                open=lambda state: state.reports.open()))
    for route, build in ((ReportsRoute.BREAKDOWN, breakdown_view), (ReportsRoute.TREND, trend_view),
                         (ReportsRoute.FILTERS, filters_view), (ReportsRoute.SITE, site_view),
                         (ReportsRoute.VISITS, visits_view), (ReportsRoute.VISIT, visit_view),
                         (ReportsRoute.STAFF, staff_view), (ReportsRoute.PHOTO, photo_view),
                         (ReportsRoute.ACTIONS, actions_view)):
        register_screen(ScreenEntry(route, build))
