"""Steps of a shopper's visit in the browser, by the accessible names the app promises (English)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from PIL import Image

from tests.ui.phone import Phone

RETAIL = "Retail store mystery shop"
DEMO_SITE = "site-001"


def choose_english(phone: Phone) -> None:
    """The language buttons are named in their own language on every screen that has them."""
    phone.tap_button("English")


def enrol_by_link(phone: Phone, link: str) -> None:
    """Open the link `make run` printed: the app enrols itself and lands on Home."""
    phone.open(link)
    phone.button("English").first.wait_for()
    choose_english(phone)
    phone.button("New visit").wait_for()


def start_offline(phone: Phone, app_url: str) -> None:
    phone.open(app_url)
    choose_english(phone)
    phone.tap_button("Offline only")
    phone.button("New visit").wait_for()


def start_retail_visit(phone: Phone, *, site_name: str | None = None, shot: str | None = None) -> None:
    """New visit -> retail checklist -> a site -> Start visit; the runner's first section shows."""
    phone.tap_button("New visit")
    phone.button("Start visit").wait_for()
    phone.tap(phone.role("radio", RETAIL, exact=False))
    if site_name is None:  # no roster on the phone: the site's code is typed
        phone.fill(phone.textbox("Site code"), DEMO_SITE)
        phone.page.keyboard.press("Enter")
    else:
        choose_site(phone, site_name)
    if shot:
        phone.screenshot(shot)
    phone.tap_button("Start visit")
    phone.button("Pass").first.wait_for()


def choose_site(phone: Phone, site_name: str) -> None:
    phone.tap(phone.textbox("Site"))
    phone.tap(phone.role("menuitem", site_name, exact=False).first)


def time_with_stopwatch(phone: Phone) -> None:
    """Start the first stopwatch of the section, then Mark until it stops asking."""
    phone.tap_button("Start")
    while phone.button("Mark").count() and phone.button("Mark").first.is_enabled():
        phone.tap_button("Mark")


def answer_section(phone: Phone) -> None:
    """Pass every check item, time every timed one, rate every rating 5."""
    while phone.button("Start").count() and phone.button("Start").first.is_enabled():
        time_with_stopwatch(phone)
    for index in range(phone.button("Pass").count()):
        phone.tap(phone.button("Pass").nth(index))
    if phone.button("5").count():
        phone.tap(phone.button("5").first)


def answer_every_section(phone: Phone, *, shot_prefix: str | None = None) -> None:
    section = 0
    while True:
        answer_section(phone)
        if shot_prefix and section == 0:
            phone.screenshot(f"{shot_prefix}-runner")
        following = phone.button("Next section")
        if not following.count() or not following.is_enabled():
            return
        phone.tap(following)
        section += 1


def photo_file(folder: Path) -> Path:
    """A real JPEG (the app decodes and re-encodes what it is given)."""
    path = folder / "shelf.jpg"
    image = Image.new("RGB", (640, 480), (40, 120, 200))
    for x in range(0, 640, 40):
        image.paste((230, 180, 30), (x, 200, x + 20, 280))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return path


def attach_photo(phone: Phone, path: Path) -> None:
    with phone.page.expect_file_chooser() as chooser:
        phone.tap(phone.button("Add photo").first)
    chooser.value.set_files(str(path))
    phone.role("img", "Photo").first.wait_for()


def review_and_finalise(phone: Phone, *, shot_prefix: str | None = None) -> None:
    phone.tap_button("Review")
    phone.button("Finalise").wait_for()
    if shot_prefix:
        phone.screenshot(f"{shot_prefix}-review")
    phone.tap_button("Finalise")
    phone.text("Waiting to sync").first.wait_for()


def sync_now(phone: Phone) -> None:
    phone.tap_button("Sync now")


def device_store(app_data: Path) -> dict:
    """The one device's store file under the app server's data folder."""
    (device,) = (app_data / "devices").iterdir()
    return json.loads((device / "store.json").read_text(encoding="utf-8"))
