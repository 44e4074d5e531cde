"""An enrolment link opened in a tab where the app is already open (the tab keeps its Flet
session, so the app's `main` does not run again): it enrols, and never strands unsynced visits."""

import json
import time
from pathlib import Path

import httpx

from tests.ui.journeys import device_folder, enrol_by_link, start_offline, start_retail_visit, visit_row
from tests.ui.phone import Phone
from tests.ui.product import Product


def enrolled_as(product: Product) -> str:
    """The account the phone's stored token belongs to, as the sync server says."""
    creds = json.loads((device_folder(product.app_data) / "credentials.json").read_text(encoding="utf-8"))
    answer = httpx.get(f"{creds['server_url']}/api/v1/me", timeout=10.0,
                       headers={"Authorization": f"Bearer {creds['token']}"})
    assert answer.status_code == 200, answer.text
    return answer.json()["name"]


def open_link_in_same_tab(phone: Phone, link: str) -> None:
    phone.page.goto(link)
    phone.enable_semantics()


def test_a_link_opened_in_the_open_tab_of_an_offline_phone_enrols_it(product: Product, phone: Phone):
    start_offline(phone, product.app_url)
    open_link_in_same_tab(phone, product.enrolment_link("demo-auditor"))
    phone.text(phone.say("first_run.offline")).wait_for(state="detached")
    phone.button(phone.say("home.new_visit")).wait_for()
    wait_for_file(device_folder(product.app_data) / "credentials.json")
    assert enrolled_as(product) == "demo-auditor"
    phone.screenshot("en-home-enrolled-by-link-in-open-tab", phone.button(phone.say("home.new_visit")))


def test_a_link_for_another_account_is_refused_while_visits_are_unsynced(product: Product, phone: Phone):
    enrol_by_link(phone, product.enrolment_link("demo-auditor"))
    start_retail_visit(phone)
    open_link_in_same_tab(phone, product.enrolment_link("demo-auditor-2"))
    refused = phone.text(phone.say("error.enrol_unsynced", count=1), exact=True)
    phone.screenshot("en-enrol-link-refused-unsynced", refused)
    assert enrolled_as(product) == "demo-auditor"
    phone.page.goto(product.app_url)
    phone.enable_semantics()
    visit_row(phone, "state.draft").wait_for()


def wait_for_file(path: Path) -> None:
    """The credentials file appears when the enrolment finished (the UI shows Home first)."""
    deadline = time.monotonic() + 30
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)  # a poll for the file, not a wait for time
