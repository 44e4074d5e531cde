"""What a shopper must never lose: answers across an app-server restart, visits while offline."""

import re

from playwright.sync_api import expect

from tests.ui.journeys import (answer_every_section, enrol_by_link, go_home, review_and_finalise,
                               start_offline, start_retail_visit, stored_visits, sync_from_home,
                               time_with_stopwatch, visit_row)
from tests.ui.phone import Phone
from tests.ui.product import Product


def progress_line(phone: Phone) -> str:
    pattern = re.escape(phone.say("runner.progress", answered=998, required=999))
    pattern = pattern.replace("998", r"\d+").replace("999", r"\d+")
    return phone.text(re.compile(f"^{pattern}$")).first.inner_text()


def test_a_half_done_visit_survives_a_restart_of_the_app_server(product: Product, phone: Phone):
    start_offline(phone, product.app_url)
    start_retail_visit(phone, site_name=None)
    time_with_stopwatch(phone)
    passes = phone.button(phone.say("runner.pass"))
    for index in range(3):
        phone.tap(passes.nth(index))
    expect(phone.text(phone.say("runner.progress", answered=4, required=23), exact=True)).to_be_visible()
    before = progress_line(phone)

    product.restart(product.app)
    # Reopened in a new tab (a new app session on the same device). In the same tab the Flet
    # client's automatic reconnect races the reload and sometimes leaves a blank page.
    phone.open_in_new_tab(product.app_url)
    phone.tap(visit_row(phone, "state.draft"))
    phone.button(phone.say("runner.pass")).first.wait_for()
    assert progress_line(phone) == before
    phone.screenshot("en-runner-after-restart")

    (record,) = stored_visits(product.app_data)
    answers = {o["item_key"]: o["value"] for o in record["visit"]["observations"]}
    assert 0 < answers["greet_within_3s"] <= 3
    assert sum(value is True for value in answers.values()) == 3


def test_offline_a_visit_is_started_finished_and_queued_then_syncs_when_the_server_is_back(
        product: Product, phone: Phone):
    enrol_by_link(phone, product.enrolment_link("demo-auditor"))  # caches sites and staff
    product.sync.stop()

    start_retail_visit(phone)
    answer_every_section(phone)
    review_and_finalise(phone)
    phone.tap_button(phone.say("home.sync_now"))
    phone.text(phone.say("sync.offline"), exact=True).wait_for()
    phone.screenshot("en-sync-offline")
    go_home(phone)
    visit_row(phone, "state.finalised").wait_for()
    (record,) = stored_visits(product.app_data)
    assert record["state"] == "finalised"

    product.sync.start()
    product.sync.wait_ready()
    sync_from_home(phone, synced=1)
    go_home(phone)
    visit_row(phone, "state.synced").wait_for()
    with product.admin() as admin:
        answer = admin.get(f"/visits/{record['visit']['id']}")
    assert answer.status_code == 200, answer.text
    assert answer.json()["auditor_id"] == "demo-auditor"
