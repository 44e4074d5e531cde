"""Both languages on every screen: the switch changes the runner's texts, and a phone-size
screenshot of each screen in each language lands in test-artifacts/screens/ (look at them)."""

from pathlib import Path

import re

import pytest
import yaml

from audit_app.checklist_files import BUNDLED_DIR
from tests.ui.journeys import (RETAIL, answer_every_section, attach_photo, photo_file, choose_language, enrol_by_link, go_home,
                               review_and_finalise, start_offline, start_retail_visit, sync_from_home,
                               time_with_stopwatch, visit_row)
from tests.ui.phone import Phone
from tests.ui.product import Product


def first_section() -> dict:
    return yaml.safe_load((BUNDLED_DIR / f"{RETAIL}.yaml").read_text(encoding="utf-8"))["sections"][0]


def test_switching_to_chinese_changes_the_runners_texts(product: Product, phone: Phone):
    section = first_section()
    start_offline(phone, product.app_url)
    start_retail_visit(phone, site_name=None)
    phone.text(section["title"]["en"], exact=True).wait_for()
    assert phone.button("Pass").count() > 0

    go_home(phone)
    phone.tap_button(phone.say("home.settings"))
    choose_language(phone, "zh-CN", then_shows="settings.title")
    go_home(phone)
    phone.tap(visit_row(phone, "state.draft"))

    phone.button(phone.say("runner.pass")).first.wait_for()
    phone.text(section["title"]["zh"], exact=True).wait_for()
    phone.text(section["items"][1]["text"]["zh"], exact=True).wait_for()
    assert phone.button("Pass").count() == 0
    assert phone.text(section["items"][1]["text"]["en"], exact=True).count() == 0
    phone.screenshot("zh-runner-after-switch", phone.text(section["title"]["zh"], exact=True))


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_every_screen_in_each_language_is_saved_as_a_phone_screenshot(product: Product, phone: Phone,
                                                                       lang: str, tmp_path: Path):
    prefix = lang.split("-")[0]
    phone.open(product.app_url)
    choose_language(phone, lang, then_shows="first_run.offline")
    phone.screenshot(f"{prefix}-1-first-run", phone.button(phone.say("first_run.offline")))
    enrol_by_link(phone, product.enrolment_link("demo-auditor"))
    phone.screenshot(f"{prefix}-2-home", phone.button(phone.say("home.new_visit")))
    start_retail_visit(phone, shot=f"{prefix}-3-new-visit")
    time_with_stopwatch(phone)
    attach_photo(phone, photo_file(tmp_path))
    phone.screenshot(f"{prefix}-4-runner", phone.page.get_by_label(phone.say("runner.delete_photo")))
    answer_every_section(phone)
    review_and_finalise(phone, shot=f"{prefix}-5-review")
    phone.screenshot(f"{prefix}-6-home-finalised", visit_row(phone, "state.finalised"))
    sync_from_home(phone, synced=1)
    phone.screenshot(f"{prefix}-7-sync", re.compile(r"^" + re.escape(phone.say("sync.summary", synced=999, conflict=0, rejected=0, pending=0)).replace("999", "[01]") + "$"))
    go_home(phone)
    phone.tap_button(phone.say("home.settings"))
    phone.screenshot(f"{prefix}-8-settings", phone.text(phone.say("settings.title"), exact=True))
