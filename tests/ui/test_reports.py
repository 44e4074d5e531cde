"""The manager's reports in a real browser: the site chart and table show the server's rates,
staff, last 8 weeks, drill-down to one visit and its photo; a regional manager sees only their
region, and a photo of another region's visit answers 404 to them.

The app and the demo data share one pinned `TODAY` (the 1st of a month, where "this month" would
hold one day), so every expectation is computed from it and holds on any day the test runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from tests.ui.phone import Phone
from tests.ui.product import Product
from audit_app.i18n import t
from audit_app.reports.filters import Period
from tests.ui.reports_steps import (
    api_as, assert_chart_and_table_show, fresh_link, compliance, enrol, open_reports, period_params,
    pinned_demo_product, row_title, set_period, settle, switch, visit_with_photo,
)

TODAY = dt.date(2026, 3, 1)  # a Sunday, the 1st of a month

EAST = {"Riverside Mall store 江畔商场店", "Harbour Road restaurant 海港路餐厅",
        "People's Square branch 人民广场支行"}


@pytest.fixture(scope="module")
def demo_product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Product]:
    yield from pinned_demo_product(tmp_path_factory.mktemp("reports-product"), TODAY)


def test_manager_compares_sites_and_drills_down_to_a_visit_photo(demo_product: Product, phone: Phone) -> None:
    with api_as(demo_product, "demo-admin") as api:
        enrol(phone, fresh_link(demo_product, "demo-manager"), "en")
        open_reports(phone, "en")
        settle(phone, "reports-test-sites", phone.text(t("en", "reports.line.target", pct="90")))
        default_period = period_params(TODAY)
        sites = compliance(api, "site", default_period)
        assert len(sites) == 6
        assert_chart_and_table_show(phone, sites)
        switch(phone, "en", "reports.by_staff", "reports.line.award_floor", "80")
        staff = compliance(api, "staff", default_period)
        weakest_staff = min(staff, key=lambda r: r["rate"])
        assert_chart_and_table_show(phone, [weakest_staff])
        set_period(phone, "en", "reports.period.last_8_weeks", "reports-test-filters")
        period = period_params(TODAY, Period.LAST_8_WEEKS)
        phone.text(f"{period['from']} to {period['to']}", exact=False).first.wait_for()
        switch(phone, "en", "reports.by_site", "reports.line.target", "90")
        sites = compliance(api, "site", period)
        assert_chart_and_table_show(phone, sites)
        weakest = min(sites, key=lambda r: r["rate"])
        phone.tap(phone.button(weakest["label"], exact=False).first)
        settle(phone, "reports-test-site", phone.button("Visits at this site"))
        site_staff = compliance(api, "staff", {**period, "site_id": weakest["key"]})
        assert_chart_and_table_show(phone, site_staff)
        phone.tap_button("Visits at this site")
        chosen = visit_with_photo(api, weakest["key"], period)
        settle(phone, "reports-test-visits", phone.text(row_title(chosen), exact=False))
        phone.tap(phone.text(row_title(chosen), exact=False).first)
        settle(phone, "reports-test-visit", "Auditor ")
        photo = phone.role("img", "Photo").first
        photo.wait_for()
        box = photo.bounding_box()
        assert box is not None and box["width"] > 50 and box["height"] > 50
        phone.tap_button("Open the photo full size")  # issue 12 point 17: a tap opens it full size
        full = phone.role("img", "Photo").first
        full.wait_for()
        phone.page.wait_for_function("() => [...document.querySelectorAll('flt-semantics[role=img]')]"
                                     ".some(e => e.getBoundingClientRect().width > 300)")
        settle(phone, "reports-test-photo", full)


def a_south_visit_photo(product: Product) -> str:
    """The hash of a photo cited by a visit at a south site (the demo gives each site its own)."""
    with api_as(product, "demo-admin") as admin:
        for site in ("demo-south-1", "demo-south-2", "demo-south-3"):
            for summary in admin.get("/visits", params={"site_id": site, "limit": 200}).json():
                photos = admin.get(f"/visits/{summary['id']}").json()["visit"]["photos"]
                if photos:
                    return str(photos[0]["sha256"])
    raise AssertionError("no demo visit at a south site cites a photo")


def test_regional_manager_sees_only_their_region_and_no_south_photo(demo_product: Product,
                                                                    phone: Phone) -> None:
    sha = a_south_visit_photo(demo_product)
    with api_as(demo_product, "demo-manager-east") as east, api_as(demo_product, "demo-manager") as everyone:
        assert east.get(f"/photos/{sha}", params={"size": "thumb"}).status_code == 404
        assert everyone.get(f"/photos/{sha}", params={"size": "thumb"}).status_code == 200
    enrol(phone, fresh_link(demo_product, "demo-manager-east"), "en")
    open_reports(phone, "en")
    settle(phone, "reports-test-east", "Region east")
    for name in EAST:
        phone.button(name, exact=False).first.wait_for()
    assert phone.text("Garden Street store", exact=False).count() == 0
    assert phone.text("Pearl Tower", exact=False).count() == 0
