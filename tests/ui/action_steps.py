"""Steps of the corrective-action browser tests: the business-centre daily check (Pass every
check, type every time), syncing, the Actions screens, by the accessible names the catalogue
gives (either language)."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from audit_app.checklist_files import BUNDLED_DIR, load_checklist_file
from tests.ui.journeys import (answer_section, checklist_title, choose_language, enrol_by_link,
                               next_section, section_count, visit_row)
from tests.ui.phone import Phone
from tests.ui.product import Product
from tools.servers import app_server

DAY_ONE = dt.date(2026, 11, 24)  # a Tuesday
DAY_TWO = DAY_ONE + dt.timedelta(days=1)
CHECKLIST = "business-centre-daily"
SITE_ID = "demo-south-1"
SITE_NAME = "Pearl Tower business centre 明珠大厦商务中心"
PROJECTOR = "projector_working"
PROJECTOR_INDEX = 1  # the second check item of the first section
PROJECTOR_ITEM = load_checklist_file(BUNDLED_DIR / f"{CHECKLIST}.yaml").item_map[PROJECTOR]


def wait_until(check: Callable[[], Any], what: str, timeout_s: float = 60.0) -> Any:
    """Poll the server until `check()` gives something truthy (a condition, not a fixed wait)."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.25)  # polling interval


def next_day(product: Product) -> None:
    """The app server starts again with its calendar on day two (the phones keep their data)."""
    product.app.stop()
    product.today = DAY_TWO
    product.app = app_server(product.app_port, product.app_data, product.root / "logs", DAY_TWO)
    product.app.start()
    product.app.wait_ready()


def enrolled(new_phone: Callable[[], Phone], product: Product, lang: str, who: str) -> Phone:
    phone = new_phone()
    phone.open(product.app_url)
    if lang != "en":
        choose_language(phone, lang, then_shows="first_run.offline")
    enrol_by_link(phone, product.enrolment_link(who), manager=who.startswith("demo-manager"))
    return phone


def start_daily_check(phone: Phone, site_name: str | None = SITE_NAME) -> None:
    """New visit → the business-centre daily check → the site (its code typed when the phone
    has no roster) → Start."""
    phone.tap_button(phone.say("home.new_visit"))
    phone.button(phone.say("new_visit.start")).wait_for()
    phone.tap(phone.role("radio", checklist_title(phone, CHECKLIST)))
    if site_name is None:
        phone.fill(phone.textbox(phone.say("new_visit.site_code")), "site-001")
        phone.page.keyboard.press("Enter")
    else:
        phone.tap(phone.role("radio", SITE_NAME, exact=False).first)
    phone.tap_button(phone.say("new_visit.start"))
    phone.button(phone.say("runner.pass")).first.wait_for()


def answered_count(phone: Phone) -> int:
    """From the runner's "n of 26 required answered" line."""
    pattern = re.escape(phone.say("runner.progress", answered=999, required=26)).replace("999", r"(\d+)")
    return int(re.match(pattern, phone.text(re.compile(f"^{pattern}$")).first.inner_text())[1])  # type: ignore[index]


def fill_typed_times(phone: Phone) -> None:
    """The turnaround section's times, typed (0.5 of each unit passes every threshold). Each is
    typed once the screen holds still (a verdict appearing above moves the next field) and
    again if the progress did not count it (the tap met a moving field)."""
    head = re.escape(phone.say("runner.duration_in", unit="@")).split("@")[0]
    fields = phone.page.get_by_role("textbox", name=re.compile("^" + head))
    for index in range(fields.count()):
        before = answered_count(phone)
        for attempt in range(3):
            phone.tap(fields.nth(index))
            phone.page.keyboard.press("Control+A")
            phone.page.keyboard.type("0.5")
            phone.page.keyboard.press("Enter")
            counted = phone.text(phone.say("runner.progress", answered=before + 1, required=26), exact=True)
            try:
                counted.wait_for(timeout=8_000)
                break
            except PlaywrightTimeout:
                if attempt == 2:
                    raise


def answer_the_rest(phone: Phone, *, from_section: int = 1) -> None:
    """Pass every check and type every time from the current section to the last."""
    total = section_count(phone)
    for number in range(from_section, total + 1):
        answer_section(phone)
        fill_typed_times(phone)
        if number < total:
            next_section(phone, number + 1)
    phone.text(phone.say("runner.progress", answered=26, required=26), exact=True).wait_for()


def sync_now(phone: Phone) -> None:
    """Home's Sync now until the sync screen's summary shows (journeys.sync_from_home, with the
    tap repeated if Flutter dropped it, as seen right after a reload)."""
    summary = re.compile("^" + re.escape(phone.say("sync.summary", synced=999, conflict=0, rejected=0, pending=0))
                         .replace("999", "[01]") + "$")
    phone.tap_until(phone.button(phone.say("home.sync_now")).first, phone.text(summary))


def finalise_and_sync(phone: Phone) -> None:
    phone.tap_button(phone.say("runner.review"))
    phone.tap_button(phone.say("review.finalise"))
    visit_row(phone, ("state.finalised", "state.synced"), CHECKLIST).wait_for()
    sync_now(phone)


def back_home(phone: Phone) -> None:
    phone.tap(phone.page.get_by_label(phone.say("common.back"), exact=True).first)
    phone.button(phone.say("home.new_visit")).wait_for()


def open_action(phone: Phone, title: str, filter_key: str = "actions.filter.open") -> None:
    phone.tap_button(phone.say("actions.open"))
    phone.text(phone.say("actions.title"), exact=True).first.wait_for()
    phone.tap_button(phone.say(filter_key))
    # The row's title and its due/status line are one node for the browser: found by the title.
    phone.tap_until(phone.text(title, exact=False).first, phone.text(phone.say("actions.timeline"), exact=True))


def choose_cause(phone: Phone, cause_key: str) -> None:
    """The cause dropdown, named by its label and what it shows; its menu lists each cause as a
    button."""
    phone.tap(phone.button(phone.say("reports_ui.named_choice", label=phone.say("actions.cause"),
                                     value=phone.say("actions.cause_none"))))
    phone.tap(phone.button(phone.say(cause_key)).first)
    phone.button(phone.say("reports_ui.named_choice", label=phone.say("actions.cause"),
                           value=phone.say(cause_key))).wait_for()
