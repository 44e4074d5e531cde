"""The manager's reports in a real browser: the site chart and table show the server's rates,
staff, last 8 weeks, drill-down to one visit and its photo; a regional manager sees only their
region, and a photo of another region's visit answers 404 to them."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.ui.phone import Phone
from tests.ui.product import Product, demo_tokens
from tests.ui.reports_steps import (
    assert_chart_and_table_show, fresh_link, compliance, enrol, last_8_weeks, open_reports, row_title, set_period,
    settle, switch, this_month, visit_with_photo,
)

EAST = {"Riverside Mall store 江畔商场店", "Harbour Road restaurant 海港路餐厅",
        "People's Square branch 人民广场支行"}


@pytest.fixture(scope="module")
def demo_product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Product]:
    running = Product(tmp_path_factory.mktemp("reports-product"))
    try:
        yield running.start(demo_visits=150)
    finally:
        running.stop()


def api_as(product: Product, who: str) -> httpx.Client:
    return httpx.Client(base_url=product.server_url + "/api/v1", timeout=30.0,
                        headers={"Authorization": f"Bearer {demo_tokens(product.demo_output)[who]}"})


def test_manager_compares_sites_and_drills_down_to_a_visit_photo(demo_product: Product, phone: Phone) -> None:
    today = dt.date.today()
    with api_as(demo_product, "demo-admin") as api:
        enrol(phone, fresh_link(demo_product, "demo-manager"), "en")
        open_reports(phone, "en")
        settle(phone, "reports-test-sites")
        sites = compliance(api, "site", this_month(today))
        assert len(sites) == 6
        assert_chart_and_table_show(phone, sites)
        switch(phone, "en", "reports.by_staff", "reports.line.award_floor", "80")
        staff = compliance(api, "staff", this_month(today))
        weakest_staff = min(staff, key=lambda r: r["rate"])
        assert_chart_and_table_show(phone, [weakest_staff])
        set_period(phone, "en", "reports.period.last_8_weeks", "reports-test-filters")
        period = last_8_weeks(today)
        phone.text(f"{period['from']} to {period['to']}", exact=False).first.wait_for()
        switch(phone, "en", "reports.by_site", "reports.line.target", "90")
        sites = compliance(api, "site", period)
        assert_chart_and_table_show(phone, sites)
        weakest = min(sites, key=lambda r: r["rate"])
        phone.tap(phone.button(weakest["label"], exact=False).first)
        phone.button("Visits at this site").wait_for()
        settle(phone, "reports-test-site")
        site_staff = compliance(api, "staff", {**period, "site_id": weakest["key"]})
        assert_chart_and_table_show(phone, site_staff)
        phone.tap_button("Visits at this site")
        chosen = visit_with_photo(api, weakest["key"], period)
        phone.text(row_title(chosen), exact=False).first.wait_for()
        settle(phone, "reports-test-visits")
        phone.tap(phone.text(row_title(chosen), exact=False).first)
        phone.wait_for_text("Auditor ")
        settle(phone, "reports-test-visit")
        photo = phone.role("img", "Photo").first
        photo.wait_for()
        box = photo.bounding_box()
        assert box is not None and box["width"] > 50 and box["height"] > 50


def jpeg(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG")
    return out.getvalue()


def south_visit_with_its_own_photo(product: Product) -> str:
    """Upload, as the demo auditor, a copy of a south visit citing a new photo; its hash."""
    with api_as(product, "demo-admin") as admin, api_as(product, "demo-auditor") as auditor:
        for summary in admin.get("/visits", params={"site_id": "demo-south-1", "limit": 200}).json():
            body = admin.get(f"/visits/{summary['id']}").json()["visit"]
            if body["photos"]:
                break
        else:
            raise AssertionError("no demo visit at demo-south-1 cites a photo")
        data = jpeg((200, 40, 40))
        sha = hashlib.sha256(data).hexdigest()
        old = body["photos"][0]["sha256"]
        body.update(id=str(uuid.uuid4()), revision=1,
                    photos=[{**body["photos"][0], "sha256": sha, "bytes": len(data), "width": 64, "height": 48}])
        for observation in body["observations"]:
            observation["photos"] = [sha if p == old else p for p in observation["photos"]]
        assert auditor.put(f"/photos/{sha}", content=data,
                           headers={"Content-Type": "image/jpeg"}).status_code in (200, 201)
        stored = auditor.put(f"/visits/{body['id']}", json=body)
        assert stored.status_code == 201, stored.text
    return sha


def test_regional_manager_sees_only_their_region_and_no_south_photo(demo_product: Product,
                                                                    phone: Phone) -> None:
    sha = south_visit_with_its_own_photo(demo_product)
    with api_as(demo_product, "demo-manager-east") as east, api_as(demo_product, "demo-manager") as everyone:
        assert east.get(f"/photos/{sha}", params={"size": "thumb"}).status_code == 404
        assert everyone.get(f"/photos/{sha}", params={"size": "thumb"}).status_code == 200
    enrol(phone, fresh_link(demo_product, "demo-manager-east"), "en")
    open_reports(phone, "en")
    settle(phone, "reports-test-east")
    phone.wait_for_text("Region east")
    for name in EAST:
        phone.button(name, exact=False).first.wait_for()
    assert phone.text("Garden Street store", exact=False).count() == 0
    assert phone.text("Pearl Tower", exact=False).count() == 0
