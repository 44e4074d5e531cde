"""Finalising with a failed knock-out item in Chromium (issue 13): the business-centre check
fails "tools intact and safe" (critical) on an offline phone; Finalise asks for an action or a
reason, an empty reason is refused at its field, a reason lets the visit through and is kept in
the item's note. Screenshots of the question in both languages go to test-artifacts/screens/."""

from __future__ import annotations

import pytest

from tests.ui.action_steps import CHECKLIST, fill_typed_times, start_daily_check
from tests.ui.journeys import (answer_section, choose_language, next_section, section_count, start_offline,
                               stored_visits, visit_row)
from tests.ui.phone import Phone
from tests.ui.product import Product

TOOLS = "tools_intact_safe"
TOOLS_SECTION, TOOLS_INDEX = 3, 1  # the third section's second check item


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_a_failed_knockout_asks_for_an_action_or_a_reason_and_keeps_the_reason(
        product: Product, phone: Phone, lang: str) -> None:
    prefix = lang.split("-")[0]
    if lang != "en":
        phone.open(product.app_url)
        choose_language(phone, lang, then_shows="first_run.offline")
        phone.tap_button(phone.say("first_run.offline"))
        phone.button(phone.say("home.new_visit")).wait_for()
    else:
        start_offline(phone, product.app_url)
    start_daily_check(phone, site_name=None)
    total = section_count(phone)
    for number in range(1, total + 1):
        if number == TOOLS_SECTION:
            passes, fails = phone.button(phone.say("runner.pass")), phone.button(phone.say("runner.fail"))
            for index in range(passes.count()):
                phone.tap((fails if index == TOOLS_INDEX else passes).nth(index))
        else:
            answer_section(phone)
        fill_typed_times(phone)
        if number < total:
            next_section(phone, number + 1)
    phone.tap_button(phone.say("runner.review"))
    phone.tap_button(phone.say("review.finalise"))
    phone.text(phone.say("error.actions_needed", count=1), exact=True).wait_for()
    skip = phone.button(phone.say("review.skip_action"))
    phone.screenshot(f"{prefix}-action-7-knockout-asks", skip)
    phone.tap(skip.first)
    phone.text(phone.say("error.skip_reason"), exact=False).first.wait_for()
    phone.screenshot(f"{prefix}-action-8-reason-needed", phone.text(phone.say("error.skip_reason"), exact=False))
    phone.fill(phone.textbox(phone.say("review.skip_reason")), "Tool cabinet being replaced")
    phone.tap(skip.first)
    phone.text(phone.say("review.action_skipped"), exact=True).wait_for()
    phone.tap_button(phone.say("review.finalise"))
    visit_row(phone, "state.finalised", CHECKLIST).wait_for()

    (record,) = stored_visits(product.app_data)
    note = next(o["note"] for o in record["visit"]["observations"] if o["item_key"] == TOOLS)
    assert note == phone.say("review.no_action_note", reason="Tool cabinet being replaced")
    assert record["state"] == "finalised"
