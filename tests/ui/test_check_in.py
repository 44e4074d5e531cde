"""The check-in at visit start in Chromium (issue 14, docs/integrity.md): flet-geolocator asks
the browser for a position, as Playwright grants or refuses it; the server judges the distance."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser

from sync_server.demo import COORDINATES
from tests.ui.journeys import (answer_every_section, enrol_by_link, review_and_finalise, start_retail_visit,
                               stored_visits, sync_from_home)
from tests.ui.phone import Phone
from tests.ui.product import Product
from tools.chromium import PHONE_VIEWPORT

SITE = "demo-east-1"  # the demo's "Riverside Mall store", which start_retail_visit chooses
ABOUT_2_KM_NORTH = 0.018  # degrees of latitude


@pytest.fixture
def phone_at(browser: Browser) -> Iterator[Callable[[tuple[float, float] | None], Phone]]:
    """Phones whose browser grants location at (lat, lon), or refuses it (None)."""
    contexts = []

    def make(where: tuple[float, float] | None) -> Phone:
        located = ({"geolocation": {"latitude": where[0], "longitude": where[1], "accuracy": 20},
                    "permissions": ["geolocation"]} if where else {})
        contexts.append(browser.new_context(viewport=PHONE_VIEWPORT, device_scale_factor=1, **located))
        return Phone(contexts[-1].new_page())

    yield make
    for context in contexts:
        context.close()


def visit_the_site(product: Product, phone: Phone, *, check_in_says: str, shot: str) -> dict:
    """A whole visit at the demo site; returns the server's record of it."""
    enrol_by_link(phone, product.enrolment_link("demo-auditor"))
    start_retail_visit(phone)
    phone.screenshot(shot, phone.say(check_in_says))  # the shopper goes on meanwhile, never blocked
    answer_every_section(phone)
    review_and_finalise(phone)
    sync_from_home(phone, synced=1)
    (record,) = stored_visits(product.app_data)
    with product.admin() as admin:
        answer = admin.get(f"/visits/{record['visit']['id']}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def flag_codes(served: dict) -> set[str]:
    return {flag["code"] for flag in served["flags"]}


def test_a_shopper_at_the_site_checks_in_and_the_server_raises_no_location_flag(
        product: Product, phone_at):
    lat, lon = COORDINATES[SITE]
    served = visit_the_site(product, phone_at((lat, lon)), check_in_says="integrity.check_in.done",
                            shot="en-runner-checked-in")
    check_in = served["visit"]["context"]["check_in"]
    assert (check_in["lat"], check_in["lon"]) == pytest.approx((lat, lon), abs=1e-6)
    assert check_in["accuracy_m"] == pytest.approx(20, abs=1)
    assert flag_codes(served).isdisjoint({"far_check_in", "no_check_in"}), served["flags"]


def test_a_check_in_2_km_away_is_flagged_far_with_its_distance(product: Product, phone_at):
    lat, lon = COORDINATES[SITE]
    served = visit_the_site(product, phone_at((lat + ABOUT_2_KM_NORTH, lon)),
                            check_in_says="integrity.check_in.done", shot="en-runner-checked-in-far")
    (far,) = [flag for flag in served["flags"] if flag["code"] == "far_check_in"]
    assert 1_900 < far["evidence"]["distance_m"] < 2_100, far


def test_a_refused_location_is_recorded_and_flagged_and_the_visit_goes_on(product: Product, phone_at):
    served = visit_the_site(product, phone_at(None), check_in_says="integrity.check_in.denied",
                            shot="en-runner-check-in-refused")
    context = served["visit"]["context"]
    assert context.get("check_in") is None and context["check_in_missing"] == "denied"
    assert "no_check_in" in flag_codes(served)
