"""The Actions screens in a browser: the demo manager syncs, sees the demo's open actions, opens
one and its timeline; a phone-size screenshot of each in both languages lands in
test-artifacts/screens/ (look at them)."""

from __future__ import annotations

import pytest

from tests.ui.journeys import choose_language, enrol_by_link, sync_from_home
from tests.ui.phone import Phone
from tests.ui.product import Product


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_a_manager_sees_the_demo_actions_and_a_timeline(product: Product, phone: Phone, lang: str) -> None:
    prefix = lang.split("-")[0]
    phone.open(product.app_url)
    choose_language(phone, lang, then_shows="first_run.offline")
    enrol_by_link(phone, product.enrolment_link("demo-manager"), manager=True)
    sync_from_home(phone, synced=0)
    phone.tap(phone.page.get_by_label(phone.say("common.back"), exact=True).first)
    phone.tap_button(phone.say("actions.open"))
    phone.text(phone.say("actions.title"), exact=True).first.wait_for()
    phone.tap_button(phone.say("actions.filter.all"))
    phone.screenshot(f"{prefix}-actions-list", phone.say("actions.status.verified"))
    phone.tap(phone.text(phone.say("actions.status.resolved"), exact=False).first)
    phone.text(phone.say("actions.timeline"), exact=True).wait_for()
    # a manager may verify a resolved one
    phone.screenshot(f"{prefix}-actions-detail", phone.button(phone.say("actions.do.verify")))
