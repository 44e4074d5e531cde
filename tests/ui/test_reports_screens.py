"""Every report screen in a real browser, at phone (412x915) and laptop (1280x800) size, in
English and Chinese: each one shows its own words and is kept as a screenshot (looked at by a
person; two are in the README)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser

from audit_app.i18n import t
from audit_app.reports.filters import Period
from sync_server.demo import STAFF_NAMES
from tests.ui.phone import Phone
from tests.ui.product import Product
from tests.ui.reports_steps import (
    enrol, fresh_link, open_reports, period_params, row_title, set_period, settle, switch,
    visit_with_photo,
)
from tests.ui.reports_steps import api_as
from tests.ui.test_reports import TODAY, demo_product  # noqa: F401  (module fixture: one product for all)

STAFF_NAME = re.compile("|".join(re.escape(n) for n in STAFF_NAMES))


def action_totals(api, params: dict[str, str]) -> dict[str, int]:
    """The Actions view's summary figures, summed from the server's per-site rows."""
    rows = api.get("/reports/actions", params={**params, "group_by": "site"}).raise_for_status().json()["rows"]
    total = {key: sum(row[key] for row in rows) for key in
             ("total", "open", "in_progress", "reopened", "overdue", "resolved", "verified", "cant_do")}
    return {"total": total["total"], "open": total["open"] + total["in_progress"] + total["reopened"],
            "overdue": total["overdue"], "resolved": total["resolved"], "verified": total["verified"],
            "cant_do": total["cant_do"]}


SIZES = {"phone": {"width": 412, "height": 915}, "laptop": {"width": 1280, "height": 800}}


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("size", list(SIZES))
def test_each_report_screen_renders_in_both_languages_at_both_sizes(
        demo_product: Product, browser: Browser, lang: str, size: str) -> None:  # noqa: F811
    context = browser.new_context(viewport=SIZES[size], device_scale_factor=1)
    try:
        phone = Phone(context.new_page())
        name = f"reports-{lang}-{size}"
        enrol(phone, fresh_link(demo_product, "demo-manager"), lang)
        open_reports(phone, lang)
        settle(phone, f"{name}-1-overview-sites", t(lang, "reports.line.target", pct="90"))
        switch(phone, lang, "reports.by_staff", "reports.line.award_floor", "80")
        settle(phone, f"{name}-2-overview-staff", t(lang, "reports.line.award_floor", pct="80"))
        phone.tap(phone.role("button", STAFF_NAME, exact=False).first)
        settle(phone, f"{name}-2b-staff-member", t(lang, "reports_ui.staff.items"))
        phone.tap_button(t(lang, "common.back"))
        phone.wait_for_text(t(lang, "reports_ui.tap_staff_hint"))
        phone.tap_button(t(lang, "reports.nav.breakdown"))
        settle(phone, f"{name}-3-items", t(lang, "reports.weakest_first"))
        phone.tap_button(t(lang, "reports.by_dimension"))
        settle(phone, f"{name}-4-dimensions", t(lang, "reports.line.target", pct="90"))
        phone.tap_button(t(lang, "reports.nav.trend"))
        settle(phone, f"{name}-5-trend", t(lang, "reports.trend_pick"))
        set_period(phone, lang, "reports.period.last_8_weeks", f"{name}-6-filters")
        switch(phone, lang, "reports.by_site", "reports.line.target", "90")
        settle(phone, f"{name}-7-overview-8-weeks", t(lang, "reports.line.target", pct="90"))
        phone.tap_button(t(lang, "reports.nav.actions"))
        with api_as(demo_product, "demo-manager") as api:
            totals = action_totals(api, {**period_params(TODAY, Period.LAST_8_WEEKS), "today": TODAY.isoformat()})
        settle(phone, f"{name}-7b-actions", t(lang, "reports_actions.summary", **totals))
        phone.tap_button(t(lang, "reports.nav.overview"))
        phone.wait_for_text(t(lang, "reports.line.target", pct="90"))
        phone.tap(phone.role("button", re.compile("Garden Street"), exact=False).first)
        settle(phone, f"{name}-8-site", phone.button(t(lang, "reports.site.visits")))
        phone.tap_button(t(lang, "reports.site.visits"))
        with api_as(demo_product, "demo-admin") as api:
            chosen = visit_with_photo(api, "demo-south-2", period_params(TODAY, Period.LAST_8_WEEKS))
        with_photo = phone.text(row_title(chosen), exact=False)
        settle(phone, f"{name}-9-visits", with_photo)
        phone.tap(with_photo.first)
        phone.wait_for_text(t(lang, "reports.visit.by", auditor="demo-auditor", score="")[:3])
        settle(phone, f"{name}-10-visit", phone.button(t(lang, "reports_ui.visit.open_photo")))
        phone.tap_button(t(lang, "reports_ui.visit.open_photo"))
        phone.page.wait_for_function("() => [...document.querySelectorAll('flt-semantics[role=img]')]"
                                     ".some(e => e.getBoundingClientRect().width > 300)")
        settle(phone, f"{name}-11-photo", phone.role("img"))
    finally:
        context.close()
