"""A shopper's whole visit in Chromium, from the enrolment link `make run` prints to the server."""

import re
from pathlib import Path

from tests.ui.journeys import (answer_every_section, attach_photo, enrol_by_link, photo_file,
                               review_and_finalise, start_retail_visit, stored_visits, sync_from_home,
                               time_with_stopwatch)
from tests.ui.phone import Phone
from tests.ui.product import Product

# The accessible names the app promises in English (other tests and screen readers rely on them).
PROMISED_RUNNER_BUTTONS = ["Pass", "Fail", "N/A", "Start", "Undo", "Add photo", "Review"]


def test_enrolled_auditor_runs_a_retail_visit_and_the_server_gets_the_stopwatch_time_and_photo(
        product: Product, phone: Phone, tmp_path: Path):
    enrol_by_link(phone, product.enrolment_link("demo-auditor"))
    phone.screenshot("en-home", phone.button("New visit"))
    for name in ("New visit", "Sync now", "Settings"):
        assert phone.button(name).count() == 1, name

    start_retail_visit(phone, shot="en-new-visit")
    for name in PROMISED_RUNNER_BUTTONS:
        assert phone.button(name).count() >= 1, name
    time_with_stopwatch(phone)
    attach_photo(phone, photo_file(tmp_path))
    answer_every_section(phone)
    phone.screenshot("en-runner-last-section", phone.button(phone.say("runner.review")))
    review_and_finalise(phone, shot="en-review")
    sync_from_home(phone, synced=1)
    phone.screenshot("en-sync-done", re.compile(r"^" + re.escape(phone.say("sync.summary", synced=999, conflict=0, rejected=0, pending=0)).replace("999", "[01]") + "$"))

    (record,) = stored_visits(product.app_data)
    local = record["visit"]
    with product.admin() as admin:
        answer = admin.get(f"/visits/{local['id']}")
        assert answer.status_code == 200, answer.text
        detail = answer.json()
        assert detail["auditor_id"] == "demo-auditor" and detail["missing_photos"] == []
        served = detail["visit"]
        greeting = next(o for o in served["observations"] if o["item_key"] == "greet_within_3s")
        assert 0 < greeting["value"] <= 3, greeting
        assert greeting["value"] == next(o["value"] for o in local["observations"]
                                         if o["item_key"] == "greet_within_3s")
        (photo,) = served["photos"]
        assert photo["sha256"] in greeting["photos"]
        picture = admin.get(f"/photos/{photo['sha256']}")
        assert picture.status_code == 200 and picture.content[:2] == b"\xff\xd8"
