"""The manager's Review queue in a real browser (issue 14): the demo manager opens Review, sees a
duplicate-photo visit with both photos side by side, rejects it with a reason, and the site's
compliance on Reports' overview becomes the server's recomputed figure (rejected visits leave
the numbers).

The app and the demo data share one pinned `TODAY`, so the default period and every figure are
computed from it and hold on any day the test runs."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import httpx
import pytest

from audit_app.i18n import t
from sync_server.demo import DUPLICATE_SITE
from tests.ui.phone import Phone
from tests.ui.product import Product
from tests.ui.reports_steps import (
    api_as, compliance, enrol, fresh_link, open_reports, percent, period_params, pinned_demo_product, settle,
)

TODAY = dt.date(2026, 3, 1)
MANAGER_VIEWPORT = {"width": 1280, "height": 800}
WHEEL_STEP_PX = 300
MAX_WHEEL_STEPS = 60


@pytest.fixture(scope="module")
def queue_product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Product]:
    yield from pinned_demo_product(tmp_path_factory.mktemp("queue-product"), TODAY)


def duplicate_in_period(api: httpx.Client, period: dict[str, str]) -> dict:
    """An unreviewed duplicate-photo visit at the demo's duplicate site within the period."""
    found = api.get("/visits", params={**period, "site_id": DUPLICATE_SITE, "flag": "duplicate_photo",
                                       "review": "received", "limit": 50}).raise_for_status().json()
    assert found, f"the demo has no duplicate-photo visit at {DUPLICATE_SITE} in {period}"
    return found[0]


def site_rate(api: httpx.Client, period: dict[str, str]) -> dict:
    (row,) = [r for r in compliance(api, "site", period) if r["key"] == DUPLICATE_SITE]
    return row


def scroll_into_view(phone: Phone, target) -> None:  # type: ignore[no-untyped-def]
    """Wheel the list down until `target` lies wholly inside the window (Flutter draws the list
    on a canvas: the browser cannot scroll an element of it into view by itself)."""
    height = MANAGER_VIEWPORT["height"]
    phone.page.mouse.move(MANAGER_VIEWPORT["width"] / 2, height / 2)
    for _ in range(MAX_WHEEL_STEPS):
        box = target.bounding_box()
        if box is not None and 80 <= box["y"] and box["y"] + box["height"] <= height - 20:
            return
        phone.page.mouse.wheel(0, WHEEL_STEP_PX if box is None or box["y"] > height / 2 else -WHEEL_STEP_PX)
        phone.page.wait_for_function(  # the wheel has been handled: the list moved or ended
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))")
    raise AssertionError("the card never scrolled into view")


def test_manager_rejects_a_duplicate_photo_visit_and_the_sites_compliance_is_recomputed(
        queue_product: Product, new_phone) -> None:
    period = period_params(TODAY)
    with api_as(queue_product, "demo-manager") as api:
        visit = duplicate_in_period(api, period)
        before = site_rate(api, period)
        site_name = {s["id"]: s["name"] for s in api.get("/sites").raise_for_status().json()}[DUPLICATE_SITE]
    phone: Phone = new_phone()
    phone.page.set_viewport_size(MANAGER_VIEWPORT)
    enrol(phone, fresh_link(queue_product, "demo-manager"), "en")
    phone.tap_button(t("en", "integrity.queue.open"))
    phone.wait_for_text(t("en", "integrity.queue.title"))
    # A card reads "<site> · <start>", its flags, then its reason field and decisions.
    title = f"{site_name} · {visit['started_at'][:16].replace('T', ' ')}"
    # The web reads the card's texts as one label; its reason field is named "Reason" alone.
    reason_name = t("en", "integrity.queue.reason")
    card = phone.page.get_by_label(re.compile(re.escape(title))).filter(
        has=phone.page.get_by_role("textbox", name=reason_name, exact=True)).last
    card.wait_for()
    reason = card.get_by_role("textbox", name=reason_name, exact=True)
    photos = card.get_by_role("img")
    photos.nth(1).wait_for()
    scroll_into_view(phone, photos.nth(0))
    assert photos.count() == 2
    assert [photos.nth(n).get_attribute("aria-label") for n in range(2)] == [
        t("en", "integrity.queue.this_visit"), t("en", "integrity.queue.other_visit")]
    for n in range(2):
        box = photos.nth(n).bounding_box()
        assert box is not None and box["width"] >= 100 and box["height"] >= 70
    settle(phone, "issue14-en-queue-duplicate-photo", photos.nth(1))

    phone.fill(reason, "same photo as another visit")
    phone.tap(card.get_by_role("button", name=t("en", "integrity.queue.reject"), exact=True))
    phone.page.get_by_label(re.compile(re.escape(title))).last.wait_for(state="detached")

    with api_as(queue_product, "demo-manager") as api:
        stored = api.get(f"/visits/{visit['id']}").raise_for_status().json()["review"]
        after = site_rate(api, period)
    assert (stored["state"], stored["reason"]) == ("rejected", "same photo as another visit")
    assert after["visits"] == before["visits"] - 1 and after["rate"] != before["rate"]
    phone.tap(phone.page.get_by_label(t("en", "common.back"), exact=True).first)
    open_reports(phone, "en")
    shown = phone.text(f"{percent(after['rate'])} · n {after['observations']}", exact=False).first
    settle(phone, "issue14-en-overview-after-rejection", shown)
    assert phone.text(f"{percent(before['rate'])} · n {before['observations']}", exact=False).count() == 0
