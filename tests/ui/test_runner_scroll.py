"""What only the browser shows (issue 12 points 1 and 5): the next section opens at its top,
not scrolled to where the last one was left, and a jump from Review brings the item into view.
Also saves the runner, new-visit and home screens at 412x915 in both languages."""

from __future__ import annotations

import re

import pytest
import yaml

from audit_app.checklist_files import BUNDLED_DIR
from tests.ui.journeys import RETAIL, choose_language, start_offline, start_retail_visit
from tests.ui.phone import Phone
from tests.ui.product import Product

VIEWPORT_HEIGHT = 915


def retail_sections() -> list[dict]:
    return yaml.safe_load((BUNDLED_DIR / f"{RETAIL}.yaml").read_text(encoding="utf-8"))["sections"]


def on_screen(phone: Phone, text: str) -> bool:
    found = phone.text(text, exact=True)
    if not found.count():
        return False
    box = found.first.bounding_box()
    return box is not None and 0 <= box["y"] and box["y"] + box["height"] <= VIEWPORT_HEIGHT


def wait_until(phone: Phone, condition, what: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(200):                      # the scroll animates: poll until it holds
        if condition():
            return
        phone.page.wait_for_timeout(50)       # polling interval, not a wait for a condition
    raise AssertionError(what)


def wait_on_screen(phone: Phone, text: str) -> None:
    phone.text(text, exact=True).first.wait_for()
    wait_until(phone, lambda: on_screen(phone, text), f"{text!r} never scrolled into view")


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_next_section_opens_at_its_top_and_review_scrolls_to_the_item(product: Product, phone: Phone, lang: str):
    zh = lang == "zh-CN"
    key = "zh" if zh else "en"
    prefix = lang.split("-")[0]
    phone.open(product.app_url)
    if zh:
        choose_language(phone, lang, then_shows="first_run.offline")
    phone.tap_button(phone.say("first_run.offline"))
    phone.button(phone.say("home.new_visit")).wait_for()
    phone.screenshot(f"issue12-{prefix}-home", phone.button(phone.say("home.new_visit")))
    start_retail_visit(phone, site_name=None, shot=f"issue12-{prefix}-new-visit")
    sections = retail_sections()
    phone.screenshot(f"issue12-{prefix}-runner-top", phone.text(sections[0]["title"][key], exact=True))
    phone.page.mouse.move(206, 500)
    phone.page.mouse.wheel(0, 4000)                      # to the bottom of section 1
    first_item = sections[0]["items"][0]["text"][key]
    wait_until(phone, lambda: not on_screen(phone, first_item), "section 1 never scrolled down")
    phone.tap_button(phone.say("runner.next_section"))
    second = sections[1]
    phone.text(second["title"][key], exact=True).wait_for()
    wait_on_screen(phone, second["items"][0]["text"][key])
    phone.screenshot(f"issue12-{prefix}-runner-next-section", phone.text(second["title"][key], exact=True))

    phone.tap(phone.page.get_by_label(phone.say("runner.review"), exact=True).first)
    phone.button(phone.say("review.finalise")).wait_for()
    far = sections[2]["items"][-1]["text"][key]         # a missing item low in section 3
    phone.tap(phone.button(far, exact=False).first)
    wait_on_screen(phone, far)
    phone.screenshot(f"issue12-{prefix}-runner-jump-from-review", phone.text(far, exact=True))
    phone.tap(phone.page.get_by_label(phone.say("flow.sections"), exact=True).first)
    # each section is one button named by its title and its answered/total
    count = phone.say("flow.answered_of", answered=0, total=len(sections[0]["items"]))
    pattern = (re.escape(sections[0]["title"][key]) + ".*" + re.escape(count)).replace("/", r"\/")
    phone.screenshot(f"issue12-{prefix}-runner-section-list", phone.button(re.compile(pattern, re.S)))
